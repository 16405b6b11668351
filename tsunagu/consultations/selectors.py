"""Reads of consultations, referrals and progress records, always through the access rule for case records
(``tsunagu.access.policy.case_record_visible``): 404 outside it, and an audit entry for each record read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access.policy import case_record_visible, casework_organization_ids
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import CaseNote, Consultation, ConsultationIssue, Referral, ReferralStatus
from tsunagu.core.models import User
from tsunagu.people.models import Household, Person


def consultations_visible(user: User) -> QuerySet[Consultation]:
    return Consultation.objects.filter(municipality_id=user.municipality_id).filter(case_record_visible(user))


def consultation_get_for_user(
    *, user: User, pk: int, request: HttpRequest | None = None, audit: bool = True
) -> Consultation:
    consultation = (
        consultations_visible(user)
        .select_related("organization", "program", "staff", "person", "household", "main_issue", "consent")
        .prefetch_related("issues")
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404
    if audit:
        own = consultation.organization_id in casework_organization_ids(user)
        audit_record(
            user=user,
            action=Action.READ,
            organization=consultation.organization if own else None,
            obj=consultation,
            person_id=consultation.person_id,
            summary="相談受付の記録を閲覧",
            basis="own_record" if own else "shared",
            request=request,
        )
    return consultation


def referrals_visible(user: User) -> QuerySet[Referral]:
    organization_ids = casework_organization_ids(user)
    # The receiver reads a referral on its legal basis: the 支援会議, or a consent that still stands.
    basis_stands = Q(basis="art106_6") | Q(consent__withdrawn_on__isnull=True)
    return Referral.objects.filter(municipality_id=user.municipality_id).filter(
        (Q(to_organization_id__in=organization_ids) & basis_stands)
        | case_record_visible(user, organization_field="from_organization", person_field="consultation__person")
    )


def referral_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None, audit: bool = True) -> Referral:
    referral = (
        referrals_visible(user)
        .select_related("consultation", "consultation__person", "from_organization", "to_organization", "consent")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    if audit:
        audit_record(
            user=user,
            action=Action.READ,
            obj=referral,
            person_id=referral.consultation.person_id,
            summary="つなぎの記録を閲覧",
            basis=referral.basis,
            request=request,
        )
    return referral


def case_notes_visible(user: User) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(municipality_id=user.municipality_id).filter(case_record_visible(user))


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


def consultation_list_for_user(*, user: User, filters: ConsultationFilters) -> QuerySet[Consultation]:
    """The consultations received by the user's organisations, filtered and sorted (the inbox)."""
    qs = Consultation.objects.filter(
        municipality_id=user.municipality_id, organization_id__in=casework_organization_ids(user)
    )
    if filters.program:
        qs = qs.filter(program_id=filters.program)
    if filters.domain:
        # JSON containment differs by database; the domains list is short, so a text match on the
        # stored JSON is exact enough ("elderly" cannot be part of another domain's code).
        qs = qs.filter(domains__icontains=f'"{filters.domain}"')
    if filters.issue:
        qs = qs.filter(issues__id=filters.issue)
    if filters.district:
        # A protected (DV) person's district is not to be found out by filtering either.
        qs = qs.filter(person__district_id=filters.district, person__address_protected=False)
    if filters.staff:
        qs = qs.filter(staff_id=filters.staff)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(received_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        qs = qs.filter(received_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone))
    order = SORTS.get(filters.sort, SORTS["-received_at"])
    return qs.select_related("organization", "program", "staff", "person", "main_issue").order_by(*order).distinct()


def referrals_waiting_for_user(*, user: User) -> QuerySet[Referral]:
    """Referrals sent to the user's organisations and not yet answered, oldest due first."""
    return (
        Referral.objects.filter(
            municipality_id=user.municipality_id,
            to_organization_id__in=casework_organization_ids(user),
            status=ReferralStatus.SENT,
        )
        .filter(Q(basis="art106_6") | Q(consent__withdrawn_on__isnull=True))
        .select_related("from_organization", "to_organization", "consultation", "consultation__person")
        .order_by("due_on", "id")
    )


def referrals_sent_waiting_for_user(*, user: User) -> QuerySet[Referral]:
    """Referrals the user's organisations sent that the other side has not answered yet."""
    return (
        Referral.objects.filter(
            municipality_id=user.municipality_id,
            from_organization_id__in=casework_organization_ids(user),
            status=ReferralStatus.SENT,
        )
        .select_related("from_organization", "to_organization", "consultation", "consultation__person")
        .order_by("due_on", "id")
    )


def referrals_not_accepted(*, user: User) -> QuerySet[Referral]:
    """Every referral of the municipality not yet accepted, oldest first: nobody is lost between agencies.

    Shown to every casework user; the person's name only where the user may read the referral.
    """
    visible = referrals_visible(user).filter(pk=OuterRef("pk"))
    return (
        Referral.objects.filter(municipality_id=user.municipality_id, status=ReferralStatus.SENT)
        .annotate(readable=Exists(visible))
        .select_related("from_organization", "to_organization", "consultation__person")
        .order_by("sent_at", "id")
    )


def next_steps_due_for_user(*, user: User, days: int = 7) -> QuerySet[CaseNote]:
    today = timezone.localdate()
    return (
        CaseNote.objects.filter(
            municipality_id=user.municipality_id,
            organization_id__in=casework_organization_ids(user),
            next_step_on__gte=today,
            next_step_on__lte=today + timedelta(days=days),
        )
        .select_related("person", "staff")
        .order_by("next_step_on", "id")
    )


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    organization: str
    record: Consultation | Referral | CaseNote


@dataclass
class Timeline:
    items: list[TimelineItem] = field(default_factory=list)


def _timeline(user: User, *, people: list[Person], household_id: int | None) -> Timeline:
    person_ids = [p.pk for p in people]
    about = Q(person_id__in=person_ids) | (Q(household_id=household_id) if household_id else Q(pk__in=[]))
    consultations = (
        consultations_visible(user)
        .filter(about)
        .select_related("organization", "program", "staff", "main_issue", "person")
    )
    referrals = (
        referrals_visible(user)
        .filter(consultation__person_id__in=person_ids)
        .select_related("from_organization", "to_organization", "sent_by", "consultation__person")
    )
    notes = case_notes_visible(user).filter(about).select_related("organization", "staff", "person")
    items = chain(
        (TimelineItem(c.received_at, "consultation", c.organization.name, c) for c in consultations),
        (TimelineItem(r.sent_at, "referral", r.from_organization.name, r) for r in referrals),
        (TimelineItem(n.occurred_at, "note", n.organization.name, n) for n in notes),
    )
    return Timeline(items=sorted(items, key=lambda i: (i.at, i.kind)))


def timeline_for_person(*, user: User, person: Person, request: HttpRequest | None = None) -> Timeline:
    """Consultations, referrals and records about a person (fetched through the access core), in order,
    across every agency whose records the user may read. One audit entry for the timeline read."""
    timeline = _timeline(user, people=[person], household_id=None)
    audit_record(
        user=user,
        action=Action.READ,
        obj=person,
        person_id=person.pk,
        summary=f"支援経過（経過一覧）を閲覧: {len(timeline.items)}件",
        request=request,
    )
    return timeline


def timeline_for_household(
    *, user: User, household: Household, members: list[Person], request: HttpRequest | None = None
) -> Timeline:
    """The household's timeline: records about the household and about each member the user may see
    (``members`` come from ``household_get_for_user``, which hides the others)."""
    timeline = _timeline(user, people=members, household_id=household.pk)
    audit_record(
        user=user,
        action=Action.READ,
        obj=household,
        summary=f"世帯の支援経過を閲覧: {len(timeline.items)}件（世帯員{len(members)}名）",
        request=request,
    )
    return timeline


def issue_list_for_user(*, user: User) -> QuerySet[ConsultationIssue]:
    """The municipality's active 相談内容 items, in order (the defaults are loaded on first use)."""
    issues_ensure(user.municipality)
    return ConsultationIssue.objects.filter(municipality_id=user.municipality_id, is_active=True).order_by("order")
