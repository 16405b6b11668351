"""The 参加支援 API: the registry written and read (a capacity below zero is a 400 with the service's message),
a support opened for a person, ranked, matched, moved on and followed up with the host — and 404 for an
unrelated agency at every personal endpoint."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.participation.models import Resource
from tsunagu.participation.tests.factories import worker_at, workshop
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def post(client, token: str, url: str, body: dict):
    return client.post(url, body, content_type="application/json", **auth(token))


def test_from_the_registry_to_a_follow_up_with_the_host(client, personas):
    staff = worker_at(workshop(personas.town), "sagyo_api")
    token = token_for(staff)
    host = post(
        client, token, reverse("api:participation-host-list"), {"name": "赤碕の古民家カフェ", "sector": "まちづくり"}
    )
    assert host.status_code == 201, host.json()
    body = {"host": host.json()["id"], "name": "カフェの仕込み体験", "kind": "work-experience",
            "description": "野菜を洗い、皿を拭く", "weekdays": "水", "starts_at": "10:00", "ends_at": "12:00"}  # fmt: skip
    refused = post(client, token, reverse("api:participation-resource-list"), {**body, "capacity": -1})
    assert refused.status_code == 400 and "定員は0人以上" in refused.json()["error"]["message"]
    assert not Resource.objects.exists()
    created = post(client, token, reverse("api:participation-resource-list"), {**body, "capacity": 2})
    assert created.status_code == 201, created.json()
    listed = client.get(reverse("api:participation-resource-list"), **auth(token)).json()
    assert [r["name"] for r in listed["results"]] == ["カフェの仕込み体験"]
    assert post(client, token, reverse("api:participation-development-list"), {
        "approached_on": timezone.localdate().isoformat(), "approached": "赤碕の古民家カフェ", "outcome": "accepted",
        "method": "訪問",
    }).status_code == 201  # fmt: skip

    person = register(staff, family_name="赤崎", family_name_kana="アカサキ")
    opened = post(client, token, reverse("api:participation-support-list"), {
        "person": person.pk, "wishes": "週に一度、短い時間から", "weekdays": "水", "available_from": "09:00",
        "available_until": "12:00",
    })  # fmt: skip
    assert opened.status_code == 201, opened.json()
    pk = opened.json()["id"]
    ranking = client.get(reverse("api:participation-support-ranking", args=[pk]), **auth(token)).json()
    assert ranking[0]["resource"]["name"] == "カフェの仕込み体験"
    assert {r["criterion"] for r in ranking[0]["reasons"]} == {"district", "hours", "conditions", "interests",
                                                               "capacity"}  # fmt: skip
    matches = reverse("api:participation-support-matches", args=[pk])
    match = post(client, token, matches, {"resource": created.json()["id"]})
    assert match.status_code == 201 and match.json()["next_states"] == ["trial", "participating", "ended"]
    state = reverse("api:participation-match-state", args=[match.json()["id"]])
    today = timezone.localdate().isoformat()
    assert post(client, token, state, {"to": "settled", "on": today}).status_code == 400
    assert post(client, token, state, {"to": "trial", "on": today}).json()["state"] == "trial"
    follow_ups = reverse("api:participation-match-follow-ups", args=[match.json()["id"]])
    assert post(client, token, follow_ups, {"about": "host", "on": today, "content": "店主と面談",
                                            "worries": "忙しい時間に教える余裕がない"}).status_code == 201  # fmt: skip
    assert [f["about"] for f in client.get(follow_ups, **auth(token)).json()["results"]] == ["host"]

    other = token_for(personas.caseworker_b)
    for url in (reverse("api:participation-support-detail", args=[pk]), matches, follow_ups,
                reverse("api:participation-support-ranking", args=[pk])):  # fmt: skip
        assert client.get(url, **auth(other)).status_code == 404, url
    assert post(client, other, state, {"to": "ended", "on": today, "end_reason": "declined"}).status_code == 404
    assert client.get(reverse("api:participation-support-list"), **auth(other)).json()["results"] == []
