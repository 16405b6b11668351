"""How to make a support plan, a progress record and an evaluation in a state of the generated access matrix
(``tsunagu.records.tests.matrix``): the plan of the arrangement's 多機関協働 case (``collaboration`` examples),
held by the holding agency, decided, followed and evaluated by its coordinator."""

from __future__ import annotations

from django.utils import timezone

from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseState, CollaborationCase
from tsunagu.collaboration.tests import examples as cases
from tsunagu.collaboration.tests.factories import move
from tsunagu.core.models import User
from tsunagu.support_plans import follow_up
from tsunagu.support_plans.models import ProgressStatus, SupportPlan
from tsunagu.support_plans.tests.factories import case_plan, evaluate_plan


def _coordinator(arrangement) -> User:
    return User.objects.get(pk=arrangement.made["collaboration_coordinator"])


def _plan(arrangement) -> SupportPlan:
    if "support_plan" not in arrangement.made:
        cases.assessment(arrangement)  # the case in アセスメント, with its consent and an assessment
        case = CollaborationCase.objects.get(pk=arrangement.made["collaboration_case"])
        arrangement.made["support_plan"] = case_plan(_coordinator(arrangement), case).pk
    return SupportPlan.objects.select_related("case").get(pk=arrangement.made["support_plan"])


def _decided(arrangement) -> SupportPlan:
    """The plan decided (支援決定), the case in 評価: what progress and evaluation need."""
    plan = _plan(arrangement)
    coordinator = _coordinator(arrangement)
    case = plan.case
    assert case is not None
    if case.state == CaseState.ASSESSMENT:
        case = move(coordinator, case, CaseState.PLANNING)
    if case.state == CaseState.PLANNING:
        case = collaboration.case_decide(
            user=coordinator, case=case, decided_on=timezone.localdate(), reference="第1回"
        )
        case = move(coordinator, case, CaseState.SUPPORTING)
        move(coordinator, case, CaseState.EVALUATING)
    plan.refresh_from_db()
    return plan


def support_plan(arrangement) -> int:
    return _plan(arrangement).pk


def plan_progress(arrangement) -> int:
    if "plan_progress" not in arrangement.made:
        plan = _decided(arrangement)
        arrangement.made["plan_progress"] = follow_up.progress_record(
            user=_coordinator(arrangement), plan=plan, action=None, status=ProgressStatus.ON_TRACK, note="訪問した"
        ).pk
    return arrangement.made["plan_progress"]


def plan_evaluation(arrangement) -> int:
    plan_progress(arrangement)
    plan = _decided(arrangement)
    assert plan.case is not None
    return evaluate_plan(_coordinator(arrangement), plan.case).pk


EXAMPLES = {"support_plan": support_plan, "plan_progress": plan_progress, "plan_evaluation": plan_evaluation}
