"""Protected (DV) locations: which protections a person's location falls under, derived in this one place.

A person's own protection (``Person.address_protected``, registered by ``address_protected_by``) covers
their address, postal code and district. Members of a household who share the protected person's address
inherit it: nothing is copied onto their records (copies drift); it is derived here on every read, from
the households as they are now. A member ``M`` shares the address of a protected member ``Q`` of a
household ``H`` when

- ``M``'s address is ``Q``'s (the same after width and spacing are ignored), or
- both live together in ``H`` and ``M``'s address is the household's, or none is recorded: with no
  address of their own written down, their postal code and district are the ones to protect.

Who may see a protected location is the access core's rule (``tsunagu.access.policy.location_visible``);
the pages, prints, API, search and audit ask ``location_for`` / ``locations_for`` and nothing else.
Filters that could confirm a guessed location (the inbox's district, duplicates by address) leave out
every person ``possibly_protected`` — any member of a household with a protected member (docs/dv-protection.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from tsunagu.access.policy import AccessDecision, LocationDecision, LocationProtection, decide_location, decisions_for
from tsunagu.core.models import User
from tsunagu.people.models import AddressViewer, HouseholdMember, Person

# The fields that locate a person; a household's own address, postal code and district likewise.
LOCATION_FIELDS = ("postal_code", "address", "district")


def address_key(address: str) -> str:
    """An address with width and spacing ignored, so that one address written twice compares equal."""
    return "".join(unicodedata.normalize("NFKC", address or "").split())


def _shares(member: HouseholdMember, protected: HouseholdMember) -> bool:
    own, theirs = address_key(member.person.address), address_key(protected.person.address)
    if own and own == theirs:
        return True
    together = member.lives_together and protected.lives_together
    return together and own in {"", address_key(member.household.address)}


def _named_viewers(protected: Iterable[Person]) -> dict[int, frozenset[int]]:
    """The staff named for each protected person by their protecting organisation (one query)."""
    by_person = {p.pk: p.address_protected_by_id for p in protected}
    named: dict[int, set[int]] = {pk: set() for pk in by_person}
    if by_person:
        rows = AddressViewer.objects.filter(person_id__in=list(by_person), revoked_at__isnull=True)
        for person_id, user_id, organization_id in rows.values_list("person_id", "user_id", "organization_id"):
            if organization_id == by_person[person_id]:
                named[person_id].add(user_id)
    return {pk: frozenset(users) for pk, users in named.items()}


def protections_of(people: Iterable[Person]) -> dict[int, tuple[LocationProtection, ...]]:
    """For each person, the protections their location falls under: their own and each inherited one.

    At most three queries whatever the number of people (protected co-members, the memberships in their
    households, named staff).
    """
    people = list(people)
    ids = [p.pk for p in people]
    protected_here = HouseholdMember.objects.filter(
        household_id__in=HouseholdMember.objects.filter(person_id__in=ids).values("household_id"),
        person__address_protected=True,
        person__merged_into__isnull=True,
    )
    protected_members = list(protected_here.select_related("household", "person"))
    # Only a membership in a household with a protected member can inherit a protection: the people's other
    # memberships (most of them, in most lists) are not loaded at all.
    memberships = list(
        HouseholdMember.objects.filter(
            person_id__in=ids, household_id__in=protected_here.values("household_id")
        ).select_related("household", "person")
    )
    sources: dict[int, dict[int, Person]] = {p.pk: {p.pk: p} if p.address_protected else {} for p in people}
    for member in memberships:
        for protected in protected_members:
            same_household = protected.household_id == member.household_id and protected.person_id != member.person_id
            if same_household and _shares(member, protected):
                sources[member.person_id][protected.person_id] = protected.person
    named = _named_viewers({q.pk: q for found in sources.values() for q in found.values()}.values())
    return {
        pk: tuple(LocationProtection(q.address_protected_by_id, named[q.pk]) for _, q in sorted(found.items()))
        for pk, found in sources.items()
    }


def locations_for(
    user: User, people: Iterable[Person], decisions: dict[int, AccessDecision] | None = None
) -> dict[int, LocationDecision]:
    """What the user may do with each person's location (decisions from the access core, asked once)."""
    people = list(people)
    decisions = decisions if decisions is not None else decisions_for(user, [p.pk for p in people])
    protections = protections_of(people)
    return {p.pk: decide_location(user, decisions[p.pk], protections[p.pk]) for p in people}


def location_for(user: User, person: Person, decision: AccessDecision) -> LocationDecision:
    return locations_for(user, [person], {person.pk: decision})[person.pk]


def possibly_protected(*, through: str = "") -> Q:
    """A condition on people (or, ``through="person"``, on records that name a person): protected
    themselves, or a member of a household with a protected member.

    Wider than the derivation above, on purpose: a filter that leaves someone out discloses nothing, and a
    search by district or address must never confirm a protected location to anyone.
    """
    prefix = f"{through}__" if through else ""
    shares_household = HouseholdMember.objects.filter(
        household__members__person_id=OuterRef(f"{through}_id" if through else "pk"), person__address_protected=True
    )
    return Q(**{f"{prefix}address_protected": True}) | Q(Exists(shares_household))
