"""A protected (DV) person's location in アウトリーチ, read by a 支援会議's member (meetings, outreach and people
together, so here): the target's 地区 and the 気になる情報's address are the person's location, kept from a
reader who is neither the protecting agency nor its named staff — on the pages and in the API, detail and
list — while the protecting agency's own worker reads them on the detail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.core.models import District, Organization
from tsunagu.meetings.tests.factories import acknowledge, hold, kotoura_type, put_on_agenda
from tsunagu.outreach.tests.factories import information, open_target, runs_outreach, worker_at
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

ADDRESS = "琴浦町大字山間9番地"


@pytest.fixture
def protected_target(personas):
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(anshin)
    worker = worker_at(anshin, "anshin_outreach")
    district = District.objects.create(municipality=personas.town, name="山間第1地区", order=1)
    person = register(worker, given_name="美和", given_name_kana="ミワ", address=ADDRESS, address_protected=True,
                      care_notes="DV")  # fmt: skip
    info = information(worker, person=person, district=district, address=ADDRESS)
    target = open_target(worker, [info], person=person)
    # The 支援会議 shares the person with サポートりんくす (B), who is not the protecting agency.
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"), members=(personas.caseworker_b,))
    acknowledge(personas.coordinator, meeting)
    put_on_agenda(personas.coordinator, meeting, person)
    acknowledge(personas.caseworker_b, meeting)
    return worker, target, info


def test_a_meeting_member_reads_the_target_without_its_location(client, personas, protected_target):
    worker, target, info = protected_target
    client.force_login(personas.caseworker_b)
    detail = client.get(reverse("api:outreach-target-detail", args=[target.pk]))
    assert detail.status_code == 200 and detail.json()["district"] is None
    page = client.get(reverse("outreach:target-detail", args=[target.pk])).content.decode()
    assert "美和" in page and "山間第1地区" not in page and ADDRESS not in page
    info_api = client.get(reverse("api:outreach-information-detail", args=[info.pk]))
    assert info_api.status_code == 200 and info_api.json()["address"] == ""
    info_page = client.get(reverse("outreach:information-detail", args=[info.pk])).content.decode()
    assert ADDRESS not in info_page
    listed = client.get(reverse("api:outreach-target-list")).json()["results"]
    assert [(r["id"], r["district"]) for r in listed] == [(target.pk, None)]
    assert "山間第1地区</td>" not in client.get(reverse("outreach:target-list")).content.decode()

    # The protecting agency's own worker reads where the person is, on the detail.
    client.force_login(worker)
    assert client.get(reverse("api:outreach-target-detail", args=[target.pk])).json()["district"]["name"] == (
        "山間第1地区"
    )
    assert client.get(reverse("api:outreach-information-detail", args=[info.pk])).json()["address"] == ADDRESS
