"""The record kinds of 支援プラン — each version of a plan, each progress record, each evaluation — registered
with the case-record mechanism, and the pages and API endpoints that show them.

A plan version is held by the organisation that wrote it (福祉あんしん課 for a case's plan) and is about the
person it is for: the one rule for case records decides who reads it — the writer, and the organisations a
consent (or a 支援会議, an emergency) on that person reaches, which is what an organisation with a role must
have (``services.role_problem``). A progress record is held by the organisation that wrote it (the writer or
an organisation with a role), read by the others on the same bases. No rule of its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.records.registry import ListRoute, PrintRow, RecordKind, Route, register_kind, register_routes
from tsunagu.support_plans import plan_types
from tsunagu.support_plans.models import PlanEvaluation, PlanProgress, SupportPlan


def plan_print_row(record: SupportPlan) -> PrintRow:
    kind = plan_types.get(record.plan_type)
    period = ""
    if record.period_start and record.period_end:
        period = f"\n期間 {to_wareki(record.period_start)}〜{to_wareki(record.period_end)}"
    return PrintRow(kind=f"{kind.name}（第{record.number}版・{record.get_status_display()}）",
                    content=(record.wishes or kind.form_title) + period, staff=str(record.staff))  # fmt: skip


def progress_print_row(record: PlanProgress) -> PrintRow:
    return PrintRow(kind=f"モニタリング（{record.get_status_display()}）", content=record.note, staff=str(record.staff))


def evaluation_print_row(record: PlanEvaluation) -> PrintRow:
    return PrintRow(kind=f"評価（{record.get_result_display()}・{record.get_decision_display()}）",
                    content=record.note, staff=str(record.staff))  # fmt: skip


def register() -> None:
    register_kind(RecordKind(
        key="support_plan", label=_("支援プラン"), model=SupportPlan, detail_url="support_plans:plan-detail",
        timeline_template="support_plans/records/plan_row.html", print_row=plan_print_row,
        select_related=("staff", "person"), order=43,
        panel_template="support_plans/records/plan_panel.html", panel_title=_("支援プラン"),
    ))  # fmt: skip
    register_kind(RecordKind(
        key="plan_progress", label=_("モニタリング"), model=PlanProgress, detail_url="support_plans:progress-detail",
        timeline_template="support_plans/records/progress_row.html", print_row=progress_print_row,
        select_related=("staff", "plan"), order=44,
    ))  # fmt: skip
    register_kind(RecordKind(
        key="plan_evaluation", label=_("支援プランの評価"), model=PlanEvaluation,
        detail_url="support_plans:evaluation-detail", timeline_template="support_plans/records/evaluation_row.html",
        print_row=evaluation_print_row, select_related=("staff", "plan"), order=45,
    ))  # fmt: skip
    register_routes(
        Route("support_plans:plan-detail", "support_plan"),
        Route("support_plans:plan-edit", "support_plan"),
        Route("support_plans:plan-goal-add", "support_plan", method="POST"),
        Route("support_plans:plan-goal-remove", "support_plan", method="POST"),
        Route("support_plans:plan-action-add", "support_plan", method="POST"),
        Route("support_plans:plan-action-remove", "support_plan", method="POST"),
        Route("support_plans:plan-action-acknowledge", "support_plan", method="POST"),
        Route("support_plans:plan-approve", "support_plan", method="POST"),
        Route("support_plans:plan-next-version", "support_plan", method="POST"),
        Route("support_plans:plan-progress-add", "support_plan", method="POST"),
        Route("support_plans:plan-evaluate", "support_plan"),
        Route("support_plans:plan-print", "support_plan"),
        Route("support_plans:progress-detail", "plan_progress"),
        Route("support_plans:evaluation-detail", "plan_evaluation"),
        Route("support_plans:evaluation-print", "plan_evaluation"),
        Route("support_plans:case-plan-create", "collaboration_case"),
        Route("support_plans:person-plan-create", "person"),
        Route("support_plans:household-plans", "household"),
        ListRoute("support_plans:action-list"),
        # The API (support_plans/api.py): the same doors, so the same rows.
        Route("api:support-plan-detail", "support_plan"),
        Route("api:support-plan-versions", "support_plan"),
        Route("api:support-plan-goals", "support_plan", method="POST"),
        Route("api:support-plan-actions", "support_plan", method="POST"),
        Route("api:support-plan-acknowledge", "support_plan", method="POST"),
        Route("api:support-plan-approve", "support_plan", method="POST"),
        Route("api:support-plan-next-version", "support_plan", method="POST"),
        Route("api:support-plan-progress", "support_plan"),
        Route("api:support-plan-evaluations", "support_plan"),
        Route("api:plan-progress-detail", "plan_progress"),
        Route("api:plan-evaluation-detail", "plan_evaluation"),
        ListRoute("api:support-plan-list"),
        ListRoute("api:support-plan-roles"),
    )
