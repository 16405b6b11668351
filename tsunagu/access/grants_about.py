"""The access rule for records about a known set of people, from their grants read once.

``case_record_visible`` (``policy``) is a condition with two subqueries per record kind; a page about one
person or household (the timeline, the person's panels, the consultation's notes) asks it for sixteen
kinds. Here the same rule is built from one read of the people's active grants: the same records, one
query instead of a subquery per kind and row (``tests/test_grants_about.py`` compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from tsunagu.access.models import AccessGrant
from tsunagu.access.policy import SHARING_BASES, casework_organization_ids
from tsunagu.core.models import User


@dataclass(frozen=True)
class GrantsAbout:
    """The active grants on a known set of people, read once (``grants_about``): who holds any grant on each,
    and on whom the user's organisations hold a sharing grant. ``case_record_visible_about`` turns them into
    the same condition as ``case_record_visible`` without its two subqueries per record kind."""

    person_ids: frozenset[int]
    organization_ids: tuple[int, ...]  # the user's casework organisations
    shared: frozenset[int]
    holders: dict[int, frozenset[int]]


def grants_about(user: User, person_ids: Iterable[int]) -> GrantsAbout:
    """One query: the active grants on these people (a timeline's, a person page's)."""
    people = frozenset(person_ids)
    organization_ids = tuple(casework_organization_ids(user))
    holders: dict[int, set[int]] = {}
    shared: set[int] = set()
    rows = AccessGrant.objects.active().filter(person_id__in=sorted(people))
    for person_id, organization_id, basis in rows.values_list("person_id", "organization_id", "basis"):
        holders.setdefault(person_id, set()).add(organization_id)
        if organization_id in organization_ids and basis in SHARING_BASES:
            shared.add(person_id)
    return GrantsAbout(
        people, organization_ids, frozenset(shared), {pid: frozenset(orgs) for pid, orgs in holders.items()}
    )


def case_record_visible_about(
    grants: GrantsAbout, *, organization_field: str = "organization", person_field: str = "person"
) -> Q:
    """``case_record_visible`` for records about ``grants.person_ids`` or about no one: exact for those rows,
    and false for a record about anyone else (a caller filters to the people first). Built from grants read
    in the same request, so it is the rule at that moment, as each of the subqueries would be."""
    org = f"{organization_field}_id__in"
    condition = Q(**{f"{person_field}__isnull": True, org: grants.organization_ids})
    if grants.shared:
        condition |= Q(**{f"{person_field}_id__in": sorted(grants.shared)})
    for person_id in sorted(grants.person_ids - grants.shared):
        # Own records while the holder still has access to the person.
        own = sorted(set(grants.organization_ids) & grants.holders.get(person_id, frozenset()))
        if own:
            condition |= Q(**{f"{person_field}_id": person_id, org: own})
    return condition
