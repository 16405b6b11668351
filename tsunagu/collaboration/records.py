"""The record kinds of 多機関協働 — the case, each change of its state, each assessment — registered with the
case-record mechanism, and the pages and API endpoints that show them.

All three are held by the coordinating organisation and are about the case's main person in focus, so the
one rule for case records decides who reads them: the coordinating organisation while it has access to the
person, and the organisations a consent (or a 支援会議, an emergency) on that person reaches — which is what
a participating organisation must have (``services.case_participant_add``). No rule of its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tsunagu.collaboration.models import Assessment, CaseTransition, CollaborationCase
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.records.registry import ListRoute, PrintRow, RecordKind, Route, register_kind, register_routes


def case_print_row(record: CollaborationCase) -> PrintRow:
    return PrintRow(
        kind="多機関協働ケース（開始）", content=record.summary or "多機関協働ケースを開始", staff=str(record.staff),
        next_step=f"次回予定 {to_wareki(record.next_date)}" if record.next_date else "",
    )  # fmt: skip


def case_transition_print_row(record: CaseTransition) -> PrintRow:
    to = "再プラン" if record.is_replan else record.get_to_state_display()
    moved = f"{record.get_from_state_display() or '—'} → {to}"
    return PrintRow(
        kind="多機関協働（状態の変更）",
        content=moved + (f"\n{record.note}" if record.note else ""),
        staff=str(record.staff),
    )


def assessment_print_row(record: Assessment) -> PrintRow:
    return PrintRow(kind="アセスメント", content=f"インテーク・アセスメントシート（様式 {record.form_version}）",
                    staff=str(record.staff))  # fmt: skip


def register() -> None:
    register_kind(RecordKind(
        key="collaboration_case", label=_("多機関協働ケース"), model=CollaborationCase,
        detail_url="collaboration:case-detail", timeline_template="collaboration/records/case_row.html",
        print_row=case_print_row, select_related=("staff", "person", "lead_organization"), order=40,
        panel_template="collaboration/records/case_panel.html", panel_title=_("多機関協働ケース"),
    ))  # fmt: skip
    register_kind(RecordKind(
        key="case_transition", label=_("多機関協働ケースの状態変更"), model=CaseTransition,
        detail_url="", timeline_template="collaboration/records/transition_row.html",
        print_row=case_transition_print_row, select_related=("staff",), order=41,
    ))  # fmt: skip
    register_kind(RecordKind(
        key="assessment", label=_("アセスメント"), model=Assessment, detail_url="collaboration:assessment-detail",
        timeline_template="collaboration/records/assessment_row.html", print_row=assessment_print_row,
        select_related=("staff", "person"), order=42,
    ))  # fmt: skip
    register_routes(
        Route("collaboration:case-detail", "collaboration_case"),
        Route("collaboration:case-transition", "collaboration_case", method="POST"),
        Route("collaboration:case-evaluate", "collaboration_case", method="POST"),
        Route("collaboration:case-participant-add", "collaboration_case", method="POST"),
        Route("collaboration:assessment-create", "collaboration_case"),
        Route("collaboration:assessment-detail", "assessment"),
        Route("collaboration:assessment-print", "assessment"),
        Route("collaboration:household-ecomap", "household"),
        ListRoute("collaboration:case-list"),
        # The API (tsunagu/collaboration/api.py): the same doors, so the same rows.
        Route("api:collaboration-case-detail", "collaboration_case"),
        Route("api:collaboration-case-transitions", "collaboration_case"),
        Route("api:collaboration-case-evaluation", "collaboration_case", method="POST"),
        Route("api:collaboration-case-participants", "collaboration_case", method="POST"),
        Route("api:collaboration-case-assessments", "collaboration_case"),
        Route("api:assessment-detail", "assessment"),
        ListRoute("api:collaboration-case-list"),
    )
