"""The law of meetings (``tsunagu.meetings.law``) from each persona's side (issue 13, acceptance)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.access.services import consent_withdraw
from tsunagu.audit.models import AuditEntry
from tsunagu.collaboration.tests.factories import consent_for
from tsunagu.core.models import Organization
from tsunagu.meetings import services
from tsunagu.meetings.models import AgendaItem, MeetingMember
from tsunagu.meetings.tests.factories import acknowledge, hold, kotoura_type, put_on_agenda, refreshed
from tsunagu.notifications.models import Event, Notice
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

SHIEN = "shien-kaigi"  # 琴浦町重層的支援体制整備事業支援会議 (法106条の6) in the default plan file
JUSOU = "jusouteki-shien-kaigi"  # 重層的支援会議 (本人同意)


def item_url(item) -> str:
    return reverse("meetings:agenda-item-detail", args=[item.pk])


@pytest.fixture
def support_meeting(personas):
    """A 支援会議 chaired by the coordinator (福祉あんしん課) with caseworker B (サポートりんくす) as member, about a
    person registered by 地域包括 who has given no consent."""
    person = register(personas.caseworker_a)
    meeting = hold(personas.coordinator, kotoura_type(personas.town, SHIEN), members=(personas.caseworker_a,
                                                                                       personas.caseworker_b))  # fmt: skip
    acknowledge(personas.caseworker_a, meeting)
    item = put_on_agenda(personas.caseworker_a, meeting, person)
    return meeting, item, person


def test_a_support_meeting_discusses_a_person_without_consent_after_acknowledgement(client, personas, support_meeting):
    meeting, item, person = support_meeting
    assert not person.consents.exists()
    client.force_login(personas.caseworker_b)
    # A member who has not acknowledged: the meeting page, but not the agenda's records.
    page = client.get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200 and person.full_name not in page.content.decode()
    assert "守秘義務を確認しました" in page.content.decode()
    assert client.get(item_url(item)).status_code == 404
    assert client.get(reverse("api:agenda-item-detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("people:person-detail", args=[person.pk])).status_code == 404

    response = client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk]))
    assert response.status_code == 302
    acknowledgement = meeting.acknowledgements.get(user=personas.caseworker_b)
    assert acknowledgement.organization.name == "相談支援センターサポートりんくす"
    grant = AccessGrant.objects.active().get(person=person, organization=acknowledgement.organization)
    assert (grant.basis, grant.source) == (Basis.ART106_6, f"meeting:{meeting.pk}")

    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    page = client.get(item_url(item))
    assert page.status_code == 200 and person.full_name in page.content.decode()
    read = AuditEntry.objects.filter(id__gt=before, person_id=person.pk, action="read").get()
    assert read.basis == Basis.ART106_6 and read.basis_source == f"meeting:{meeting.pk} grant:{grant.pk}"


def test_a_non_member_gets_404_everywhere(client, personas, support_meeting):
    meeting, item, _person = support_meeting
    for persona in (personas.colleague_a, personas.supervisor, personas.administrator, personas.auditor,
                    personas.stranger):  # fmt: skip
        client.force_login(persona)
        for url in (reverse("meetings:meeting-detail", args=[meeting.pk]), item_url(item),
                    reverse("api:meeting-detail", args=[meeting.pk]), reverse("api:agenda-item-detail", args=[item.pk])):  # fmt: skip
            assert client.get(url).status_code == 404, (persona, url)
        assert client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk])).status_code == 404
        listed = client.get(reverse("meetings:meeting-list"))
        assert listed.status_code == 404 or f'data-meeting="{meeting.pk}"' not in listed.content.decode()


def test_after_the_follow_up_closes_the_member_gets_404_again(client, personas, support_meeting):
    meeting, item, person = support_meeting
    services.acknowledge(user=personas.caseworker_b, meeting=refreshed(meeting))
    decision = services.decision_record(
        user=personas.coordinator, item=AgendaItem.objects.select_related("meeting__meeting_type").get(pk=item.pk),
        data=services.DecisionInput(
            kind="watching", content="民生委員と見守る", assigned_organization=Organization.objects.get(
                municipality=personas.town, name="相談支援センターサポートりんくす"),
            tasks=[services.TaskInput(title="週1回の見守り訪問", owner=personas.caseworker_b,
                                      due_on=timezone.localdate() + timedelta(days=14))],
        ),
    )  # fmt: skip
    task = decision.tasks.get()
    client.force_login(personas.caseworker_b)
    tasks_page = client.get(reverse("meetings:my-tasks"))
    assert "週1回の見守り訪問" in tasks_page.content.decode()
    assert Notice.objects.filter(user=personas.caseworker_b, event=Event.MEETING_TASK).exists()
    assert client.get(item_url(item)).status_code == 200
    # The chair cannot close while the task is open.
    with pytest.raises(services.MeetingError):
        services.meeting_close(user=personas.coordinator, meeting=refreshed(meeting))
    assert client.post(reverse("meetings:task-done", args=[task.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.closed_at is not None
    assert not AccessGrant.objects.active().filter(source=f"meeting:{meeting.pk}").exists()
    assert client.get(item_url(item)).status_code == 404
    assert client.get(reverse("people:person-detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code == 200


def test_a_decision_the_type_does_not_permit_is_refused(personas, support_meeting):
    _meeting, item, _person = support_meeting
    item = AgendaItem.objects.select_related("meeting__meeting_type").get(pk=item.pk)
    with pytest.raises(services.MeetingError, match="支援決定"):
        services.decision_record(user=personas.coordinator, item=item,
                                 data=services.DecisionInput(kind="support_decision", content="プランを承認"))  # fmt: skip
    assert not item.decisions.exists()


def test_consent_based_agenda_refuses_missing_organisations_and_saves_nothing(personas):
    person = register(personas.caseworker_a)
    meeting = hold(personas.coordinator, kotoura_type(personas.town, JUSOU),
                   members=(personas.caseworker_a, personas.caseworker_b))  # fmt: skip
    with pytest.raises(services.MeetingError) as refused:
        put_on_agenda(personas.caseworker_a, meeting, person)
    message = " ".join(refused.value.messages)
    for name in ("福祉あんしん課", "琴浦町地域包括支援センター", "相談支援センターサポートりんくす"):
        assert name in message
    # Consent naming 福祉あんしん課 only (taken by 地域包括): サポートりんくす is still missing, and only it.
    consent_for(
        personas.caseworker_a, person, Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    )
    with pytest.raises(services.MeetingError) as refused:
        put_on_agenda(personas.caseworker_a, meeting, person)
    assert "相談支援センターサポートりんくす" in " ".join(refused.value.messages)
    assert "福祉あんしん課" not in " ".join(refused.value.messages)
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    assert not AccessGrant.objects.filter(source=f"meeting:{meeting.pk}").exists()


def test_consent_based_meeting_rechecks_members_and_takes_items_off_on_withdrawal(personas):
    person = register(personas.caseworker_a)
    orgs = {o.name: o for o in Organization.objects.filter(municipality=personas.town)}
    consent = consent_for(personas.caseworker_a, person, orgs["福祉あんしん課"])
    meeting = hold(personas.coordinator, kotoura_type(personas.town, JUSOU), members=(personas.caseworker_a,))
    item = put_on_agenda(personas.caseworker_a, meeting, person)
    assert not AccessGrant.objects.filter(source=f"meeting:{meeting.pk}").exists()  # the consent shares already
    with pytest.raises(services.MeetingError, match="相談支援センターサポートりんくす"):
        services.member_add(user=personas.coordinator, meeting=refreshed(meeting), member=personas.caseworker_b,
                            organization=orgs["相談支援センターサポートりんくす"])  # fmt: skip
    assert not MeetingMember.objects.filter(meeting=meeting, user=personas.caseworker_b).exists()

    consent_withdraw(user=personas.caseworker_a, consent=consent, withdrawn_on=timezone.localdate())
    item.refresh_from_db()
    assert item.removed_at is not None and item.removed_reason == "本人同意の撤回"
    notice = Notice.objects.get(user=personas.coordinator, event=Event.MEETING_ITEM_WITHDRAWN)
    assert notice.record_id == meeting.pk and person.family_name not in notice.summary


def test_a_plan_that_runs_both_meetings_under_106_6_behaves_by_configuration(client, personas):
    """The second configuration: the 重層的支援会議 also under 法106条の6 (consent_required = false)."""
    from tsunagu.plans.models import MeetingBasis

    second = kotoura_type(personas.town, JUSOU)
    second.legal_basis, second.consent_required = MeetingBasis.ART106_6, False
    second.save()
    person = register(personas.caseworker_a)
    meeting = hold(personas.coordinator, second, members=(personas.caseworker_a, personas.caseworker_b))
    acknowledge(personas.caseworker_a, meeting)
    item = put_on_agenda(personas.caseworker_a, meeting, person)  # no consent, and accepted
    client.force_login(personas.caseworker_b)
    assert client.get(item_url(item)).status_code == 404
    client.post(reverse("meetings:meeting-acknowledge", args=[meeting.pk]))
    assert client.get(item_url(item)).status_code == 200
    # The acknowledged members' organisations only (the chair has not acknowledged).
    granted = AccessGrant.objects.active().filter(source=f"meeting:{meeting.pk}", basis=Basis.ART106_6)
    assert sorted(granted.values_list("organization__name", flat=True)) == [
        "琴浦町地域包括支援センター",
        "相談支援センターサポートりんくす",
    ]
    # Another municipality never sees it.
    client.force_login(personas.stranger)
    assert client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code == 404
    assert f'"id":{meeting.pk}' not in client.get(reverse("api:meeting-list")).content.decode().replace(" ", "")


def test_a_consent_meeting_needs_no_acknowledgement(personas):
    meeting = hold(personas.coordinator, kotoura_type(personas.town, JUSOU))
    with pytest.raises(services.MeetingError, match="守秘義務の確認は不要"):
        services.acknowledge(user=personas.coordinator, meeting=refreshed(meeting))


def test_only_the_convener_holds_a_meeting_of_its_type(personas):
    with pytest.raises(services.MeetingError, match="福祉あんしん課の職員"):
        hold(personas.caseworker_b, kotoura_type(personas.town, SHIEN))
