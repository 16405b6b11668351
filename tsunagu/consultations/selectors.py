"""Reads of consultations, referrals and progress records, through the case-record mechanism
(``tsunagu.records``): the one access rule, 404 outside it, and every record shown audited with its grounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access.policy import casework_organization_ids
from tsunagu.consultations.deadlines import next_step_within
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import CaseNote, Consultation, ConsultationIssue, Referral, ReferralStatus
from tsunagu.core.models import User
from tsunagu.people.protection import possibly_protected
from tsunagu.records.registry import kind
from tsunagu.records.selectors import (
    AuditedRecords,
    RecordView,
    record_check_for_user,
    record_get_for_user,
    records_about_for_user,
    records_for_user,
    visible_records,
)


def consultations_visible(user: User) -> QuerySet[Consultation]:
    return visible_records(user, kind("consultation"))


def consultation_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    """A consultation the user may read, with the grounds; 404 otherwise. The read is audited."""
    return record_get_for_user(user=user, kind="consultation", pk=pk, request=request)


def consultation_check_for_user(*, user: User, pk: int) -> Consultation:
    """The consultation a write starts from (a referral, a note): 404 outside access; the write is audited."""
    return record_check_for_user(user=user, kind="consultation", pk=pk)


def referrals_visible(user: User) -> QuerySet[Referral]:
    return visible_records(user, kind("referral"))


def referral_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    return record_get_for_user(user=user, kind="referral", pk=pk, request=request)


def referral_check_for_user(*, user: User, pk: int) -> Referral:
    return record_check_for_user(user=user, kind="referral", pk=pk)


def case_notes_visible(user: User) -> QuerySet[CaseNote]:
    return visible_records(user, kind("case_note"))


def referrals_of_consultation(
    *, user: User, consultation: Consultation, request: HttpRequest | None = None
) -> list[Referral]:
    """The referrals of a consultation the user has read, as far as the user may read them (audited as shown)."""
    rows = (
        referrals_visible(user)
        .filter(consultation=consultation)
        .select_related("from_organization", "to_organization", "to_program", "consent")
        .order_by("sent_at", "id")
    )
    shown = records_for_user(user=user, kind="referral", rows=rows, summary="相談のつなぎを表示", request=request)
    return shown[:200]


def case_note_list_of_consultation(
    *, user: User, consultation: Consultation, request: HttpRequest | None = None
) -> AuditedRecords:
    """The progress records shown with a consultation, newest first, as far as the user may read them
    (audited as shown): one list with the timeline's — every record about the consultation's person
    wherever it was posted (a household's own records when the consultation names a household and no
    person; an anonymous one's, those posted on it).

    The rows are the timeline's (``records_about_for_user``), so a note added on the person's timeline is
    here and one added here is on the timeline (a note posted on a consultation is about its person or
    household: ``case_note_add``); what the user may read is the one rule's.
    """
    if consultation.person_id is not None:
        about = records_about_for_user(user=user, kind="case_note", person_ids=[consultation.person_id])
    elif consultation.household_id is not None:
        about = records_about_for_user(
            user=user, kind="case_note", person_ids=[], household_id=consultation.household_id
        )
    else:
        about = case_notes_visible(user).filter(consultation=consultation)
    rows = about.select_related("organization", "staff").order_by("-occurred_at", "-id")
    return records_for_user(user=user, kind="case_note", rows=rows, summary="相談の支援経過を表示", request=request)


def case_notes_of_consultation(
    *, user: User, consultation: Consultation, request: HttpRequest | None = None
) -> list[CaseNote]:
    """The consultation page's progress records: the latest 200 of ``case_note_list_of_consultation``."""
    return case_note_list_of_consultation(user=user, consultation=consultation, request=request)[:200]


@dataclass(frozen=True)
class ConsultationFilters:
    program: int | None = None
    domain: str = ""
    issue: int | None = None
    district: int | None = None
    staff: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "-received_at"


SORTS = {
    "-received_at": ("-received_at", "-id"),
    "received_at": ("received_at", "id"),
    "urgency": ("-urgency", "-received_at", "-id"),
}


def consultation_list_for_user(
    *, user: User, filters: ConsultationFilters, request: HttpRequest | None = None
) -> AuditedRecords:
    """The consultations received by the user's organisations, filtered and sorted (the inbox); audited as shown."""
    # The organisation's own consultations, as far as the rule still lets it read them (a withdrawn
    # consent or an expired emergency grant closes its records about that person too).
    qs = consultations_visible(user).filter(organization_id__in=casework_organization_ids(user))
    if filters.program:
        qs = qs.filter(program_id=filters.program)
    if filters.domain:
        # JSON containment differs by database; the domains list is short, so a text match on the
        # stored JSON is exact enough ("elderly" cannot be part of another domain's code).
        qs = qs.filter(domains__icontains=f'"{filters.domain}"')
    if filters.issue:
        # EXISTS, not a join: a join repeats rows and needs DISTINCT, which loses the index order.
        tagged = Consultation.issues.through.objects.filter(
            consultation_id=OuterRef("pk"), consultationissue_id=filters.issue
        )
        qs = qs.filter(Exists(tagged))
    if filters.district:
        # A protected (DV) person's district is not to be found out by filtering either.
        qs = qs.filter(person__district_id=filters.district).exclude(possibly_protected(through="person"))
    if filters.staff:
        qs = qs.filter(staff_id=filters.staff)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(received_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        qs = qs.filter(received_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone))
    order = SORTS.get(filters.sort, SORTS["-received_at"])
    rows = qs.select_related("organization", "program", "staff", "person", "main_issue").order_by(*order)
    return records_for_user(user=user, kind="consultation", rows=rows, summary="相談の一覧を閲覧", request=request)


def referrals_waiting_for_user(*, user: User, request: HttpRequest | None = None) -> AuditedRecords:
    """Referrals sent to the user's organisations and not yet answered, oldest due first."""
    rows = (
        Referral.objects.filter(
            municipality_id=user.municipality_id,
            to_organization_id__in=casework_organization_ids(user),
            status=ReferralStatus.SENT,
        )
        .filter(Q(basis="art106_6") | Q(consent__withdrawn_on__isnull=True))
        .select_related("from_organization", "to_organization", "consultation", "person", "consent")
        .order_by("due_on", "id")
    )
    return records_for_user(user=user, kind="referral", rows=rows, summary="届いたつなぎの一覧を閲覧", request=request)


def referrals_sent_waiting_for_user(*, user: User, request: HttpRequest | None = None) -> AuditedRecords:
    """Referrals the user's organisations sent that the other side has not answered yet."""
    rows = (
        referrals_visible(user)
        .filter(
            municipality_id=user.municipality_id,
            from_organization_id__in=casework_organization_ids(user),
            status=ReferralStatus.SENT,
        )
        .select_related("from_organization", "to_organization", "consultation", "person")
        .order_by("due_on", "id")
    )
    return records_for_user(user=user, kind="referral", rows=rows, summary="送ったつなぎの一覧を閲覧", request=request)


def referrals_not_accepted(*, user: User, request: HttpRequest | None = None) -> AuditedRecords:
    """Every referral of the municipality not yet accepted, oldest first: nobody is lost between agencies.

    Shown to every casework user; the person's name only where the user may read the referral.
    """
    visible = referrals_visible(user).filter(pk=OuterRef("pk"))
    rows = (
        Referral.objects.filter(municipality_id=user.municipality_id, status=ReferralStatus.SENT)
        .annotate(readable=Exists(visible))
        .select_related("from_organization", "to_organization", "person", "consent")
        .order_by("sent_at", "id")
    )
    return records_for_user(
        user=user, kind="referral", rows=rows, summary="未受理のつなぎの一覧を閲覧", request=request,
        shown_if=lambda r: r.readable,
    )  # fmt: skip


def next_steps_due_for_user(*, user: User, days: int = 7, request: HttpRequest | None = None) -> AuditedRecords:
    today = timezone.localdate()
    rows = (
        case_notes_visible(user)
        .filter(
            municipality_id=user.municipality_id,
            organization_id__in=casework_organization_ids(user),
        )
        .filter(next_step_within(today, days))
        .select_related("organization", "person", "staff")
        .order_by("next_step_on", "id")
    )
    return records_for_user(user=user, kind="case_note", rows=rows, summary="今後の予定の一覧を閲覧", request=request)


def issue_list_for_user(*, user: User) -> QuerySet[ConsultationIssue]:
    """The municipality's active 相談内容 items, in order (the defaults are loaded on first use)."""
    issues_ensure(user.municipality)
    return ConsultationIssue.objects.filter(municipality_id=user.municipality_id, is_active=True).order_by("order")
