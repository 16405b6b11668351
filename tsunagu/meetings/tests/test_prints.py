"""議題一覧 and 議事録 as PDF (issue 13, item 6), from each persona's side: a 支援会議's minutes go to its
members once they acknowledged secrecy and to the convener's coordinator; everyone else gets 404. The print
is Japanese whatever the screen language and audited as an export with the meeting's basis and source."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration.tests.factories import consent_for
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import Organization
from tsunagu.meetings import services
from tsunagu.meetings.tests.factories import acknowledge, hold, kotoura_type, put_on_agenda, refreshed
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import DecisionKind

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "").replace("\u3000", " ")


def name(person) -> str:
    return person.full_name.replace("\u3000", " ")


def urls(meeting) -> tuple[str, str]:
    return (reverse("meetings:meeting-agenda-print", args=[meeting.pk]),
            reverse("meetings:meeting-minutes-print", args=[meeting.pk]))  # fmt: skip


@pytest.fixture
def support_meeting(personas):
    """A 支援会議 chaired by the supervisor of 福祉あんしん課 (the convener), caseworkers A and B its members;
    A puts on a person of 地域包括 with no consent, minutes and a decision with a task are recorded."""
    chair = personas.supervisor
    person = register(personas.caseworker_a)
    meeting = hold(chair, kotoura_type(personas.town, "shien-kaigi"),
                   members=(personas.caseworker_a, personas.caseworker_b))  # fmt: skip
    acknowledge(chair, meeting)
    acknowledge(personas.caseworker_a, meeting)
    item = put_on_agenda(personas.caseworker_a, meeting, person, topic="長男の長期ひきこもり")
    item = services.minutes_record(user=chair, item=item, minutes="母の介護負担が大きい。\n長男とは会えていない。")
    services.decision_record(user=chair, item=item, data=services.DecisionInput(
        kind=DecisionKind.OUTREACH, content="福祉あんしん課が月2回訪問する",
        assigned_organization=Organization.objects.get(name="福祉あんしん課"),
        tasks=[services.TaskInput(title="初回訪問", owner=personas.caseworker_a,
                                  due_on=timezone.localdate() + timedelta(days=14))],
    ))  # fmt: skip
    return refreshed(meeting), item, person


def test_a_member_prints_agenda_and_minutes_after_acknowledging(client, personas, support_meeting):
    meeting, item, person = support_meeting
    client.force_login(personas.caseworker_b)
    agenda, minutes = urls(meeting)
    # Not yet acknowledged: no print, and the meeting page offers none.
    assert client.get(agenda).status_code == 404 and client.get(minutes).status_code == 404
    assert agenda not in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()
    client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk]))
    assert agenda in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()

    response = client.get(agenda, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "琴浦町重層的支援体制整備事業支援会議 議題一覧" in text and "【非公開】" in text
    assert name(person) in text and "長男の長期ひきこもり" in text
    assert to_wareki(timezone.localtime(meeting.held_at).date()) in text
    assert "守秘義務" in text and "法106条の6に基づく会議" in text

    text = pdf_text(client.get(minutes, HTTP_ACCEPT_LANGUAGE="en").content)
    assert "議事録" in text and "母の介護負担が大きい。" in text and "長男とは会えていない。" in text
    assert "アウトリーチの割当" in text and "福祉あんしん課が月2回訪問する" in text and "初回訪問" in text
    # Members and their acknowledgements, B's just now.
    assert "相談支援センターサポートりんくす" in text and "未確認" not in text
    ack = meeting.acknowledgements.get(user=personas.caseworker_b).acknowledged_at
    assert to_wareki(timezone.localtime(ack).date()) in text

    grant = AccessGrant.objects.active().get(person=person, organization__name="相談支援センターサポートりんくす")
    entry = AuditEntry.objects.filter(user=personas.caseworker_b, action=Action.EXPORT).order_by("-id").first()
    assert entry is not None and entry.summary.startswith("会議の議事録を印刷（PDF）")
    assert entry.basis == Basis.ART106_6 and entry.basis_source == f"meeting:{meeting.pk} grant:{grant.pk}"
    assert entry.organization is not None and entry.organization.name == "相談支援センターサポートりんくす"
    assert entry.records == {"agenda_item": [item.pk], "person": [person.pk]}


def test_the_coordinator_prints_without_being_a_member(client, personas, support_meeting):
    meeting, _item, person = support_meeting
    assert not meeting.members.filter(user=personas.coordinator).exists()
    client.force_login(personas.coordinator)
    # The meeting's pages stay with the members; its minutes go to the convener's coordinator (事務局).
    assert client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code == 404
    response = client.get(urls(meeting)[1])
    assert response.status_code == 200 and name(person) in pdf_text(response.content)
    entry = AuditEntry.objects.filter(user=personas.coordinator, action=Action.EXPORT).get()
    assert entry.basis == Basis.ART106_6 and entry.basis_source.startswith(f"meeting:{meeting.pk} grant:")


def test_everyone_else_gets_404(client, personas, support_meeting):
    meeting, _item, _person = support_meeting
    # colleague_a: A's organisation holds the person, but she is not a member; the supervisor of another
    # organisation would be the same. The administrator and auditor of the convener read no case contents.
    for persona in (personas.colleague_a, personas.administrator, personas.auditor, personas.stranger):
        client.force_login(persona)
        for url in urls(meeting):
            assert client.get(url).status_code == 404, (persona, url)
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_after_the_follow_up_closes_members_get_404_and_the_coordinator_no_names(client, personas, support_meeting):
    meeting, _item, person = support_meeting
    task = meeting.tasks.get()
    services.task_complete(user=personas.caseworker_a, task=task)
    meeting.refresh_from_db()
    assert meeting.closed_at is not None
    client.force_login(personas.caseworker_a)
    assert all(client.get(url).status_code == 404 for url in urls(meeting))
    client.force_login(personas.coordinator)
    text = pdf_text(client.get(urls(meeting)[1]).content)
    assert name(person) not in text and "ほか1件の検討事項は、閲覧の根拠がないため印刷していません。" in text
    assert "終了（" in text


def test_a_consent_meeting_prints_for_its_members_without_acknowledgement(client, personas):
    a = personas.caseworker_a
    person = register(a)
    consent_for(a, person, Organization.objects.get(name="福祉あんしん課"))
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"), members=(a,))
    put_on_agenda(a, meeting, person, topic="プランの承認")
    client.force_login(a)
    text = pdf_text(client.get(urls(meeting)[1]).content)
    assert "重層的支援会議" in text and "本人同意の範囲" in text and name(person) in text
    assert "守秘義務の確認" not in text
    entry = AuditEntry.objects.filter(user=a, action=Action.EXPORT).get()
    assert entry.basis == Basis.OWN_RECORD
    assert settings.LANGUAGE_CODE == "ja"
