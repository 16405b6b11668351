"""Who works in 地域づくり: the staff of the organisations that run a 地域づくり事業 of the plan in force
(its implementing bodies, or the town's own bodies for a programme it runs itself:
``consultations.destinations.program_organizations``) and of each programme's 所管課.

They read the places, sessions, counts, partners and the coordinator's log of their municipality; staff of
a programme's organisations write that programme's places and sessions. Everyone else — other agencies,
administrators and auditors by role, other towns — is answered 404, as for a record out of scope.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tsunagu.access.policy import casework_memberships
from tsunagu.consultations.destinations import RUN_DIRECTLY, TOWN_KINDS
from tsunagu.core.models import Municipality, Organization, OrganizationKind, User
from tsunagu.plans.models import Category, Program
from tsunagu.plans.selectors import plan_current_for_municipality


def community_programs(municipality_id: int) -> QuerySet[Program]:
    """The 地域づくり事業 of the plan in force, in the plan's order."""
    plan = plan_current_for_municipality(municipality=Municipality(pk=municipality_id))
    if plan is None:
        return Program.objects.none()
    return plan.programs.filter(category=Category.COMMUNITY).select_related("responsible_division").order_by("order")


def _staff_by_program(municipality_id: int) -> dict[int, set[int]]:
    """Programme id → the organisations whose staff write its places and sessions: those that run it
    (``program_organizations``' rule: its implementing bodies; the town's own bodies under its 所管課 when it
    runs it directly or names no body) and its 所管課. Three queries for the whole plan."""
    programs = list(community_programs(municipality_id).prefetch_related("implementing_body_links"))
    town_bodies = Organization.objects.filter(
        municipality_id=municipality_id, division_id__in={p.responsible_division_id for p in programs},
        kind__in=TOWN_KINDS,
    ).values_list("pk", "division_id", "kind")  # fmt: skip
    by_division: dict[int, list[tuple[int, str]]] = {}
    for pk, division_id, kind in town_bodies:
        by_division.setdefault(division_id, []).append((pk, kind))
    result: dict[int, set[int]] = {}
    for program in programs:
        bodies = {link.organization_id for link in program.implementing_body_links.all()}
        by_the_town = program.operating_form in RUN_DIRECTLY or not bodies
        town = by_division.get(program.responsible_division_id, [])
        result[program.pk] = bodies | {pk for pk, kind in town if by_the_town or kind == OrganizationKind.TOWN_DIVISION}
    return result


def program_staff_organization_ids(program: Program) -> set[int]:
    """The organisations whose staff write a programme's places and sessions: those that run it, and its 所管課."""
    return _staff_by_program(program.municipality_id).get(program.pk, set())


def community_organization_ids(municipality_id: int) -> set[int]:
    return set().union(*_staff_by_program(municipality_id).values())


def community_memberships(user: User) -> list[Organization]:
    """The user's own organisations that work in 地域づくり (first casework membership first)."""
    cached: list[Organization] | None = getattr(user, "_community_organizations", None)
    if cached is not None:
        return cached
    memberships = casework_memberships(user)
    ids = community_organization_ids(user.municipality_id) if memberships else set()
    found = [m.organization for m in memberships if m.organization_id in ids]
    # Kept on the user object: one request asks several times (the page's selectors, the write's check).
    user._community_organizations = found  # type: ignore[attr-defined]
    return found


def community_user(user: User) -> User:
    """The user, if they are community staff; 404 otherwise (pages and API alike)."""
    if not community_memberships(user):
        raise Http404
    return user


def writing_organization(user: User, program: Program) -> Organization | None:
    """The user's organisation that may write for ``program``, if any."""
    allowed = program_staff_organization_ids(program)
    return next((o for o in community_memberships(user) if o.pk in allowed), None)


def not_program_staff_message(program: Program) -> str:
    return _("「%(program)s」の記録は、その事業を実施する機関と所管課の職員だけが書けます。") % {
        "program": program.name
    }
