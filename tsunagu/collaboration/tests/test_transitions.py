"""The state rule of a 多機関協働 case, over every pair of states: the pure rule (``transitions.refusal``)
and the service that applies it (``services.case_transition``), which writes nothing on a refused step.

The allowed pairs are written out here from the issue's flow (DESIGN §3), not read from the module.
"""

from dataclasses import replace
from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone, translation

from tsunagu.audit.models import AuditEntry
from tsunagu.collaboration import services, transitions
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import CaseState as S
from tsunagu.collaboration.models import CaseTransition, CollaborationCase
from tsunagu.collaboration.tests.factories import assessment_input, consent_for, open_case
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.support_plans.tests.factories import case_plan

OPEN = [S.RECEIVED, S.MEETING_TRACK, S.ASSESSMENT, S.PLANNING, S.DECIDED, S.SUPPORTING, S.EVALUATING]
ALLOWED = {
    (S.RECEIVED, S.MEETING_TRACK), (S.RECEIVED, S.ASSESSMENT), (S.MEETING_TRACK, S.ASSESSMENT),
    (S.ASSESSMENT, S.PLANNING), (S.PLANNING, S.DECIDED), (S.DECIDED, S.SUPPORTING), (S.SUPPORTING, S.EVALUATING),
    (S.EVALUATING, S.CLOSED), (S.EVALUATING, S.PLANNING), (S.SUSPENDED, S.RECEIVED),
    *((state, S.SUSPENDED) for state in OPEN),
    # Back to the 支援会議 track (consent withdrawn) from every open state after the first decision on consent.
    *((state, S.MEETING_TRACK) for state in OPEN[2:]),
}  # fmt: skip
PAIRS = list(product(S, S))


@pytest.fixture(autouse=True)
def _japanese():
    """The messages are gettext'ed when raised: read them in Japanese, whatever an earlier test activated."""
    with translation.override("ja"):
        yield


def satisfied(state: S) -> transitions.Facts:
    now = timezone.now()
    return transitions.Facts(
        state=state, has_consent=True, assessment_count=1, decided_on=timezone.localdate(),
        decision_reference="第1回重層的支援会議", evaluated_at=now, state_since=now - timedelta(days=1),
        closure_reason=True, needs_lead_agency=True, lead_agency=True, note="理由", today=timezone.localdate(),
    )  # fmt: skip


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_states(source, target):
    problems = transitions.refusal(satisfied(source), target)
    if (source, target) in ALLOWED:
        assert problems is None
    else:
        assert problems and all(p.strip() for p in problems)


def why(facts: transitions.Facts, target: S) -> list[str]:
    problems = transitions.refusal(facts, target)
    assert problems is not None
    return problems


def test_the_illegal_steps_the_issue_names_say_why():
    assert "支援決定の前に支援を始めることはできません" in why(satisfied(S.PLANNING), S.SUPPORTING)[0]
    assert "支援決定の前に支援を始めることはできません" in why(satisfied(S.RECEIVED), S.SUPPORTING)[0]
    assert "評価をしていないケースは終結できません" in why(satisfied(S.SUPPORTING), S.CLOSED)[0]
    assert "終結したケース" in why(satisfied(S.CLOSED), S.RECEIVED)[0]


def test_the_conditions_of_a_legal_step():
    base = satisfied(S.RECEIVED)
    no_consent = replace(base, has_consent=False)
    assert "本人同意" in why(no_consent, S.ASSESSMENT)[0]
    assert transitions.refusal(no_consent, S.MEETING_TRACK) is None  # the track for a case without consent
    no_assessment = replace(satisfied(S.ASSESSMENT), assessment_count=0)
    assert "アセスメントを記録" in why(no_assessment, S.PLANNING)[0]
    undecided = replace(satisfied(S.PLANNING), decided_on=None, decision_reference=" ")
    assert len(why(undecided, S.DECIDED)) == 2
    evaluating = satisfied(S.EVALUATING)
    assert evaluating.state_since is not None
    stale = replace(evaluating, evaluated_at=evaluating.state_since - timedelta(days=3))
    assert "評価を記録してください" in why(stale, S.CLOSED)[0]
    assert "評価を記録してください" in why(stale, S.PLANNING)[0]  # a re-plan needs one too
    no_reason = replace(evaluating, closure_reason=False)
    assert "終結理由" in why(no_reason, S.CLOSED)[0]
    no_lead = replace(evaluating, lead_agency=False)
    assert "主担当機関" in why(no_lead, S.CLOSED)[0]
    no_note = replace(satisfied(S.SUPPORTING), note="")
    assert "中断の理由" in why(no_note, S.SUSPENDED)[0]


# --- Through the service: every pair, nothing half-saved on a refusal ----------------------------------


@pytest.fixture
def ready_case(personas):
    """A case whose every condition holds, so only the pair of states decides: consent, an assessment,
    an evaluation after the state began."""
    coordinator = personas.coordinator
    anshin = Organization.objects.get(name="福祉あんしん課")
    a = personas.caseworker_a
    person = register(a)
    household = household_of(a, (person, Relationship.HEAD))
    consent_for(a, person, anshin)
    case = open_case(coordinator, person, household)
    CollaborationCase.objects.filter(pk=case.pk).update(state=S.ASSESSMENT)
    services.assessment_record(user=coordinator, case=case, data=assessment_input(case))
    case_plan(coordinator, case)  # a complete draft: what 支援決定 decides
    return coordinator, case


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_through_the_service(ready_case, source, target):
    coordinator, case = ready_case
    since = timezone.now() - timedelta(days=2)
    CollaborationCase.objects.filter(pk=case.pk).update(
        state=source, state_since=since, evaluated_at=since + timedelta(hours=1)
    )
    case = CollaborationCase.objects.select_related("organization").get(pk=case.pk)
    reason = next(r for r in closure_reasons_ensure(case.municipality_id) if r.needs_lead_agency)
    data = services.TransitionInput(
        target, note="経過の記録", decided_on=timezone.localdate(), decision_reference="第2回重層的支援会議",
        closure_reason=reason, lead_organization=Organization.objects.get(name="琴浦町地域包括支援センター"),
    )  # fmt: skip
    before = (
        CollaborationCase.objects.values().get(pk=case.pk),
        CaseTransition.objects.count(),
        AuditEntry.objects.count(),
    )
    if (source, target) in ALLOWED:
        services.case_transition(user=coordinator, case=case, data=data)
        stored = CollaborationCase.objects.get(pk=case.pk)
        assert stored.state == target and stored.state_since > since and stored.version == before[0]["version"] + 1
        last = CaseTransition.objects.filter(case=case).latest("id")
        assert (last.from_state, last.to_state, last.staff_id, last.note) == (
            source,
            target,
            coordinator.pk,
            "経過の記録",
        )
        assert last.is_replan == (source == S.EVALUATING and target == S.PLANNING)
    else:
        with pytest.raises(services.CollaborationError) as refused:
            services.case_transition(user=coordinator, case=case, data=data)
        assert refused.value.messages
        after = (
            CollaborationCase.objects.values().get(pk=case.pk),
            CaseTransition.objects.count(),
            AuditEntry.objects.count(),
        )
        assert after == before


@pytest.mark.django_db
def test_only_the_coordinating_agency_moves_its_case(ready_case, personas):
    _, case = ready_case
    before = CollaborationCase.objects.values().get(pk=case.pk)
    with pytest.raises(services.CollaborationError, match="福祉あんしん課"):
        services.case_transition(user=personas.caseworker_a, case=case, data=services.TransitionInput(S.PLANNING))
    assert CollaborationCase.objects.values().get(pk=case.pk) == before


@pytest.mark.django_db
def test_a_step_decided_on_a_state_that_moved_on_is_refused(ready_case):
    """The service reads the state from the locked row, not from the object it was handed."""
    coordinator, case = ready_case
    stale = CollaborationCase.objects.select_related("organization").get(pk=case.pk)  # still in アセスメント
    services.case_transition(user=coordinator, case=case, data=services.TransitionInput(S.PLANNING))
    count = CaseTransition.objects.count()
    with pytest.raises(services.CollaborationError, match="すでに「プラン作成」"):
        services.case_transition(user=coordinator, case=stale, data=services.TransitionInput(S.PLANNING))
    assert CaseTransition.objects.count() == count
