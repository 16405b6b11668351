"""Following a decided plan: progress records against its roles (モニタリング), the evaluation per goal
(達成 / 一部達成 / 未達成) and what follows it, the roles a withdrawn consent leaves outside, and the
reminders of the background job. Same rules as ``services``: keyword-only, atomic, audited, ``PlanError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access.models import Consent
from tsunagu.access.policy import casework_memberships, organizations_sharing_on
from tsunagu.audit.models import Action
from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseState, EvaluationResult
from tsunagu.core.models import User
from tsunagu.core.transitions import locked
from tsunagu.notifications.models import Event
from tsunagu.notifications.services import notify
from tsunagu.support_plans.models import (
    EvaluationDecision,
    GoalEvaluation,
    MonitoringDate,
    PlanAction,
    PlanEvaluation,
    PlanProgress,
    PlanStatus,
    ProgressStatus,
    SupportPlan,
)
from tsunagu.support_plans.services import TEXT_LIMIT, PlanError, audit

# How many days before a monitoring date its reminder comes.
MONITORING_NOTICE_DAYS = 3


@transaction.atomic
def progress_record(
    *, user: User, plan: SupportPlan, action: PlanAction | None, status: ProgressStatus, note: str,
    occurred_at: datetime | None = None, request: HttpRequest | None = None,
) -> PlanProgress:  # fmt: skip
    """A progress record of a decided plan, by its organisation or by an organisation that holds the role;
    the record is held by the organisation that writes it."""
    organization_ids = {m.organization_id: m.organization for m in casework_memberships(user)}
    if action is not None and action.plan_id != plan.pk:
        raise PlanError("役割分担はこのプランのものから選んでください。")
    writers = {plan.organization_id} | ({action.organization_id} if action and action.organization_id else set())
    writer = next((organization_ids[o] for o in organization_ids if o in writers), None)
    errors = []
    if writer is None:
        errors.append("モニタリングを記録できるのは、プランの作成機関か、その役割を担う機関の職員です。")
    if plan.status != PlanStatus.APPROVED:
        errors.append(f"モニタリングは決定済みの版に記録します（第{plan.number}版は「{plan.get_status_display()}」）。")
    outside = action is not None and action.flagged_at is not None
    if outside and writer is not None and writer.pk != plan.organization_id:
        errors.append("この役割は本人同意の範囲外となっています。")
    if not note.strip():
        errors.append("モニタリングの内容を記録してください。")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now():
        errors.append("記録日時に未来の日時は入力できません。")
    if errors:
        raise PlanError(errors)
    assert writer is not None
    record = PlanProgress.objects.create(
        municipality_id=plan.municipality_id, organization=writer, person_id=plan.person_id,
        household_id=plan.household_id, occurred_at=occurred_at, staff=user, plan=plan, action=action,
        status=status, note=note.strip()[:TEXT_LIMIT],
    )  # fmt: skip
    audit(user, plan, record, Action.CREATE, f"モニタリングを記録（{ProgressStatus(status).label}）",
          {"status": [None, status], "action": [None, action.pk if action else None]}, request,
          organization=writer)  # fmt: skip
    return record


@dataclass
class EvaluationInput:
    goals: dict[int, tuple[EvaluationResult, str]]  # goal id → (result, reason)
    result: EvaluationResult
    note: str
    decision: EvaluationDecision


@transaction.atomic
def evaluation_record(
    *, user: User, plan: SupportPlan, data: EvaluationInput, request: HttpRequest | None = None
) -> PlanEvaluation:
    """評価 of a decided version: every goal's result, the overall result and what follows. A case's plan is
    evaluated while the case is in 評価 and writes the case's evaluation, after which the coordinator closes
    (終結), re-plans or suspends the case; a plan of its own organisation ends, or its next version opens."""
    if not any(m.organization_id == plan.organization_id for m in casework_memberships(user)):
        raise PlanError(f"評価を記録できるのは、プランを作成した機関（{plan.organization.name}）の職員です。")
    current = locked(plan)
    errors = []
    if current.status != PlanStatus.APPROVED:
        errors.append(
            f"評価は決定済みの現在の版に記録します（第{current.number}版は「{current.get_status_display()}」）。"
        )
    case = current.case
    if case is not None and case.state != CaseState.EVALUATING:
        errors.append(f"多機関協働ケースが「評価」になってから評価を記録します（現在「{case.get_state_display()}」）。")
    goals = list(current.goals.all())
    missing = [g for g in goals if g.pk not in data.goals]
    if missing:
        errors.append("すべての目標について評価を選んでください: " + "、".join(g.text[:20] for g in missing))
    if set(data.goals) - {g.pk for g in goals}:
        errors.append("評価する目標はこの版の目標から選んでください。")
    if not data.note.strip():
        errors.append("評価の内容（本人の状況の変化、目標の達成の様子）を記録してください。")
    if errors:
        raise PlanError(errors)
    evaluation = PlanEvaluation.objects.create(
        municipality_id=current.municipality_id, organization_id=current.organization_id,
        person_id=current.person_id, household_id=current.household_id, occurred_at=timezone.now(), staff=user,
        plan=current, result=data.result, note=data.note.strip()[:TEXT_LIMIT], decision=data.decision,
    )  # fmt: skip
    GoalEvaluation.objects.bulk_create(
        GoalEvaluation(evaluation=evaluation, goal_id=goal_id, result=result, note=reason.strip()[:TEXT_LIMIT])
        for goal_id, (result, reason) in data.goals.items()
    )
    audit(user, current, evaluation, Action.CREATE, f"支援プランの評価を記録（{EvaluationResult(data.result).label}）",
          {"result": [None, data.result], "decision": [None, data.decision]}, request)  # fmt: skip
    if case is not None:
        collaboration.case_evaluate(user=user, case=case, result=data.result, note=data.note, request=request)
    elif data.decision in (EvaluationDecision.CLOSE, EvaluationDecision.SUSPEND):
        SupportPlan.objects.filter(pk=current.pk).update(status=PlanStatus.ENDED)
        audit(user, current, current, Action.UPDATE, f"支援プラン第{current.number}版を終了（{data.decision.label}）",
              {"status": [PlanStatus.APPROVED, PlanStatus.ENDED]}, request)  # fmt: skip
    return evaluation


def flag_roles_outside_consent(*, consent: Consent, user: User | None) -> list[PlanAction]:
    """After a consent is withdrawn: every role in a current plan of the person whose organisation the
    remaining consents no longer reach is flagged, and the plan's writer and the case's coordinator told.
    Their access has already ended with the consent's grants (404); the flag says why the role is empty."""
    plans = list(
        SupportPlan.objects.filter(
            person_id=consent.person_id, status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED]
        ).select_related("case")
    )
    actions = list(
        PlanAction.objects.filter(plan__in=plans, organization__isnull=False, flagged_at__isnull=True).select_related(
            "organization"
        )
    )
    holders = {p.pk: p.organization_id for p in plans}
    candidates = {a.organization_id for a in actions if a.organization_id and a.organization_id != holders[a.plan_id]}
    reached = organizations_sharing_on(consent.person_id, candidates) if candidates else set[int]()
    flagged = [a for a in actions if a.organization_id in candidates and a.organization_id not in reached]
    now = timezone.now()
    note = f"本人同意の撤回（{consent.withdrawn_on:%Y-%m-%d}）により同意の範囲外"
    PlanAction.objects.filter(pk__in=[a.pk for a in flagged]).update(flagged_at=now, flag_note=note)
    for plan in {a.plan_id: next(p for p in plans if p.pk == a.plan_id) for a in flagged}.values():
        coordinators = {plan.staff_id} | ({plan.case.staff_id} if plan.case else set())
        notify(
            user_ids=coordinators, municipality_id=plan.municipality_id, event=Event.PLAN_ROLE_OUT_OF_CONSENT,
            summary="本人同意の撤回により、支援プランの役割分担に同意の範囲外の機関があります。プランを見直してください。",
            key=f"plan-out-of-consent:{plan.pk}:{consent.pk}", record_kind="support_plan", record_id=plan.pk,
            actor=user,
        )  # fmt: skip
    return flagged


def remind(now: datetime) -> int:
    """The daily job: a notice to the plan's writer before each monitoring date of a decided version, and when
    a role's period has ended without a progress record saying it was done. Keys make a rerun add nothing."""
    today = timezone.localdate(now)
    sent = 0
    due = (
        MonitoringDate.objects.filter(plan__status=PlanStatus.APPROVED, due_on__gte=today,
                                      due_on__lte=today + timedelta(days=MONITORING_NOTICE_DAYS))
        .select_related("plan")
    )  # fmt: skip
    for point in due:
        notify(
            user_ids=[point.plan.staff_id], municipality_id=point.plan.municipality_id, event=Event.MONITORING_DUE,
            summary=f"支援プランのモニタリング予定日（{point.due_on:%m月%d日}）が近づいています。",
            key=f"plan-monitoring:{point.pk}", record_kind="support_plan", record_id=point.plan_id, now=now,
        )  # fmt: skip
        sent += 1
    done = PlanProgress.objects.filter(action=OuterRef("pk"), status=ProgressStatus.DONE)
    overdue = (
        PlanAction.objects.filter(plan__status=PlanStatus.APPROVED, ends_on__lt=today)
        .exclude(Exists(done))
        .select_related("plan")
    )
    for action in overdue:
        notify(
            user_ids=[action.plan.staff_id], municipality_id=action.plan.municipality_id,
            event=Event.PLAN_ACTION_OVERDUE,
            summary="支援プランの役割分担が期間を過ぎています。モニタリングを記録してください。",
            key=f"plan-action-overdue:{action.pk}", record_kind="support_plan", record_id=action.plan_id, now=now,
        )  # fmt: skip
        sent += 1
    return sent
