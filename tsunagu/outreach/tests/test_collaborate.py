"""From outreach to 多機関協働 (issue 14 item 4): with the person's consent a coordinator of the holder opens the
case from the target — person, household and worry carried over, nothing retyped — and the worker keeps
accompanying; the refusals (no consent, no household, not a coordinator) leave nothing. The other path, the
referral to the 多機関協働事業 that its coordinator accepts and opens a case from, is found from the target too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput
from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseParticipant, CaseState, CollaborationCase
from tsunagu.consultations import services as consultations
from tsunagu.consultations.models import ConsultationIssue
from tsunagu.core.models import Organization
from tsunagu.outreach import collaborate, services
from tsunagu.outreach.models import OutreachTarget, Result, Stage
from tsunagu.outreach.tests.factories import contact, information, open_target, runs_outreach, worker_at
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def anshin(personas) -> Organization:
    organization = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(organization)
    return organization


def _reached(worker, *, with_household: bool = True, consent_to: list[Organization] | None = None) -> OutreachTarget:
    """A target whose person was met, with a household, and (unless ``consent_to`` is empty) a consent."""
    son = register(worker, family_name="赤碕", given_name="実", family_name_kana="アカサキ", given_name_kana="ミノル")
    household = None
    if with_household:
        mother = register(worker, family_name="赤碕", given_name="トメ", family_name_kana="アカサキ",
                          given_name_kana="トメ")  # fmt: skip
        household = household_of(worker, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    target = open_target(worker, [information(worker, person=son, household=household)],
                         next_action="次の訪問", next_action_on=timezone.localdate() + timedelta(days=3))  # fmt: skip
    contact(worker, target, Result.ABSENT)
    contact(worker, target, Result.MET)
    if consent_to != []:
        services.target_consent_record(user=worker, target=OutreachTarget.objects.get(pk=target.pk), data=ConsentInput(
            purpose="多機関での支援のため", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
            organizations=consent_to or [Organization.objects.get(pk=target.organization_id)],
        ))  # fmt: skip
    return OutreachTarget.objects.get(pk=target.pk)


def test_a_coordinator_opens_the_case_from_the_target_without_retyping(client, personas, anshin):
    worker = worker_at(anshin, "anshin_outreach")
    target = _reached(worker)
    client.force_login(personas.coordinator)
    response = client.post(reverse("outreach:target-case-open", args=[target.pk]))
    case = CollaborationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("collaboration:case-detail", args=[case.pk])
    assert (case.person_id, case.household_id, case.summary) == (target.person_id, target.household_id, target.worry)
    assert case.state == CaseState.RECEIVED and case.organization == anshin and case.next_date == target.next_action_on
    target.refresh_from_db()
    # The outreach record stays linked and open, with its worker: 伴走 goes on.
    assert target.collaboration_case == case and target.stage == Stage.CONNECTED and target.worker == worker
    assert target.stage_changes.order_by("-id")[0].note == "多機関協働ケース（福祉あんしん課）"
    client.force_login(worker)
    page = client.get(reverse("outreach:target-detail", args=[target.pk])).content.decode()
    assert f'href="{reverse("collaboration:case-detail", args=[case.pk])}"' in page and "受付" in page
    # A second time: refused, still one case.
    client.force_login(personas.coordinator)
    client.post(reverse("outreach:target-case-open", args=[target.pk]))
    assert CollaborationCase.objects.count() == 1


def test_refusals_leave_nothing(personas, anshin):
    worker = worker_at(anshin, "anshin_outreach")
    no_consent = _reached(worker, consent_to=[])
    no_household = _reached(worker, with_household=False)
    cases = [(personas.coordinator, no_consent, "本人同意を記録してから"),
             (personas.coordinator, no_household, "世帯と結び付けてから"),
             (worker, _reached(worker), "多機関協働コーディネーター")]  # fmt: skip
    for user, target, message in cases:
        with pytest.raises(Exception) as refused:
            collaborate.target_case_open(user=user, target=target)
        assert message in " ".join(refused.value.messages)  # type: ignore[attr-defined]
        target.refresh_from_db()
        assert target.collaboration_case_id is None and target.stage == Stage.CONTACTED
    assert not CollaborationCase.objects.exists()
    # Outside the holder: not this agency's target to act on (its pages answer 404 before that).
    with pytest.raises(services.OutreachError):
        collaborate.target_case_open(user=personas.caseworker_b, target=no_consent)


def test_a_commissioned_worker_refers_and_the_coordinator_opens_the_case_from_the_referral(personas):
    shakyo = Organization.objects.get(municipality=personas.town, name="琴浦町社会福祉協議会")
    runs_outreach(shakyo)
    worker = worker_at(shakyo, "shakyo_outreach")
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    target = _reached(worker, consent_to=[shakyo, anshin])
    program = Program.objects.get(municipality=personas.town, code="multi-agency-collaboration")
    issue = ConsultationIssue.objects.filter(municipality=personas.town).order_by("order").first()
    if issue is None:  # the issue list is loaded on first use
        from tsunagu.consultations.defaults import issues_ensure

        issues_ensure(personas.town)
        issue = ConsultationIssue.objects.filter(municipality=personas.town).order_by("order")[0]
    target = services.target_connect(user=worker, target=target, data=services.ConnectInput(
        program=program, organization=anshin, issues=[issue], main_issue=issue, reason="複合的な課題",
        shared_information="母と二人暮らし", due_on=timezone.localdate() + timedelta(days=7),
    ))  # fmt: skip
    assert collaborate.case_of_target(worker, target) is None
    assert target.referral is not None and target.person is not None
    referral = consultations.referral_accept(user=personas.coordinator, referral=target.referral)
    case = collaboration.case_open(user=personas.coordinator, data=collaboration.CaseOpenInput(
        person=target.person, household=target.household, referral=referral, summary="つなぎから"))  # fmt: skip
    collaboration.case_participant_add(user=personas.coordinator, case=case,
                                       data=collaboration.ParticipantInput(organization=shakyo))  # fmt: skip
    assert collaborate.case_of_target(worker, target) == case
    assert CaseParticipant.objects.filter(case=case, organization=shakyo).exists()
