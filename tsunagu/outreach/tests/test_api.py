"""The outreach API: 気になる情報 recorded and read (the source for the holder's staff only), a target
opened from it, a visit recorded from a tablet, stage changes by the rule (400 with the reason), and 404
for an unrelated agency at every endpoint."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.core.models import Organization
from tsunagu.outreach.models import OutreachTarget, Stage
from tsunagu.outreach.tests.factories import runs_outreach, worker_at

pytestmark = pytest.mark.django_db


def post(client, token: str, url: str, body: dict):
    return client.post(url, body, content_type="application/json", **auth(token))


@pytest.fixture
def worker(personas):
    organization = Organization.objects.get(municipality=personas.town, name="琴浦町社会福祉協議会")
    runs_outreach(organization)
    return worker_at(organization, "outreach_api")


def test_a_visit_recorded_from_a_tablet(client, personas, worker):
    token = token_for(worker)
    info = post(client, token, reverse("api:outreach-information-list"), {
        "content": "電気・ガスの滞納が続いている", "source_type": "utility", "source_name": "ガス会社 検針員",
        "urgency": "soon", "description": "70代女性", "address": "琴浦町大字赤碕3番地",
    })  # fmt: skip
    assert info.status_code == 201, info.json()
    assert info.json()["source"] == {"name": "ガス会社 検針員", "contact": ""}
    target = post(client, token, reverse("api:outreach-target-list"), {"information": [info.json()["id"]]})
    assert target.status_code == 201, target.json()
    pk = target.json()["id"]
    assert target.json()["worry"] == "電気・ガスの滞納が続いている" and target.json()["stage"] == "uncontacted"

    contacts = reverse("api:outreach-target-contacts", args=[pk])
    visit = {"occurred_at": timezone.now().isoformat(), "means": "visit", "result": "absent", "content": "不在",
             "next_step": "夕方に再訪"}  # fmt: skip
    assert post(client, token, contacts, visit).status_code == 201
    detail = client.get(reverse("api:outreach-target-detail", args=[pk]), **auth(token)).json()
    assert (detail["stage"], detail["attempt_count"], detail["next_action"]) == ("attempting", 1, "夕方に再訪")
    listed = client.get(contacts, **auth(token)).json()
    assert [c["result"] for c in listed["results"]] == ["absent"]

    stage = reverse("api:outreach-target-stage", args=[pk])
    refused = post(client, token, stage, {"to": "relationship"})
    assert refused.status_code == 400
    assert "会話・面会できた記録がない" in refused.json()["error"]["message"]
    watching = post(client, token, stage, {"to": "watching", "note": "民生委員が週1回見守る"})
    assert watching.status_code == 200 and OutreachTarget.objects.get(pk=pk).stage == Stage.WATCHING

    # An unrelated agency: 404 on every endpoint, the lists show it nothing.
    other = token_for(personas.caseworker_b)
    for url in (reverse("api:outreach-target-detail", args=[pk]), contacts,
                reverse("api:outreach-information-detail", args=[info.json()["id"]])):  # fmt: skip
        assert client.get(url, **auth(other)).status_code == 404, url
    assert post(client, other, contacts, visit).status_code == 404
    assert post(client, other, stage, {"to": "ended", "end_reason": "moved"}).status_code == 404
    assert client.get(reverse("api:outreach-target-list"), **auth(other)).json()["results"] == []
