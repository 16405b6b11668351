"""Building support plans for tests through the real services (grants, audit entries and versions are real)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tsunagu.collaboration.models import CollaborationCase
from tsunagu.core.models import Organization, User
from tsunagu.support_plans import plan_types, services
from tsunagu.support_plans.models import ActorKind, GoalTerm, SupportPlan


def answers_for(plan_type: str) -> dict[str, Any]:
    """Every section field of the type filled (first option, or a text): passes the required checks."""
    result: dict[str, Any] = {}
    for f in plan_types.get(plan_type).fields:
        if f.type == "checks":
            result[f.key] = {"value": [f.options[0]], "note": ""}
        elif f.type == "choice":
            result[f.key] = {"value": f.options[0], "note": ""}
        else:
            result[f.key] = {"value": f"{f.label}の記入", "note": ""}
    return result


def plan_input(plan_type: str, **fields: Any) -> services.PlanInput:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "wishes": "母と二人で、この家で暮らし続けたい", "answers": answers_for(plan_type),
        "period_start": today - timedelta(days=1), "period_end": today + timedelta(days=180),
        "monitoring_dates": [today + timedelta(days=30), today + timedelta(days=90)],
    }  # fmt: skip
    values.update(fields)
    return services.PlanInput(**values)


def complete(user: User, plan: SupportPlan, *organizations: Organization) -> SupportPlan:
    """A long- and a short-term goal, and a role for each organisation (the plan's own when none is given)
    and one for the person: a draft that may be decided."""
    long = services.goal_add(user=user, plan=plan, term=GoalTerm.LONG, text="安心して地域で暮らし続ける")
    short = services.goal_add(user=user, plan=plan, term=GoalTerm.SHORT, text="週に一度、外に出る機会をもつ",
                              target_on=timezone.localdate() + timedelta(days=90))  # fmt: skip
    for organization in organizations or (plan.organization,):
        services.action_add(user=user, plan=plan, data=services.ActionInput(
            content=f"{organization.name}による定期的な訪問と相談", organization=organization, staff_name="担当者",
            frequency="月2回", goal=short,
        ))  # fmt: skip
    services.action_add(user=user, plan=plan, data=services.ActionInput(
        content="困ったときに自分から電話する", actor=ActorKind.PERSON, goal=long,
    ))  # fmt: skip
    plan.refresh_from_db()
    return plan


def case_plan(user: User, case: CollaborationCase, *organizations: Organization, **fields: Any) -> SupportPlan:
    plan = services.plan_create(user=user, plan_type="collaboration", person=case.person, case=case,
                                data=plan_input("collaboration", **fields))  # fmt: skip
    return complete(user, plan, *organizations)


def evaluate_plan(user: User, case: CollaborationCase, decision: str = "close") -> Any:
    """Every goal of the case's decided plan achieved: the evaluation that lets the case close."""
    from tsunagu.collaboration.models import EvaluationResult
    from tsunagu.support_plans import follow_up
    from tsunagu.support_plans.models import EvaluationDecision, PlanStatus

    plan = SupportPlan.objects.get(case=case, status=PlanStatus.APPROVED)
    goals = {g.pk: (EvaluationResult.ACHIEVED, "達成できた") for g in plan.goals.all()}
    return follow_up.evaluation_record(user=user, plan=plan, data=follow_up.EvaluationInput(
        goals=goals, result=EvaluationResult.ACHIEVED, note="目標を達成した", decision=EvaluationDecision(decision),
    ))  # fmt: skip
