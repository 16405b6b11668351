"""The record kinds of アウトリーチ — 気になる情報, the target, each contact, each change of stage — registered with
the case-record mechanism, and the pages and API endpoints that show them.

All four are held by the organisation that runs the outreach programme and are about the target's person
(none while unidentified), so the one rule for case records decides who reads them: the holder while it
has access to the person, and the organisations a consent, a 支援会議 (法第106条の6) or an emergency grant
on that person reaches. No rule of its own; the source's identity is kept from all but the holder's staff
in the selectors (``source_visible``), and never put in a timeline row or print.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.outreach.models import OutreachContact, OutreachInformation, OutreachStageChange, OutreachTarget
from tsunagu.records.registry import ListRoute, PrintRow, RecordKind, Route, register_kind, register_routes


def information_print_row(record: OutreachInformation) -> PrintRow:
    # The source's type only: its name and contact stay with the holder's staff.
    return PrintRow(kind="気になる情報", content=record.content, counterpart=record.get_source_type_display(),
                    staff=str(record.staff))  # fmt: skip


def target_print_row(record: OutreachTarget) -> PrintRow:
    return PrintRow(
        kind="アウトリーチの対象（開始）", content=record.worry, staff=str(record.worker),
        next_step=f"{record.next_action} {to_wareki(record.next_action_on)}".strip() if record.next_action_on
        else record.next_action,
    )  # fmt: skip


def contact_print_row(record: OutreachContact) -> PrintRow:
    return PrintRow(
        kind=f"アウトリーチ（{record.get_means_display()}・{record.get_result_display()}）", content=record.content,
        staff=str(record.staff), next_step=record.next_step,
    )  # fmt: skip


def stage_print_row(record: OutreachStageChange) -> PrintRow:
    moved = f"{record.get_from_stage_display() or '—'} → {record.get_to_stage_display()}"
    return PrintRow(kind="アウトリーチ（段階の変更）", content=moved + (f"\n{record.note}" if record.note else ""),
                    staff=str(record.staff))  # fmt: skip


def register() -> None:
    register_kind(RecordKind(
        key="outreach_information", label=_("気になる情報"), model=OutreachInformation,
        detail_url="outreach:information-detail", timeline_template="outreach/records/information_row.html",
        print_row=information_print_row, select_related=("staff",), order=50,
    ))  # fmt: skip
    register_kind(RecordKind(
        key="outreach_target", label=_("アウトリーチの対象"), model=OutreachTarget,
        detail_url="outreach:target-detail", timeline_template="outreach/records/target_row.html",
        print_row=target_print_row, select_related=("staff", "worker"), order=51,
        panel_template="outreach/records/target_panel.html", panel_title=_("アウトリーチ"),
    ))  # fmt: skip
    register_kind(RecordKind(
        key="outreach_contact", label=_("接触の記録"), model=OutreachContact, detail_url="",
        timeline_template="outreach/records/contact_row.html", print_row=contact_print_row,
        select_related=("staff",), order=52,
    ))  # fmt: skip
    register_kind(RecordKind(
        key="outreach_stage_change", label=_("関係性の段階の変更"), model=OutreachStageChange, detail_url="",
        timeline_template="outreach/records/stage_row.html", print_row=stage_print_row, select_related=("staff",),
        order=53,
    ))  # fmt: skip
    register_routes(
        Route("outreach:information-detail", "outreach_information"),
        Route("outreach:target-detail", "outreach_target"),
        Route("outreach:target-contact-add", "outreach_target", method="POST"),
        Route("outreach:target-stage", "outreach_target", method="POST"),
        Route("outreach:target-plan", "outreach_target", method="POST"),
        Route("outreach:target-identify", "outreach_target", method="POST"),
        Route("outreach:target-attach", "outreach_target", method="POST"),
        Route("outreach:target-connect", "outreach_target", needs="holder"),
        Route("outreach:target-case-open", "outreach_target", method="POST"),
        ListRoute("outreach:target-list"),
        ListRoute("outreach:information-list"),
        # The API (tsunagu/outreach/api.py): the same doors, so the same rows.
        Route("api:outreach-information-detail", "outreach_information"),
        Route("api:outreach-target-detail", "outreach_target"),
        Route("api:outreach-target-contacts", "outreach_target"),
        Route("api:outreach-target-stage", "outreach_target", method="POST"),
        ListRoute("api:outreach-target-list"),
        ListRoute("api:outreach-information-list"),
    )
