"""資料・情報の提供の求め (法106条の6第2項, issue 13 item 5), from every side: the chair asks, the asked
organisation answers, the members read the answer beside the item, and everyone else gets 404 — in pages and
API alike, every read audited with its basis and the meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditEntry
from tsunagu.core.models import Organization
from tsunagu.meetings import services
from tsunagu.meetings.information import services as information
from tsunagu.meetings.models import AgendaItem, InformationRequest, RequestStatus
from tsunagu.meetings.tests.factories import acknowledge, hold, kotoura_type, put_on_agenda, refreshed
from tsunagu.notifications.models import Event, Notice
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def org(town, name: str) -> Organization:
    return Organization.objects.get(municipality=town, name=name)


def _item(pk: int) -> AgendaItem:
    return AgendaItem.objects.select_related("meeting__meeting_type", "meeting__convener").get(pk=pk)


@pytest.fixture
def shien(personas):
    """A 支援会議 (法106条の6) chaired by the coordinator, 地域包括's caseworker A a member, both acknowledged, a
    person without consent on the agenda; サポートりんくす (caseworker B) is neither member nor reader."""
    coordinator = personas.coordinator
    meeting = hold(coordinator, kotoura_type(personas.town, "shien-kaigi"), members=(personas.caseworker_a,))
    acknowledge(coordinator, meeting)
    acknowledge(personas.caseworker_a, meeting)
    person = register(coordinator, family_name="川上", given_name="誠")
    item = put_on_agenda(coordinator, meeting, person)
    return meeting, _item(item.pk), person


def ask(item, personas, organization_name="相談支援センターサポートりんくす", user=None) -> InformationRequest:
    return information.request_create(
        user=user or personas.coordinator, item=item,
        data=information.RequestInput(organization=org(personas.town, organization_name), content="直近の相談記録の写し",
                                      due_on=timezone.localdate() + timedelta(days=14)),
    )  # fmt: skip


def test_the_chair_asks_and_the_asked_organisation_answers(client, personas, shien):
    _meeting, item, person = shien
    client.force_login(personas.coordinator)
    create = reverse("meetings:information-request-create", args=[item.pk])
    assert client.get(create).status_code == 200
    response = client.post(create, {
        "organization": org(personas.town, "相談支援センターサポートりんくす").pk, "content": "直近の相談記録の写し",
        "due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    row = InformationRequest.objects.get(agenda_item=item)
    assert (row.status, row.requested_by, row.requested_on) == (
        RequestStatus.REQUESTED, personas.coordinator, timezone.localdate(),
    )  # fmt: skip
    notice = Notice.objects.get(user=personas.caseworker_b, event=Event.INFORMATION_REQUESTED)
    assert person.family_name not in notice.summary and "支援会議" in notice.summary
    # The asked organisation reads the request — the person named — on the meeting's basis, audited so.
    client.force_login(personas.caseworker_b)
    detail = reverse("meetings:information-request-detail", args=[row.pk])
    page = client.get(detail).content.decode()
    assert person.full_name in page and "直近の相談記録の写し" in page and "answer-form" in page
    entry = AuditEntry.objects.filter(user=personas.caseworker_b, person_id=person.pk).latest("id")
    assert entry.basis == "art106_6" and f"information_request:{row.pk}" in entry.basis_source
    assert f"meeting:{item.meeting_id}" in entry.basis_source
    inbox = client.get(reverse("meetings:information-requests")).content.decode()
    assert f'data-request="{row.pk}"' in inbox and person.family_name not in inbox
    assert client.post(reverse("meetings:information-request-answer", args=[row.pk]), {"answer": ""}).status_code == 400
    answered = client.post(reverse("meetings:information-request-answer", args=[row.pk]), {"answer": "3月に来所"})
    assert answered.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.answer, row.answered_by, row.answered_on) == (
        RequestStatus.ANSWERED, "3月に来所", personas.caseworker_b, timezone.localdate(),
    )  # fmt: skip
    assert Notice.objects.filter(user=personas.coordinator, event=Event.INFORMATION_ANSWERED).exists()
    # The members read the answer beside the item; a second answer is refused.
    client.force_login(personas.caseworker_a)
    assert "回答済み" in client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    assert "3月に来所" in client.get(detail).content.decode()
    with pytest.raises(services.MeetingError, match="回答済み"):
        information.request_answer(user=personas.caseworker_b, request_row=row, answer="追加")


def test_only_the_chair_asks_only_the_asked_answer_and_everyone_else_gets_404(client, personas, shien):
    _meeting, item, _person = shien
    row = ask(item, personas)
    # A member attending for another organisation than the convener does not ask.
    client.force_login(personas.caseworker_a)
    assert client.get(reverse("meetings:information-request-create", args=[item.pk])).status_code == 404
    with pytest.raises(services.MeetingError, match="議長"):
        ask(item, personas, user=personas.caseworker_a)
    # A member who is not asked does not answer; the asked do not withdraw.
    assert (
        client.post(reverse("meetings:information-request-answer", args=[row.pk]), {"answer": "x"}).status_code == 404
    )
    client.force_login(personas.caseworker_b)
    assert client.post(reverse("meetings:information-request-withdraw", args=[row.pk])).status_code == 404
    urls = [reverse("meetings:information-request-detail", args=[row.pk]),
            reverse("api:information-request-detail", args=[row.pk]),
            reverse("meetings:information-request-create", args=[item.pk])]  # fmt: skip
    for outsider in (personas.colleague_a, personas.supervisor, personas.administrator, personas.auditor,
                     personas.stranger):  # fmt: skip
        client.force_login(outsider)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], outsider
        assert client.post(urls[0].rstrip("/") + "/answer/", {"answer": "x"}).status_code == 404
    row.refresh_from_db()
    assert row.status == RequestStatus.REQUESTED and row.answer == ""


def test_withdrawn_and_closed_requests_answer_the_asked_404(client, personas, shien):
    meeting, item, _person = shien
    row = ask(item, personas)
    with pytest.raises(services.MeetingError, match="回答のない資料・情報の提供の求め"):
        services.meeting_close(user=personas.coordinator, meeting=refreshed(meeting))
    information.request_withdraw(user=personas.coordinator, request_row=row)
    detail = reverse("meetings:information-request-detail", args=[row.pk])
    client.force_login(personas.caseworker_b)
    assert client.get(detail).status_code == 404
    client.force_login(personas.caseworker_a)
    assert "取り下げ" in client.get(detail).content.decode()
    services.meeting_close(user=personas.coordinator, meeting=refreshed(meeting))
    assert client.get(detail).status_code == 404


def test_a_consent_based_meeting_asks_only_organisations_the_consent_covers(personas):
    from tsunagu.collaboration.tests.factories import consent_for

    coordinator = personas.coordinator
    person = register(coordinator)
    consent_for(coordinator, person, org(personas.town, "福祉あんしん課"))
    meeting = hold(coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"))
    item = _item(put_on_agenda(coordinator, meeting, person).pk)
    with pytest.raises(services.MeetingError, match="本人同意の範囲に含まれていない"):
        ask(item, personas)
    assert not InformationRequest.objects.exists()


def test_the_api_asks_answers_and_lists(client, personas, shien):
    _meeting, item, person = shien
    client.force_login(personas.coordinator)
    listing = reverse("api:agenda-item-information-requests", args=[item.pk])
    created = client.post(listing, {
        "organization": org(personas.town, "相談支援センターサポートりんくす").pk, "content": "通所の状況",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [r["id"] for r in client.get(listing).json()] == [pk]
    past = client.post(listing, {"organization": created.json()["organization"]["id"], "content": "x",
                                 "due_on": "2020-01-01"}, content_type="application/json")  # fmt: skip
    assert past.status_code == 400 and InformationRequest.objects.count() == 1
    client.force_login(personas.caseworker_b)
    assert client.get(listing).status_code == 404
    rows = client.get(reverse("api:information-request-list")).json()["results"]
    assert [r["id"] for r in rows] == [pk] and "person" not in rows[0]
    detail = client.get(reverse("api:information-request-detail", args=[pk])).json()
    assert detail["person"]["id"] == person.pk and detail["grounds"]["basis"] == "art106_6"
    answer = reverse("api:information-request-answer", args=[pk])
    answered = client.post(answer, {"answer": "週2回通所"}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert client.get(reverse("api:information-request-list")).json()["results"] == []
    client.force_login(personas.stranger)
    assert client.get(reverse("api:information-request-detail", args=[pk])).status_code == 404
    assert client.post(answer, {"answer": "x"}, content_type="application/json").status_code == 404


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_pages_take_constant_queries(client, personas, shien):
    """The inbox, the request and the item page cost the same with one request as with six."""
    _meeting, item, _person = shien

    def measure() -> list[int]:
        row = InformationRequest.objects.latest("id")
        client.force_login(personas.caseworker_b)
        counts = [
            queries(client, reverse(n)) for n in ("meetings:information-requests", "api:information-request-list")
        ]
        counts.append(queries(client, reverse("meetings:information-request-detail", args=[row.pk])))
        client.force_login(personas.coordinator)
        return [*counts, queries(client, reverse("meetings:agenda-item-detail", args=[item.pk]))]

    ask(item, personas)
    few = measure()
    for _ in range(5):
        ask(item, personas)
    assert measure() == few


def test_the_item_api_takes_constant_queries_as_decisions_grow(client, personas, shien):
    """The item's decisions, their tasks and transitions are fetched once, not once per decision."""
    _meeting, item, _person = shien
    client.force_login(personas.coordinator)
    url = reverse("api:agenda-item-detail", args=[item.pk])

    def decide(n: int) -> None:
        for i in range(n):
            services.decision_record(user=personas.coordinator, item=_item(item.pk), data=services.DecisionInput(
                kind="policy", content=f"方針{i}", tasks=[services.TaskInput(
                    title=f"確認{i}", owner=personas.coordinator, due_on=timezone.localdate() + timedelta(days=7))]))  # fmt: skip

    decide(1)
    one = queries(client, url)
    decide(4)
    assert queries(client, url) == one
    assert len(client.get(url).json()["decisions"]) == 5
