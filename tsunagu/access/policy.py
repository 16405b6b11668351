"""The access rule, in one place (DESIGN §4, STYLE habit 1).

A member of staff sees a person when an organisation they work for **in a casework role** (相談員,
多機関協働コーディネーター, 監督者) holds an active grant on that person. Administrators and auditors
see no personal data through their own role: an administrator who also works a case needs a casework
membership as well. Everything else — pages, API, search, exports — asks this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.core.models import Membership, Role, User

CASEWORK_ROLES = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR})

# When several grants let a user in, the audit entry names the strongest: the organisation's own
# record first, an emergency last.
BASIS_PRIORITY = [Basis.OWN_RECORD, Basis.CONSENT, Basis.ART106_6, Basis.OTHER_STATUTE, Basis.EMERGENCY]

# Grants through which another agency's *case records* (consultations, progress notes) about a person may
# be read. An agency's own registration of the same person (own_record) opens its own records only: the
# town division that holds the resident register does not thereby read every agency's casework.
SHARING_BASES = frozenset({Basis.CONSENT, Basis.ART106_6, Basis.OTHER_STATUTE, Basis.EMERGENCY})

# Grants through which a record may be changed, not only read. A meeting or an emergency lets an
# agency read what it needs; the record stays the registering agency's (and consenting agencies').
EDITING_BASES = frozenset({Basis.OWN_RECORD, Basis.CONSENT})


def casework_memberships(user: User) -> list[Membership]:
    """The user's casework memberships, computed once per user object (i.e. once per request)."""
    cached: list[Membership] | None = getattr(user, "_casework_memberships", None)
    if cached is None:
        cached = [
            m
            for m in Membership.objects.filter(user=user, municipality_id=user.municipality_id).select_related(
                "organization"
            )
            if m.role in CASEWORK_ROLES
        ]
        user._casework_memberships = cached  # type: ignore[attr-defined]
    return cached


def casework_organization_ids(user: User) -> list[int]:
    return sorted({m.organization_id for m in casework_memberships(user)})


def active_grants_for_user(user: User) -> QuerySet[AccessGrant]:
    """Every active grant held by the organisations the user does casework for."""
    return AccessGrant.objects.active().filter(
        municipality_id=user.municipality_id, organization_id__in=casework_organization_ids(user)
    )


def visible_person(user: User, person_field: str = "pk") -> Exists:
    """A condition on a person (``person_field`` is the person's id column): the user may see them."""
    return Exists(
        AccessGrant.objects.active().filter(
            person_id=OuterRef(person_field), organization_id__in=casework_organization_ids(user)
        )
    )


@dataclass(frozen=True)
class AccessDecision:
    """Why a user may see a person: the grants that let them in, strongest first."""

    grants: tuple[AccessGrant, ...]

    @property
    def allowed(self) -> bool:
        return bool(self.grants)

    @property
    def strongest(self) -> AccessGrant:
        return self.grants[0]

    @property
    def may_edit(self) -> bool:
        return any(g.basis in EDITING_BASES for g in self.grants)

    @property
    def may_see_protected_address(self) -> bool:
        # A protected (DV) address stays with the agency that registered the person.
        return any(g.basis == Basis.OWN_RECORD for g in self.grants)


def _strongest_first(grants: list[AccessGrant]) -> AccessDecision:
    ordered = sorted(grants, key=lambda g: (BASIS_PRIORITY.index(Basis(g.basis)), -g.granted_at.timestamp()))
    return AccessDecision(grants=tuple(ordered))


def decide(user: User, person_id: int) -> AccessDecision:
    grants = active_grants_for_user(user).filter(person_id=person_id)
    return _strongest_first(list(grants.select_related("organization", "consent", "granted_by")))


def decisions_for(user: User, person_ids: list[int]) -> dict[int, AccessDecision]:
    """Access decisions for many people in one query (household pages, lists)."""
    by_person: dict[int, list[AccessGrant]] = {pid: [] for pid in person_ids}
    for grant in active_grants_for_user(user).filter(person_id__in=person_ids).select_related("organization"):
        by_person[grant.person_id].append(grant)
    return {pid: _strongest_first(grants) for pid, grants in by_person.items()}


def case_record_visible(user: User, *, organization_field: str = "organization", person_field: str = "person") -> Q:
    """A condition on a case record (consultation, referral, note): the user may read it.

    Their own organisation's records, and other organisations' records about a person on whom one of
    their organisations holds a sharing grant (consent, 支援会議, emergency).
    """
    organization_ids = casework_organization_ids(user)
    shared = AccessGrant.objects.active().filter(
        person_id=OuterRef(f"{person_field}_id"), organization_id__in=organization_ids, basis__in=SHARING_BASES
    )
    return Q(**{f"{organization_field}_id__in": organization_ids}) | Q(Exists(shared))
