"""Meeting pages and API: holding a meeting, the agenda by page, 支援決定 through the case, and lists whose
query count does not grow with the meetings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.meetings.models import Meeting
from tsunagu.meetings.tests.factories import acknowledge, hold, kotoura_type, put_on_agenda
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def test_the_coordinator_holds_a_meeting_and_puts_a_person_on_the_agenda(client, personas):
    client.force_login(personas.coordinator)
    kind = kotoura_type(personas.town, "shien-kaigi")
    assert client.get(reverse("meetings:meeting-create")).status_code == 200
    response = client.post(reverse("meetings:meeting-create"), {
        "meeting_type": kind.pk, "held_on": "令和7年4月1日", "held_time": "14:00", "place": "琴浦町役場 第1会議室",
        "closed_to_public": "on",
    })  # fmt: skip
    meeting = Meeting.objects.get(meeting_type=kind)
    assert response.status_code == 302 and meeting.chair == personas.coordinator and meeting.closed_to_public
    person = register(personas.coordinator)
    refused = client.post(reverse("meetings:agenda-add", args=[meeting.pk]), {"person_id": person.pk, "topic": "x"})
    assert refused.status_code == 400 and "守秘義務を確認してから" in refused.content.decode()
    client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk]))
    added = client.post(
        reverse("meetings:agenda-add", args=[meeting.pk]), {"person_id": person.pk, "topic": "長期ひきこもり"}
    )
    assert added.status_code == 302
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    assert person.full_name in page.content.decode()
    unseen = client.post(reverse("meetings:agenda-add", args=[meeting.pk]), {"person_id": 2**40, "topic": "x"})
    assert unseen.status_code == 400 and meeting.agenda.count() == 1


def test_the_api_lists_types_and_meetings_and_refuses_strangers(client, personas):
    client.force_login(personas.coordinator)
    types = client.get(reverse("api:meeting-type-list")).json()
    by_code = {t["code"]: t for t in types}
    assert by_code["shien-kaigi"]["legal_basis"] == "art106_6" and by_code["shien-kaigi"]["statutory"]
    assert by_code["jusouteki-shien-kaigi"]["consent_required"]
    created = client.post(reverse("api:meeting-list"), {
        "meeting_type": by_code["shien-kaigi"]["id"], "held_at": "2025-04-01T14:00:00+09:00", "place": "会議室",
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [m["id"] for m in client.get(reverse("api:meeting-list")).json()["results"]] == [pk]
    assert client.get(reverse("api:meeting-detail", args=[pk])).json()["may_open"] is False
    assert client.post(reverse("api:meeting-acknowledgements", args=[pk])).status_code == 201
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("api:meeting-detail", args=[pk])).status_code == 404
    assert client.get(reverse("api:meeting-list")).json()["results"] == []


@pytest.mark.parametrize("count", [1, 8])
def test_list_pages_take_constant_queries(client, personas, django_assert_max_num_queries, count):
    kind = kotoura_type(personas.town, "shien-kaigi")
    for i in range(count):
        meeting = hold(personas.coordinator, kind, days_ago=i + 1, members=(personas.caseworker_a,))
        acknowledge(personas.coordinator, meeting)
        put_on_agenda(personas.coordinator, meeting, register(personas.coordinator))
    client.force_login(personas.coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("meetings:meeting-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("meetings:my-tasks")).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code == 200
