"""Who reviews an emergency access (緊急閲覧の確認), in one place; and which grants wait for it.

An emergency grant opens a person's records to an agency at once, on a written reason; a 監督者 judges
afterwards whether it was necessary (DESIGN §4). The reviewers of a grant are

1. the supervisors of the organisation that used it;
2. when it has none — other than the member of staff who used the grant — the supervisors of its 所管課:
   the division it belongs to (``Organization.division``) and the 所管課 of every programme of the plan it
   implements (a contractor such as 社協 answers to the divisions that commission it);
3. and always the supervisors of the organisation the plan names (``[emergency_review] reviewer``), so that
   an agency with no supervisor of its own and none at its 所管課 is still reviewed.

Never the person who used the grant. Everything that asks "who may review this?" — the review page, the
reviewer's list, the service that records the decision, the auditor's list, the notifications to come —
asks this module, which reads the arrangement of a municipality in a fixed number of queries.

A grant waits for review until someone reviews it, whether or not it has expired: an expired access was
still used. After ``TSUNAGU_EMERGENCY_REVIEW_DAYS`` (3 days) it is overdue (確認期限超過).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, ReviewStatus
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import Membership, Municipality, Organization, OrganizationKind, Role, User
from tsunagu.plans.selectors import emergency_review_plan

# The legal basis a reviewer reads under is the emergency provision itself, whose review it is; the source
# tells a review's reads ("emergency_review grant:7") from the reads made under the grant ("emergency grant:7").
REVIEW_SOURCE = "emergency_review"


def review_limit() -> timedelta:
    return timedelta(days=settings.TSUNAGU_EMERGENCY_REVIEW_DAYS)


@dataclass(frozen=True)
class ReviewArrangement:
    """A municipality's reviewers, as the rule above sees them: asked many times, read once."""

    municipality_id: int
    names: dict[int, str]  # organisation id → name
    supervisors: dict[int, frozenset[int]]  # organisation id → the user ids of its supervisors
    division_organizations: dict[int, frozenset[int]]  # organisation id → its 所管課 (as organisations)
    plan_reviewer_id: int | None

    def reviewers(self, organization_id: int, used_by_id: int | None) -> dict[int, int]:
        """Who may review a grant of this organisation used by this user: user id → the organisation they
        review for (the first that lets them, in the rule's order)."""
        found: dict[int, int] = {}
        used_by = {used_by_id} if used_by_id is not None else set()

        def add(organization_ids: Iterable[int]) -> None:
            for pk in sorted(organization_ids):
                for user_id in sorted(self.supervisors.get(pk, frozenset()) - used_by):
                    found.setdefault(user_id, pk)

        add([organization_id])
        if not found:
            add(self.division_organizations.get(organization_id, frozenset()))
        if self.plan_reviewer_id is not None:
            add([self.plan_reviewer_id])
        return found

    def reviewer_organization_ids(self, organization_id: int, used_by_id: int | None) -> list[int]:
        """The organisations whose supervisors review such a grant (for the auditor's list), in the rule's order."""
        return list(dict.fromkeys(self.reviewers(organization_id, used_by_id).values()))

    def unreviewed_organization_ids(self) -> list[int]:
        """Organisations whose emergency access nobody could review, even when used by one of their staff who
        is no reviewer (shown to the auditor: the arrangement has a hole)."""
        return [pk for pk in sorted(self.names) if not self.reviewers(pk, None)]

    def grant_condition(self, user: User) -> Q:
        """The grants (of this municipality) that ``user`` may review, as a condition on ``AccessGrant``:
        the rule of ``reviewers`` written for the database, so that a list is one query whatever its size."""
        supervised = {pk for pk, users in self.supervisors.items() if user.pk in users}
        if not supervised:
            return Q(pk__in=[])
        if self.plan_reviewer_id in supervised:
            condition = Q()
        else:
            condition = Q(organization_id__in=sorted(supervised))
            for organization_id, divisions in sorted(self.division_organizations.items()):
                if organization_id in supervised or not divisions & supervised:
                    continue
                # Its 所管課 reviews when it has no supervisor besides the one who used the grant.
                own = self.supervisors.get(organization_id, frozenset())
                if not own:
                    condition |= Q(organization_id=organization_id)
                elif len(own) == 1:
                    condition |= Q(organization_id=organization_id, granted_by_id=next(iter(own)))
        return condition & ~Q(granted_by_id=user.pk) & Q(basis=Basis.EMERGENCY)


def _supervisor_memberships(municipality_id: int) -> QuerySet[Membership]:
    """Supervisors who can act today: active accounts with a confirmed supervisor membership in the
    municipality (an unconfirmed one gives nothing, as in ``policy.casework_memberships``)."""
    return Membership.objects.confirmed().filter(
        municipality_id=municipality_id, role=Role.SUPERVISOR, user__is_active=True
    )


def review_arrangement(municipality_id: int) -> ReviewArrangement:
    """The municipality's arrangement, in four queries (organisations, supervisors, the plan and its bodies)."""
    organizations = list(
        Organization.objects.filter(municipality_id=municipality_id).values_list("pk", "name", "kind", "division_id")
    )
    supervisors: dict[int, set[int]] = {}
    for organization_id, user_id in _supervisor_memberships(municipality_id).values_list("organization_id", "user_id"):
        supervisors.setdefault(organization_id, set()).add(user_id)
    plan = emergency_review_plan(municipality_id=municipality_id)
    # A division reviews through the organisation that *is* it: its 町の課, not the centres it runs.
    division_offices: dict[int, set[int]] = {}
    for pk, _name, kind, division_id in organizations:
        if kind == OrganizationKind.TOWN_DIVISION and division_id is not None:
            division_offices.setdefault(division_id, set()).add(pk)
    division_organizations: dict[int, frozenset[int]] = {}
    for pk, _name, _kind, division_id in organizations:
        divisions = set(plan.divisions_of.get(pk, frozenset())) | ({division_id} if division_id else set())
        offices = {office for division in divisions for office in division_offices.get(division, set())}
        if offices:
            division_organizations[pk] = frozenset(offices)
    return ReviewArrangement(
        municipality_id=municipality_id,
        names={pk: name for pk, name, _kind, _division in organizations},
        supervisors={pk: frozenset(users) for pk, users in supervisors.items()},
        division_organizations=division_organizations,
        plan_reviewer_id=plan.reviewer_id,
    )


def _arrangement_for(user: User) -> ReviewArrangement:
    """Once per user object (i.e. once per request), like the user's casework memberships."""
    cached: ReviewArrangement | None = getattr(user, "_review_arrangement", None)
    if cached is None:
        cached = review_arrangement(user.municipality_id)
        user._review_arrangement = cached  # type: ignore[attr-defined]
    return cached


# --- The rule's answers ----------------------------------------------------------------------------------
def emergency_reviewers(grant: AccessGrant) -> list[User]:
    """The users who may review this emergency grant (for the notifications to come, and the tests)."""
    if grant.basis != Basis.EMERGENCY:
        return []
    reviewers = review_arrangement(grant.municipality_id).reviewers(grant.organization_id, grant.granted_by_id)
    return list(User.objects.filter(pk__in=sorted(reviewers)).order_by("pk"))


def reviewing_organization(user: User, grant: AccessGrant) -> Organization | None:
    """The organisation ``user`` reviews this grant for, or None if they may not review it."""
    if grant.basis != Basis.EMERGENCY or grant.municipality_id != user.municipality_id:
        return None
    organization_id = _arrangement_for(user).reviewers(grant.organization_id, grant.granted_by_id).get(user.pk)
    return None if organization_id is None else Organization.objects.get(pk=organization_id)


def may_review(user: User, grant: AccessGrant) -> bool:
    return (
        grant.basis == Basis.EMERGENCY
        and grant.municipality_id == user.municipality_id
        and (user.pk in _arrangement_for(user).reviewers(grant.organization_id, grant.granted_by_id))
    )


def may_review_any(user: User) -> bool:
    """Whether the user is a reviewer at all (the review list's door): a supervisor of the municipality."""
    return any(user.pk in users for users in _arrangement_for(user).supervisors.values())


def unreviewed_emergency_grants(*, municipality_id: int) -> QuerySet[AccessGrant]:
    """Emergency grants of the municipality awaiting review, oldest first (index ``grant_emergency_review``)."""
    return AccessGrant.objects.filter(
        municipality_id=municipality_id, basis=Basis.EMERGENCY, review_status=ReviewStatus.PENDING
    ).order_by("granted_at", "pk")


def grants_to_review_for_user(*, user: User) -> QuerySet[AccessGrant]:
    """The unreviewed emergency grants ``user`` may review, oldest first (one query)."""
    condition = _arrangement_for(user).grant_condition(user)
    return unreviewed_emergency_grants(municipality_id=user.municipality_id).filter(condition)


def overdue_emergency_grants(*, municipality: Municipality | int, now: datetime | None = None) -> QuerySet[AccessGrant]:
    """Grants left unreviewed past the limit at ``now``, oldest first: a read, the same however often a
    scheduled job or a notification asks (nothing is marked; a review takes a grant off the list)."""
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    cutoff = (now or timezone.now()) - review_limit()
    return unreviewed_emergency_grants(municipality_id=municipality_id).filter(granted_at__lte=cutoff)


@dataclass(frozen=True)
class Waiting:
    """One unreviewed grant as the lists show it: its age and whether it is past the limit."""

    grant: AccessGrant
    age_days: int
    due_at: datetime
    overdue: bool
    reviewer_organizations: tuple[str, ...] = ()


def waiting(grants: Iterable[AccessGrant], *, now: datetime | None = None,
            arrangement: ReviewArrangement | None = None) -> list[Waiting]:  # fmt: skip
    """Each grant with its age (whole days since it was opened), its review deadline and the overdue flag;
    with ``arrangement``, the organisations whose supervisors may review it, too."""
    now = now or timezone.now()
    limit = review_limit()
    items = []
    for grant in grants:
        reviewers: tuple[str, ...] = ()
        if arrangement is not None:
            ids = arrangement.reviewer_organization_ids(grant.organization_id, grant.granted_by_id)
            reviewers = tuple(arrangement.names[pk] for pk in ids)
        due_at = grant.granted_at + limit
        items.append(
            Waiting(grant=grant, age_days=max((now - grant.granted_at).days, 0), due_at=due_at,
                    overdue=now >= due_at, reviewer_organizations=reviewers)
        )  # fmt: skip
    return items


@dataclass(frozen=True)
class WaitingCounts:
    waiting: int
    overdue: int


def waiting_counts(grants: QuerySet[AccessGrant], *, now: datetime | None = None) -> WaitingCounts:
    """How many of these unreviewed grants there are, and how many are overdue (one query)."""
    cutoff = (now or timezone.now()) - review_limit()
    counts = grants.order_by().aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(granted_at__lte=cutoff)))
    return WaitingCounts(waiting=counts["waiting"], overdue=counts["overdue"])


def review_read_audit(
    *, user: User, grants: list[AccessGrant], summary: str, request: HttpRequest | None = None
) -> None:
    """Audit what a reviewer read of these grants (the people named, the reasons): one entry per organisation
    they reviewed for, on the emergency basis whose review it is. Nothing shown, nothing written."""
    arrangement = _arrangement_for(user)
    groups: dict[int, list[AccessGrant]] = {}
    for grant in grants:
        organization_id = arrangement.reviewers(grant.organization_id, grant.granted_by_id).get(user.pk)
        if organization_id is not None:  # the callers pass grants the user may review
            groups.setdefault(organization_id, []).append(grant)
    if not groups:
        return
    organizations = Organization.objects.in_bulk(sorted(groups))
    for organization_id, shown in groups.items():
        one = shown[0] if len(shown) == 1 else None
        audit_record(
            user=user, action=Action.READ, organization=organizations[organization_id], obj=one,
            person_id=one.person_id if one else None, summary=f"{summary}（{len(shown)}件）",
            records={"access_grant": [g.pk for g in shown], "person": sorted({g.person_id for g in shown})},
            basis=Basis.EMERGENCY,
            basis_source=f"{REVIEW_SOURCE} grant:{one.pk}" if one else f"{REVIEW_SOURCE}（{len(shown)}件）",
            request=request,
        )  # fmt: skip
