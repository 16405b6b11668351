"""Reading training sessions: scoped to the user's municipality (another town's session is 404), the
coordinator organisation that may hold them, and the counts for the reports per 年度.

Sessions name staff, not residents: every user of the municipality reads them (pages and API alike), and
nobody outside it. The reads are not audited as disclosures; the writes are (``services``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from tsunagu.access.policy import casework_memberships
from tsunagu.consultations.services import meeting_secretariat
from tsunagu.core.japanese.display import date_label, fiscal_year_text
from tsunagu.core.japanese.wareki import fiscal_year, fiscal_year_range
from tsunagu.core.models import Membership, Organization, Role, User
from tsunagu.training.models import TrainingAttendee, TrainingMaterial, TrainingParticipation, TrainingSession

RECENT_YEARS = 5


def coordinator_organization(*, municipality_id: int) -> Organization | None:
    """The organisation that trains the agencies: the plan's 所管課 of 多機関協働事業 (whose duties list
    「支援関係機関の連携強化のための研修の実施」) — the same body that runs the 支援会議; None without a plan."""
    return meeting_secretariat(municipality_id)


def may_manage(user: User, organizer: Organization | None = None) -> bool:
    """Staff in a confirmed casework role at the coordinator organisation (or the session's organiser)."""
    if organizer is None:
        organizer = coordinator_organization(municipality_id=user.municipality_id)
    if organizer is None or organizer.municipality_id != user.municipality_id:
        return False
    return any(m.organization_id == organizer.pk for m in casework_memberships(user))


def _attendee_count() -> Subquery:
    rows = (
        TrainingAttendee.objects.filter(session_id=OuterRef("pk")).order_by().values("session_id")
        .annotate(n=Count("pk")).values("n")
    )  # fmt: skip
    return Subquery(rows, output_field=IntegerField())


def _other_count() -> Subquery:
    rows = (
        TrainingParticipation.objects.filter(session_id=OuterRef("pk")).order_by().values("session_id")
        .annotate(n=Sum("other_attendees")).values("n")
    )  # fmt: skip
    return Subquery(rows, output_field=IntegerField())


def _organization_count() -> Subquery:
    rows = (
        TrainingParticipation.objects.filter(session_id=OuterRef("pk")).order_by().values("session_id")
        .annotate(n=Count("pk")).values("n")
    )  # fmt: skip
    return Subquery(rows, output_field=IntegerField())


def session_list_for_user(*, user: User, fiscal_year: int | None = None) -> QuerySet[TrainingSession]:
    """The municipality's sessions, newest first, each with its counts (staff, others, organisations) as
    subqueries: one query whatever the number of sessions and attendees."""
    rows = TrainingSession.objects.filter(municipality_id=user.municipality_id)
    if fiscal_year is not None:
        start, end = fiscal_year_range(fiscal_year)
        rows = rows.filter(held_on__range=(start, end))
    return (
        rows.select_related("organizer")
        .annotate(
            staff_count=Coalesce(_attendee_count(), Value(0)),
            other_count=Coalesce(_other_count(), Value(0)),
            organization_count=Coalesce(_organization_count(), Value(0)),
        )
        .order_by("-held_on", "-id")
    )


def session_get_for_user(*, user: User, pk: int) -> TrainingSession:
    """A session with its organisations, staff and materials; 404 outside the user's municipality."""
    participations = TrainingParticipation.objects.select_related("organization").prefetch_related(
        Prefetch("attendees", queryset=TrainingAttendee.objects.select_related("user").order_by("id"))
    )
    session = (
        TrainingSession.objects.filter(municipality_id=user.municipality_id, pk=pk)
        .select_related("organizer", "created_by")
        .prefetch_related(Prefetch("participations", queryset=participations), "materials")
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_check_for_user(*, user: User, pk: int) -> TrainingSession:
    """The session itself, no related rows (before a write); 404 outside the user's municipality."""
    session = TrainingSession.objects.filter(municipality_id=user.municipality_id, pk=pk).first()
    if session is None:
        raise Http404
    return session


def attendee_memberships(*, municipality_id: int) -> QuerySet[Membership]:
    """Who may be recorded as attending: confirmed staff of the town's organisations (machine accounts aside)."""
    return (
        Membership.objects.confirmed()
        .filter(municipality_id=municipality_id, user__is_active=True)
        .exclude(role=Role.INTEGRATION)
        .select_related("user", "organization")
        .order_by("organization__order", "organization_id", "user__username", "id")
    )


def attendee_choices(
    *, municipality_id: int, session: TrainingSession | None = None
) -> list[tuple[User, Organization]]:
    """(user, organisation) pairs a session may record: today's staff, and — for a session already recorded —
    those who attended it, even if they have since left the organisation or been deactivated (a change of the
    session must not drop them unseen)."""
    pairs: dict[tuple[int, int], tuple[User, Organization]] = {}
    for m in attendee_memberships(municipality_id=municipality_id):
        pairs.setdefault((m.user_id, m.organization_id), (m.user, m.organization))
    if session is not None:
        attended = TrainingAttendee.objects.filter(session=session).select_related(
            "user", "participation__organization"
        )
        for a in attended:
            pairs.setdefault((a.user_id, a.participation.organization_id), (a.user, a.participation.organization))
    return sorted(pairs.values(), key=lambda p: (p[1].order, p[1].pk, p[0].get_username()))


def fiscal_years_for_user(*, user: User, today: date) -> list[int]:
    """The 年度 a list may show, newest first: the next one and five back from this one, widened to every
    年度 with a session of the user's town."""
    span = TrainingSession.objects.filter(municipality_id=user.municipality_id).aggregate(
        first=Min("held_on"), last=Max("held_on")
    )
    current = fiscal_year(today)
    first = min([current - RECENT_YEARS] + ([fiscal_year(span["first"])] if span["first"] else []))
    last = max([current + 1] + ([fiscal_year(span["last"])] if span["last"] else []))
    return list(range(last, first - 1, -1))


# --- Counts for the reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationCount:
    organization: Organization
    sessions: int
    attendees: int


@dataclass(frozen=True)
class MonthCount:
    month: date  # its first day
    sessions: int
    attendees: int


@dataclass(frozen=True)
class TrainingCounts:
    fiscal_year: int
    start: date
    end: date
    sessions: int
    staff_attendees: int
    other_attendees: int
    organizations: int
    by_organization: list[OrganizationCount] = field(default_factory=list)
    by_month: list[MonthCount] = field(default_factory=list)  # every month of the period, empty ones too

    @property
    def attendees(self) -> int:
        return self.staff_attendees + self.other_attendees


def training_counts(
    *, municipality_id: int, fiscal_year: int, start: date | None = None, end: date | None = None
) -> TrainingCounts:
    """研修の開催回数・参加者数・参加機関数 of one 年度 (April–March), or of a period inside it.

    Raises ValidationError (in Japanese, on ``start`` / ``end``) when the period reaches outside the 年度 or
    ends before it starts. A fixed number of queries (six), whatever the number of sessions.
    """
    first, last = fiscal_year_range(fiscal_year)
    start, end = start or first, end or last
    errors: dict[str, list[str]] = {}
    outside = _("%(date)sは%(year)s（%(first)s〜%(last)s）の外です。年度の中の日付を指定してください。")
    for name, value in (("start", start), ("end", end)):
        if not first <= value <= last:
            errors[name] = [outside % {"date": date_label(value), "year": fiscal_year_text(fiscal_year),
                                       "first": date_label(first), "last": date_label(last)}]  # fmt: skip
    if not errors and end < start:
        errors["end"] = [_("終了日が開始日より前です。")]
    if errors:
        raise ValidationError(errors)
    sessions = TrainingSession.objects.filter(municipality_id=municipality_id, held_on__range=(start, end))
    participations = TrainingParticipation.objects.filter(session__in=sessions)
    staff = TrainingAttendee.objects.filter(session__in=sessions).count()
    per_org = {
        row["organization_id"]: row
        for row in participations.order_by().values("organization_id")
        .annotate(sessions=Count("session_id", distinct=True), others=Sum("other_attendees"))
    }  # fmt: skip
    staff_per_org = dict(
        TrainingAttendee.objects.filter(session__in=sessions).order_by()
        .values_list("participation__organization_id").annotate(n=Count("pk"))
    )  # fmt: skip
    organizations = Organization.objects.in_bulk(list(per_org)) if per_org else {}
    by_organization = sorted(
        (
            OrganizationCount(
                organization=organizations[pk],
                sessions=row["sessions"],
                attendees=(row["others"] or 0) + staff_per_org.get(pk, 0),
            )
            for pk, row in per_org.items()
        ),
        key=lambda c: (c.organization.order, c.organization.pk),
    )
    return TrainingCounts(
        fiscal_year=fiscal_year, start=start, end=end, sessions=sessions.count(), staff_attendees=staff,
        by_month=_by_month(municipality_id, start, end),
        other_attendees=sum((row["others"] or 0) for row in per_org.values()), organizations=len(per_org),
        by_organization=by_organization,
    )  # fmt: skip


def _by_month(municipality_id: int, start: date, end: date) -> list[MonthCount]:
    """Sessions and attendees per calendar month of [start, end], from one query (a town holds a few dozen
    sessions a year: summed here rather than grouped by a database-specific month function)."""
    totals: dict[date, list[int]] = {}
    month = start.replace(day=1)
    while month <= end:
        totals[month] = [0, 0]
        month = (month + timedelta(days=32)).replace(day=1)
    rows = (
        TrainingSession.objects.filter(municipality_id=municipality_id, held_on__range=(start, end))
        .annotate(staff=Coalesce(_attendee_count(), Value(0)), others=Coalesce(_other_count(), Value(0)))
        .values_list("held_on", "staff", "others")
    )
    for held_on, staff, others in rows:
        cell = totals[held_on.replace(day=1)]
        cell[0] += 1
        cell[1] += staff + others
    return [MonthCount(month=m, sessions=n, attendees=a) for m, (n, a) in totals.items()]


def material_check_for_user(*, user: User, pk: int) -> TrainingMaterial:
    """A material with its session; 404 outside the user's municipality."""
    material = (
        TrainingMaterial.objects.filter(municipality_id=user.municipality_id, pk=pk)
        .select_related("session__organizer")
        .first()
    )
    if material is None:
        raise Http404
    return material
