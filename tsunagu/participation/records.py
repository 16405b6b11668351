"""The record kinds of 参加支援 — the support record, each match (利用調整) and each follow-up — registered with
the case-record mechanism, and the pages and API endpoints that show them.

All three are held by the organisation that runs the plan's participation programme and are about the
person, so the one rule for case records decides who reads them: the holder while it has access to the
person, and the organisations a consent, a 支援会議 (法第106条の6) or an emergency grant on that person
reaches. No rule of its own. The registry (hosts, resources, 開拓) is not personal data and has no kind.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tsunagu.audit.services import register_master_data
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.participation.models import ParticipationFollowUp, ParticipationMatch, ParticipationSupport
from tsunagu.records.registry import ListRoute, PrintRow, RecordKind, Route, register_kind, register_routes


def support_print_row(record: ParticipationSupport) -> PrintRow:
    return PrintRow(kind=f"参加支援（{record.get_source_display()}・{record.get_status_display()}）",
                    content=record.wishes, staff=str(record.worker))  # fmt: skip


def match_print_row(record: ParticipationMatch) -> PrintRow:
    dates = [f"{label} {to_wareki(on)}" for label, on in (("見学・体験", record.trial_on), ("参加", record.started_on),
             ("定着", record.settled_on), ("終了", record.ended_on)) if on]  # fmt: skip
    return PrintRow(kind=f"マッチング（{record.get_state_display()}）", counterpart=record.resource.name,
                    content=f"適合度 {record.score}点" + (f"\n{'・'.join(dates)}" if dates else ""),
                    staff=str(record.staff))  # fmt: skip


def follow_up_print_row(record: ParticipationFollowUp) -> PrintRow:
    content = record.content + (f"\n困りごと: {record.worries}" if record.worries else "")
    return PrintRow(kind=f"フォローアップ（{record.get_about_display()}）", content=content, staff=str(record.staff),
                    next_step=record.next_step)  # fmt: skip


def register() -> None:
    register_master_data("participation.host", "participation.resource", "participation.resourcekind",
                         "participation.resourcedevelopment")  # fmt: skip
    register_kind(RecordKind(
        key="participation_support", label=_("参加支援"), model=ParticipationSupport,
        detail_url="participation:support-detail", timeline_template="participation/records/support_row.html",
        print_row=support_print_row, select_related=("staff", "worker"), order=60,
        panel_template="participation/records/support_panel.html", panel_title=_("参加支援"),
    ))  # fmt: skip
    register_kind(RecordKind(
        key="participation_match", label=_("マッチング"), model=ParticipationMatch,
        detail_url="participation:match-detail", timeline_template="participation/records/match_row.html",
        print_row=match_print_row, select_related=("staff", "resource"), order=61,
    ))  # fmt: skip
    register_kind(RecordKind(
        key="participation_follow_up", label=_("フォローアップ"), model=ParticipationFollowUp, detail_url="",
        timeline_template="participation/records/follow_up_row.html", print_row=follow_up_print_row,
        select_related=("staff",), order=62,
    ))  # fmt: skip
    register_routes(
        Route("participation:person-support-create", "person", needs="holder"),
        Route("participation:support-detail", "participation_support"),
        Route("participation:support-propose", "participation_support", method="POST"),
        Route("participation:support-close", "participation_support", method="POST"),
        Route("participation:match-detail", "participation_match"),
        Route("participation:match-state", "participation_match", method="POST"),
        Route("participation:match-follow-up", "participation_match", method="POST"),
        ListRoute("participation:support-list"),
        # The API (tsunagu/participation/api.py): the same doors, so the same rows.
        Route("api:participation-support-detail", "participation_support"),
        Route("api:participation-support-ranking", "participation_support"),
        Route("api:participation-support-matches", "participation_support"),
        Route("api:participation-match-detail", "participation_match"),
        Route("api:participation-match-state", "participation_match", method="POST"),
        Route("api:participation-match-follow-ups", "participation_match"),
        ListRoute("api:participation-support-list"),
    )
