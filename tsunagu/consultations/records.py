"""The record kinds of 包括的相談支援 and the pages that show them, registered with the case-record mechanism.

Consultations keep the national form's column names (受付日時 ``received_at``, 受付者 ``staff``) and
referrals theirs (the sending organisation holds the record; ``sent_at``, ``sent_by``): the registrations
name them. A referral is also read by the organisation it was sent to, on the referral's own basis.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.access.models import Basis
from tsunagu.access.policy import Grounds, casework_memberships, casework_organization_ids
from tsunagu.consultations.forms import CaseNoteForm
from tsunagu.consultations.models import CaseNote, Consultation, Referral, ReferralBasis
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import User
from tsunagu.records.registry import ListRoute, PrintRow, RecordKind, Route, register_kind, register_routes

WORDS_IN_TIMELINE = 200


def _staff(user: Any) -> str:
    return str(user) if user is not None else ""


def consultation_print_row(record: Consultation) -> PrintRow:
    words = record.words if len(record.words) <= WORDS_IN_TIMELINE else record.words[:WORDS_IN_TIMELINE] + "…"
    return PrintRow(
        kind=f"相談受付（{record.get_route_display()}）",
        counterpart=record.get_visitor_display() + (f"：{record.visitor_name}" if record.visitor_name else ""),
        content=f"◎{record.main_issue.name}（{record.get_outcome_display()}）" + (f"\n{words}" if words else ""),
        staff=_staff(record.staff),
    )


def referral_print_row(record: Referral) -> PrintRow:
    return PrintRow(
        kind=f"つなぎ（{record.get_basis_display()}）",
        counterpart=record.to_organization.name,
        content=f"{record.from_organization.name} → {record.to_organization.name}：{record.reason}",
        staff=_staff(record.sent_by),
        next_step=f"回答期限 {to_wareki(record.due_on)}（{record.get_status_display()}）",
    )


def case_note_print_row(record: CaseNote) -> PrintRow:
    detail = f"：{record.counterpart_detail}" if record.counterpart_detail else ""
    return PrintRow(
        kind=record.get_means_display(),
        counterpart=record.get_counterpart_display() + detail,
        content=record.content,
        staff=_staff(record.staff),
        next_step=record.next_step + (f"（{to_wareki(record.next_step_on)}）" if record.next_step_on else ""),
    )


# The receiver reads a referral on its legal basis: the 支援会議, or a consent that still stands.
_BASIS_STANDS = Q(basis=ReferralBasis.ART106_6) | Q(consent__withdrawn_on__isnull=True)


def referral_receivers(user: User) -> Q:
    return Q(to_organization_id__in=casework_organization_ids(user)) & _BASIS_STANDS


def referral_receiver_grounds(user: User, referral: Referral) -> Grounds | None:
    """The receiving organisation reads the referral on the basis it was sent on (the consent, or the 支援会議)."""
    membership = next((m for m in casework_memberships(user) if m.organization_id == referral.to_organization_id), None)
    if membership is None:
        return None
    if referral.basis == ReferralBasis.CONSENT:
        if referral.consent_id is None or referral.consent is None or referral.consent.withdrawn_on is not None:
            return None
        return Grounds(membership.organization, Basis.CONSENT, f"consent:{referral.consent_id} referral:{referral.pk}")
    return Grounds(membership.organization, Basis.ART106_6, f"referral:{referral.pk}")


def register() -> None:
    register_kind(RecordKind(
        key="consultation", label=_("相談受付"), model=Consultation, detail_url="consultations:consultation-detail",
        timeline_template="consultations/records/consultation_row.html", print_row=consultation_print_row,
        occurred_field="received_at", select_related=("program", "staff", "main_issue", "person", "consent"), order=10,
        panel_template="consultations/records/consultation_panel.html", panel_title=_("相談受付"),
    ))  # fmt: skip
    register_kind(RecordKind(
        key="referral", label=_("つなぎ"), model=Referral, detail_url="consultations:referral-detail",
        timeline_template="consultations/records/referral_row.html", print_row=referral_print_row,
        occurred_field="sent_at", organization_field="from_organization",
        select_related=("to_organization", "sent_by", "person", "consent"), order=20,
        extra_readers=referral_receivers, extra_grounds=referral_receiver_grounds,
        panel_template="consultations/records/referral_panel.html", panel_title=_("つなぎ"),
    ))  # fmt: skip
    register_kind(RecordKind(
        key="case_note", label=_("支援経過記録"), model=CaseNote, detail_url="",
        timeline_template="consultations/records/case_note_row.html", print_row=case_note_print_row,
        select_related=("staff", "person"), order=30,
        add_form=CaseNoteForm, add_url="consultations:person-note-add", add_title=_("支援経過を記録"),
        household_add_url="consultations:household-note-add",
    ))  # fmt: skip
    register_routes(
        Route("consultations:consultation-detail", "consultation"),
        Route("consultations:consultation-print", "consultation"),
        Route("consultations:referral-create", "consultation", method="POST"),
        Route("consultations:referral-organizations", "consultation", method="POST"),
        Route("consultations:consultation-note-add", "consultation", method="POST"),
        Route("consultations:referral-detail", "referral"),
        Route("consultations:referral-respond", "referral", method="POST"),
        Route("consultations:referral-note-add", "referral", method="POST"),
        Route("consultations:person-note-add", "person", method="POST"),
        Route("consultations:household-note-add", "household", method="POST"),
        ListRoute("consultations:inbox"),
        ListRoute("consultations:referrals-open"),
        # The API (tsunagu/consultations/api.py): the same doors, so the same rows.
        Route("api:consultation-detail", "consultation"),
        Route("api:consultation-notes", "consultation"),
        Route("api:consultation-referrals", "consultation", method="POST"),
        Route("api:referral-detail", "referral"),
        Route("api:referral-accept", "referral", method="POST"),
        Route("api:referral-decline", "referral", method="POST"),
        Route("api:person-notes", "person", method="POST"),
        ListRoute("api:consultation-list"),
        ListRoute("api:referrals-open"),
    )
