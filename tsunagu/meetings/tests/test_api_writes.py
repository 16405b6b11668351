"""The meetings API's writes (issue 13, item 9) from each persona's side: the minutes with If-Match (stale →
409 and nothing saved, none → 428), adding a member (a consent-based meeting answers 400 naming the
organisations lacking consent), closing the follow-up, and the 資料 listed on the meeting and the item."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import AccessGrant
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration.tests.factories import consent_for
from tsunagu.core.models import Organization
from tsunagu.meetings import services
from tsunagu.meetings.models import AgendaItem, MeetingMember
from tsunagu.meetings.tests.factories import acknowledge, attach, hold, kotoura_type, put_on_agenda, refreshed
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_meeting(personas):
    """A 支援会議 chaired by the coordinator (福祉あんしん課), caseworkers A and B members, A acknowledged and the
    person of 地域包括 (no consent) on the agenda."""
    person = register(personas.caseworker_a)
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "shien-kaigi"),
                   members=(personas.caseworker_a, personas.caseworker_b))  # fmt: skip
    acknowledge(personas.coordinator, meeting)
    acknowledge(personas.caseworker_a, meeting)
    item = put_on_agenda(personas.caseworker_a, meeting, person)
    return refreshed(meeting), item, person


def put_minutes(client, item, text: str, etag: str | None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.put(reverse("api:agenda-item-minutes", args=[item.pk]), data=json.dumps({"minutes": text}),
                      content_type="application/json", **headers)  # fmt: skip


def test_minutes_are_written_with_if_match_and_a_stale_etag_saves_nothing(client, personas, support_meeting):
    _meeting, item, _person = support_meeting
    client.force_login(personas.coordinator)
    read = client.get(reverse("api:agenda-item-minutes", args=[item.pk]))
    assert read.status_code == 200 and read["ETag"] == '"1"' and read.json()["minutes"] == ""

    assert put_minutes(client, item, "初回の検討。", None).status_code == 428
    written = put_minutes(client, item, "初回の検討。", read["ETag"])
    assert written.status_code == 200 and written["ETag"] == '"2"' and written.json()["version"] == 2
    # A second writer who read version 1: refused, told the current version, and nothing is saved.
    stale = put_minutes(client, item, "上書きしようとした内容", '"1"')
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 2 and stale["ETag"] == '"2"'
    item.refresh_from_db()
    assert item.minutes == "初回の検討。" and item.version == 2
    assert (
        AuditEntry.objects.filter(action=Action.UPDATE, model="meetings.agendaitem", object_id=str(item.pk)).count()
        == 1
    )
    # Blank minutes: refused on the field in Japanese, nothing saved.
    blank = put_minutes(client, item, "   ", '"2"')
    assert blank.status_code == 400 and blank.json()["error"]["fields"]["minutes"] == ["この項目は空にできません。"]
    item.refresh_from_db()
    assert item.minutes == "初回の検討。" and item.version == 2


def test_minutes_from_the_other_sides(client, personas, support_meeting):
    _meeting, item, _person = support_meeting
    # A member who is not the chair: refused by the service (400); B before acknowledging, and non-members: 404.
    client.force_login(personas.caseworker_a)
    refused = put_minutes(client, item, "議事録", '"1"')
    assert refused.status_code == 400 and "議長だけ" in refused.json()["error"]["message"]
    for persona in (personas.caseworker_b, personas.colleague_a, personas.auditor, personas.stranger):
        client.force_login(persona)
        assert client.get(reverse("api:agenda-item-minutes", args=[item.pk])).status_code == 404, persona
        assert put_minutes(client, item, "議事録", '"1"').status_code == 404, persona
    item.refresh_from_db()
    assert item.minutes == "" and item.version == 1


def test_the_minutes_page_carries_the_version_and_refuses_a_stale_form(client, personas, support_meeting):
    _meeting, item, _person = support_meeting
    client.force_login(personas.coordinator)
    page = client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    assert 'name="version" value="1"' in page
    url = reverse("meetings:agenda-minutes", args=[item.pk])
    assert client.post(url, {"minutes": "一度目", "version": "1"}).status_code == 302
    stale = client.post(url, {"minutes": "二度目", "version": "1"})
    assert stale.status_code == 400 and "他の職員" in stale.content.decode()
    assert 'name="version" value="2"' in stale.content.decode()  # moved on: saving again is deliberate
    item.refresh_from_db()
    assert item.minutes == "一度目"


def member_post(client, meeting, user, organization):
    return client.post(reverse("api:meeting-members", args=[meeting.pk]),
                       {"user": user.pk, "organization": organization.pk}, content_type="application/json")  # fmt: skip


def test_adding_a_member_to_a_consent_meeting_rechecks_consent(client, personas):
    a, b = personas.caseworker_a, personas.caseworker_b
    orgs = {o.name: o for o in Organization.objects.filter(municipality=personas.town)}
    person = register(a)
    consent_for(a, person, orgs["福祉あんしん課"])
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"), members=(a,))
    put_on_agenda(a, meeting, person)
    client.force_login(personas.coordinator)
    refused = member_post(client, meeting, b, orgs["相談支援センターサポートりんくす"])
    assert refused.status_code == 400
    body = refused.json()["error"]
    assert "相談支援センターサポートりんくす" in body["message"] and "本人同意" in body["message"]
    assert "福祉あんしん課" not in body["message"]
    assert not MeetingMember.objects.filter(meeting=meeting, user=b).exists()

    # With consent covering B's organisation, the same call adds B.
    consent_for(a, person, orgs["相談支援センターサポートりんくす"])
    added = member_post(client, meeting, b, orgs["相談支援センターサポートりんくす"])
    assert added.status_code == 201 and added.json()["organization"]["name"] == "相談支援センターサポートりんくす"
    assert MeetingMember.objects.filter(meeting=meeting, user=b).exists()


def test_adding_a_member_from_the_other_sides(client, personas, support_meeting):
    meeting, _item, _person = support_meeting
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    client.force_login(personas.coordinator)
    # A user of another town, or one who does no casework at that organisation: refused on the field.
    stranger = member_post(client, meeting, personas.stranger, anshin)
    assert stranger.status_code == 400 and "user" in stranger.json()["error"]["fields"]
    # A member who is not the chair: the service's refusal.
    client.force_login(personas.caseworker_a)
    assert member_post(client, meeting, personas.supervisor, anshin).status_code == 400
    for persona in (personas.colleague_a, personas.stranger):
        client.force_login(persona)
        assert member_post(client, meeting, personas.supervisor, anshin).status_code == 404
    assert not MeetingMember.objects.filter(meeting=meeting, user__in=[personas.supervisor, personas.stranger]).exists()


def test_closing_the_follow_up_by_the_api(client, personas, support_meeting):
    meeting, item, person = support_meeting
    close = reverse("api:meeting-close", args=[meeting.pk])
    services.task_create(user=personas.coordinator, meeting=meeting, data=services.TaskInput(
        title="家庭訪問", owner=personas.caseworker_a, due_on=timezone.localdate() + timedelta(days=7)))  # fmt: skip
    for persona in (personas.colleague_a, personas.stranger):
        client.force_login(persona)
        assert client.post(close).status_code == 404
    client.force_login(personas.caseworker_a)
    assert client.post(close).status_code == 400  # not the chair
    client.force_login(personas.coordinator)
    still_open = client.post(close)
    assert still_open.status_code == 400 and "未完了のタスク" in still_open.json()["error"]["message"]
    meeting.tasks.update(done_at=timezone.now(), done_by=personas.caseworker_a)
    closed = client.post(close)
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    assert not AccessGrant.objects.active().filter(source=f"meeting:{meeting.pk}").exists()
    client.force_login(personas.caseworker_a)
    assert client.get(reverse("api:agenda-item-detail", args=[item.pk])).status_code == 404
    assert person.pk


def test_attachments_are_listed_for_those_who_may_open_them(client, personas, support_meeting):
    meeting, item, person = support_meeting
    sheet = attach(personas.caseworker_a, meeting, title="アセスメントシート", item=item)
    attach(personas.coordinator, meeting, title="当日配布資料")
    item_list = reverse("api:agenda-item-attachments", args=[item.pk])
    meeting_list = reverse("api:meeting-attachments", args=[meeting.pk])
    client.force_login(personas.caseworker_b)  # not acknowledged yet
    assert client.get(item_list).status_code == 404 and client.get(meeting_list).status_code == 404
    services.acknowledge(user=personas.caseworker_b, meeting=refreshed(meeting))
    listed = client.get(item_list).json()
    assert [(r["id"], r["title"], r["file_type"]) for r in listed] == [(sheet.pk, "アセスメントシート", "png")]
    assert listed[0]["download"] == reverse("meetings:attachment-download", args=[sheet.pk])
    entry = AuditEntry.objects.filter(user=personas.caseworker_b, action=Action.READ).latest("id")
    assert entry.person_id == person.pk and entry.basis_source.startswith(f"meeting:{meeting.pk} grant:")
    assert [r["title"] for r in client.get(meeting_list).json()] == ["当日配布資料"]
    # A handout is about the agenda: its list names the items the reader may open, on their grounds.
    entry = AuditEntry.objects.filter(user=personas.caseworker_b, action=Action.READ).latest("id")
    assert entry.summary.startswith("会議の配布資料の一覧を閲覧")
    assert (entry.records or {}).get("agenda_item") == [item.pk]
    assert entry.basis_source.startswith(f"meeting:{meeting.pk} grant:")
    for persona in (personas.colleague_a, personas.administrator, personas.stranger):
        client.force_login(persona)
        assert client.get(item_list).status_code == 404 and client.get(meeting_list).status_code == 404
    AgendaItem.objects.filter(pk=item.pk).update(removed_at=timezone.now())
    client.force_login(personas.caseworker_b)
    assert client.get(item_list).status_code == 404
