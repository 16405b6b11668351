"""Reads of 支援プラン through the case-record mechanism (``tsunagu.records``): the one access rule, 404 outside
it, every record shown audited with its grounds. A plan's goals, roles and monitoring dates are parts of its
version and are read with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access.disclosure import shown_audit
from tsunagu.access.policy import casework_organization_ids
from tsunagu.collaboration.models import CollaborationCase
from tsunagu.core.models import User
from tsunagu.records.registry import kind
from tsunagu.records.selectors import (
    AuditedRecords,
    RecordView,
    record_check_for_user,
    record_get_for_user,
    records_for_user,
    shown_of,
    visible_records,
)
from tsunagu.support_plans.models import (
    GoalEvaluation,
    PlanAction,
    PlanEvaluation,
    PlanGoal,
    PlanProgress,
    PlanStatus,
    ProgressStatus,
    SupportPlan,
)

CURRENT = (PlanStatus.DRAFT, PlanStatus.APPROVED)


def plans_visible(user: User) -> QuerySet[SupportPlan]:
    return visible_records(user, kind("support_plan"))


def plan_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None, **kwargs) -> RecordView:
    """A plan version the user may read, with the grounds; 404 otherwise. The read is audited."""
    return record_get_for_user(user=user, kind="support_plan", pk=pk, request=request, **kwargs)


def plan_check_for_user(*, user: User, pk: int) -> SupportPlan:
    """The plan a write starts from: 404 outside access; the write is audited by its service."""
    return record_check_for_user(user=user, kind="support_plan", pk=pk)


def action_for_user(*, user: User, pk: int, request: HttpRequest | None = None, audited: bool = True) -> PlanAction:
    """A role line (役割分担) through its plan: 404 unless the user may read the plan. ``audited``: the plan's read
    is written (a page that shows the line); a write that starts from it is audited by its own service."""
    plan_id = (
        PlanAction.objects.filter(pk=pk, plan__municipality_id=user.municipality_id)
        .values_list("plan_id", flat=True)
        .first()
    )
    if plan_id is None:
        raise Http404
    plan = (
        plan_get_for_user(user=user, pk=plan_id, request=request).record
        if audited
        else plan_check_for_user(user=user, pk=plan_id)
    )
    return plan.actions.select_related("plan").get(pk=pk)


@dataclass(frozen=True)
class PlanParts:
    goals: list[PlanGoal]
    actions: list[PlanAction]
    monitoring: list[date]


def parts_of(plan: SupportPlan) -> PlanParts:
    """The goals, roles and monitoring dates of a version (three queries)."""
    goals = list(plan.goals.order_by("term", "order", "id"))
    actions = list(plan.actions.select_related("organization", "goal", "acknowledged_by").order_by("order", "id"))
    return PlanParts(goals, actions, list(plan.monitoring_dates.values_list("due_on", flat=True)))


def versions_of(*, user: User, plan: SupportPlan, request: HttpRequest | None = None) -> list[SupportPlan]:
    """Every version of the plan's series that the user may read, first version first (audited as shown)."""
    rows = plans_visible(user).filter(series=plan.series).select_related("staff").order_by("number", "id")
    return list(records_for_user(user=user, kind="support_plan", rows=rows, summary="支援プランの版の一覧を表示",
                                 request=request)[:100])  # fmt: skip


def plans_of_case(*, user: User, case: CollaborationCase, request: HttpRequest | None = None) -> list[SupportPlan]:
    rows = plans_visible(user).filter(case=case).select_related("staff").order_by("-number", "-id")
    return list(records_for_user(user=user, kind="support_plan", rows=rows, summary="多機関協働ケースのプランを表示",
                                 request=request)[:50])  # fmt: skip


def plans_of_household(*, user: User, household_id: int, request: HttpRequest | None = None) -> AuditedRecords:
    """Every plan of every type about the household (its members' too) that the user may read, the current
    versions first; a page of them."""
    rows = (
        plans_visible(user)
        .filter(household_id=household_id)
        .select_related("staff", "person", "organization", "lead_organization")
        .prefetch_related(Prefetch("actions", queryset=PlanAction.objects.select_related("organization")))
        .order_by("status", "-occurred_at", "-id")
    )
    return records_for_user(user=user, kind="support_plan", rows=rows, summary="世帯の支援プランを表示",
                            request=request)  # fmt: skip


def plans_list_for_user(*, user: User, request: HttpRequest | None = None) -> AuditedRecords:
    """Every plan version the user may read, newest first (the API's list)."""
    rows = plans_visible(user).select_related("organization", "person").order_by("-occurred_at", "-id")
    return records_for_user(user=user, kind="support_plan", rows=rows, summary="支援プランの一覧を表示",
                            request=request)  # fmt: skip


def plans_of_person_list(*, user: User, person_id: int, request: HttpRequest | None = None) -> AuditedRecords:
    rows = plans_visible(user).filter(person_id=person_id).select_related("staff", "organization", "person")
    return records_for_user(user=user, kind="support_plan", rows=rows.order_by("-occurred_at", "-id"),
                            summary="支援プランの一覧を表示", request=request)  # fmt: skip


def progress_of_plan(*, user: User, plan: SupportPlan, request: HttpRequest | None = None) -> list[PlanProgress]:
    rows = (
        visible_records(user, kind("plan_progress"))
        .filter(plan=plan)
        .select_related("staff", "organization", "action")
        .order_by("-occurred_at", "-id")
    )
    return records_for_user(user=user, kind="plan_progress", rows=rows, summary="支援プランのモニタリングを表示",
                            request=request)[:200]  # fmt: skip


def evaluations_of_plan(*, user: User, plan: SupportPlan, request: HttpRequest | None = None) -> list[PlanEvaluation]:
    rows = (
        visible_records(user, kind("plan_evaluation"))
        .filter(plan=plan)
        .select_related("staff")
        .prefetch_related(Prefetch("goals", queryset=GoalEvaluation.objects.select_related("goal")))
        .order_by("-occurred_at", "-id")
    )
    return records_for_user(user=user, kind="plan_evaluation", rows=rows, summary="支援プランの評価を表示",
                            request=request)[:50]  # fmt: skip


def progress_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    return record_get_for_user(user=user, kind="plan_progress", pk=pk, request=request)


def evaluation_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None, **kwargs) -> RecordView:
    return record_get_for_user(user=user, kind="plan_evaluation", pk=pk, request=request, **kwargs)


@dataclass(frozen=True)
class ActionRow:
    action: PlanAction
    overdue: bool
    done: bool


def actions_for_organization(*, user: User, request: HttpRequest | None = None, overdue_only: bool = False):
    """The roles the user's organisations hold in current plans they may read — due first — for the
    organisation's list (役割分担の一覧). The plans shown are audited as shown; two queries a page."""
    today = timezone.localdate()
    done = PlanProgress.objects.filter(action=OuterRef("pk"), status=ProgressStatus.DONE)
    visible = plans_visible(user).filter(pk=OuterRef("plan_id"))
    rows = (
        PlanAction.objects.filter(organization_id__in=casework_organization_ids(user), plan__status__in=CURRENT)
        .filter(Exists(visible))
        .annotate(done=Exists(done))
        .select_related("plan", "plan__person", "plan__organization", "organization", "goal")
        .order_by("ends_on", "plan_id", "id")
    )
    if overdue_only:
        rows = rows.filter(ends_on__lt=today, done=False, plan__status=PlanStatus.APPROVED)
    return _AuditedActions(user=user, rows=rows, request=request, today=today)


class _AuditedActions:
    """A page of roles, audited as the plans they show (one entry per organisation and basis)."""

    def __init__(self, *, user: User, rows: QuerySet[PlanAction], request: HttpRequest | None, today: date):
        self._user, self._rows, self._request, self._today = user, rows, request, today

    def _shown(self, actions: list[PlanAction]) -> list[ActionRow]:
        plans = list({a.plan_id: a.plan for a in actions}.values())
        if plans:
            shown = shown_of(self._user, [(kind("support_plan"), p) for p in plans])
            shown_audit(user=self._user, summary="役割分担の一覧を表示", request=self._request, shown=shown)
        rows = []
        for a in actions:
            done = bool(getattr(a, "done", False))  # annotated by actions_for_organization
            late = bool(a.ends_on and a.ends_on < self._today and not done and a.plan.status == PlanStatus.APPROVED)
            rows.append(ActionRow(a, late, done))
        return rows

    def page_slice(self, start: int, size: int) -> list[ActionRow]:
        rows = list(self._rows[start : start + size + 1])
        return self._shown(rows[:size]) + [ActionRow(a, False, False) for a in rows[size:]]

    def count_upto(self, limit: int) -> int:
        return int(self._rows.order_by().values("pk")[:limit].count())
