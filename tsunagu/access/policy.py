"""The access rule, in one place (DESIGN §4, STYLE habit 1).

A member of staff sees a person when an organisation they work for **in a casework role** (相談員,
多機関協働コーディネーター, 監督者) holds an active grant on that person. Administrators and auditors
see no personal data through their own role: an administrator who also works a case needs a casework
membership as well. Everything else — pages, API, search, exports — asks this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.core.models import CASEWORK_ROLES, Membership, Organization, User

# When several grants let a user in, the audit entry names the strongest: the organisation's own
# record first, an emergency last.
BASIS_PRIORITY = [Basis.OWN_RECORD, Basis.CONSENT, Basis.ART106_6, Basis.OTHER_STATUTE, Basis.EMERGENCY]

# Grants through which another agency's *case records* (consultations, progress notes) about a person may
# be read. An agency's own registration of the same person (own_record) opens its own records only: the
# town division that holds the resident register does not thereby read every agency's casework.
SHARING_BASES = frozenset({Basis.CONSENT, Basis.ART106_6, Basis.OTHER_STATUTE, Basis.EMERGENCY})

# Grants on which an organisation may be given a standing part about the person — a role in a 支援プラン,
# a place among a case's participating organisations. An emergency opens a record for hours, to protect
# life; it is no ground to enlist the organisation in months of sharing the person did not agree to.
STANDING_BASES = SHARING_BASES - {Basis.EMERGENCY}

# Grants through which a record may be changed, not only read. A meeting or an emergency lets an
# agency read what it needs; the record stays the registering agency's (and consenting agencies').
EDITING_BASES = frozenset({Basis.OWN_RECORD, Basis.CONSENT})


def casework_memberships(user: User) -> list[Membership]:
    """The user's casework memberships in effect, computed once per user object (i.e. once per request).

    The one place a membership becomes access to personal data: one still waiting for a supervisor's
    confirmation (``confirmed_at`` empty, docs/accounts.md) gives nothing.
    """
    cached: list[Membership] | None = getattr(user, "_casework_memberships", None)
    if cached is None:
        cached = [
            m
            for m in Membership.objects.confirmed()
            .filter(user=user, municipality_id=user.municipality_id)
            .select_related("organization")
            if m.role in CASEWORK_ROLES
        ]
        user._casework_memberships = cached  # type: ignore[attr-defined]
    return cached


def acting_organizations(user: User) -> list[Organization]:
    """The organisations the user does casework for, in a stable order (the first is the default)."""
    seen: dict[int, Organization] = {}
    for membership in casework_memberships(user):
        seen.setdefault(membership.organization_id, membership.organization)
    return [seen[pk] for pk in sorted(seen)]


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
    def grounds(self) -> Grounds:
        return grounds_of(self.strongest)

    @property
    def holds_own_record(self) -> bool:
        """One of the user's organisations holds the person as its own record (配慮事項, the access history).

        Not the rule for a protected (DV) location: that is ``location_visible`` below."""
        return any(g.basis == Basis.OWN_RECORD for g in self.grants)


@dataclass(frozen=True)
class LocationProtection:
    """One protection over a person's location (DV, stalking): the organisation that registered it and the
    staff it named. A person's location may fall under several: their own, and those of protected members
    of a household whose address they share (derived by ``tsunagu.people.protection``)."""

    protected_by_id: int | None
    named_user_ids: frozenset[int] = frozenset()


def _protector_grants(decision: AccessDecision, protection: LocationProtection) -> list[AccessGrant]:
    return [g for g in decision.grants if g.organization_id == protection.protected_by_id]


def location_visible(user: User, decision: AccessDecision, protections: Iterable[LocationProtection]) -> bool:
    """May this user see this person's location (address, postal code, district, the household's address)?

    Unprotected: whoever may see the person. Protected: only a casework member of the protecting
    organisation while that organisation still holds a grant on the person (the decision's grants are the
    user's casework organisations' active ones), or a member of staff it named — and under every protection
    the location falls under. An own-record grant of any other agency is not enough: the promise is the
    *protecting* agency's. A protection with no protector is shown to nobody (protect when in doubt).
    """
    if not decision.allowed:
        return False
    for protection in protections:
        if protection.protected_by_id is None:
            return False
        if not _protector_grants(decision, protection) and user.pk not in protection.named_user_ids:
            return False
    return True


def location_changeable(decision: AccessDecision, protections: Iterable[LocationProtection]) -> bool:
    """May this user change the location and the protection itself? The protecting organisation only (on an
    editing basis); named staff see, they do not change. Unprotected: whoever may edit the person — the
    first to protect becomes the protector."""
    if not decision.may_edit:
        return False
    return all(
        any(g.basis in EDITING_BASES for g in _protector_grants(decision, protection)) for protection in protections
    )


@dataclass(frozen=True)
class LocationDecision:
    """What a user may do with one person's location: the answer of ``location_visible`` and
    ``location_changeable`` over the protections it falls under (none: an ordinary address)."""

    protections: tuple[LocationProtection, ...]
    visible: bool
    changeable: bool

    @property
    def protected(self) -> bool:
        return bool(self.protections)

    @property
    def hidden(self) -> bool:
        return not self.visible


def decide_location(
    user: User, decision: AccessDecision, protections: Iterable[LocationProtection]
) -> LocationDecision:
    found = tuple(protections)
    return LocationDecision(
        protections=found,
        visible=location_visible(user, decision, found),
        changeable=location_changeable(decision, found),
    )


@dataclass(frozen=True)
class Grounds:
    """What let a user in: the organisation they acted for, the legal basis, and its source.

    The source names the record the basis rests on — the consent, the 支援会議, the emergency grant, the
    referral — so the audit log can answer "on what authority" for every read (DESIGN §4).
    """

    organization: Organization
    basis: Basis
    source: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.organization.pk, self.basis, self.source)


def grounds_of(grant: AccessGrant) -> Grounds:
    # A grant's source says where it came from ("consent:12", "registration", "emergency"); the grant's
    # own id is added so that an emergency or a registration is named as exactly as a consent.
    return Grounds(organization=grant.organization, basis=Basis(grant.basis), source=f"{grant.source} grant:{grant.pk}")


def own_record_grounds(organization: Organization, record_label: str) -> Grounds:
    """The holding organisation reads its own case record: the basis is the record itself."""
    return Grounds(organization=organization, basis=Basis.OWN_RECORD, source=record_label)


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


def consent_covers(consent: Consent, organization_id: int) -> bool:
    """Whether an organisation may rely on a consent: it took it, or the consent names it.

    A consent given to 子育て応援課 does not let another agency record "with consent" or share on it.
    Uses the consent's prefetched organisations when there are some (``consents_of_person``).
    """
    if consent.withdrawn_on is not None:
        return False
    if consent.taken_by_organization_id == organization_id:
        return True
    return any(o.pk == organization_id for o in consent.organizations.all())


def consent_document_grounds(decision: AccessDecision, consent: Consent) -> Grounds | None:
    """On what grounds the user may open a consent's scanned form (None: they may not).

    The form is the person's signature over their name, often their address: more than the consent's
    row that every reader of the person sees. It is opened by staff of the organisation that took the
    consent, and of those it names while it stands, each through a grant that organisation holds on the
    person (any basis: the decision's grants are the user's active ones). A withdrawn consent's form stays
    with the taker, who must be able to show what was agreed. Whether a protected location shows on the
    form is the caller's to decide (``people.selectors.consent_document_get_for_user``).
    """
    organization_ids = {consent.taken_by_organization_id}
    if consent.withdrawn_on is None:
        organization_ids |= {o.pk for o in consent.organizations.all()}
    grant = next((g for g in decision.grants if g.organization_id in organization_ids), None)
    return grounds_of(grant) if grant is not None else None


def sharing_grants_for(user: User, person_ids: Iterable[int]) -> dict[int, Grounds]:
    """For each person, the strongest *sharing* grant the user's organisations hold (one query).

    What lets the user read another agency's case records about that person (``case_record_visible``).
    """
    by_person: dict[int, list[AccessGrant]] = {}
    grants = (
        active_grants_for_user(user)
        .filter(person_id__in=sorted(set(person_ids)), basis__in=SHARING_BASES)
        .select_related("organization")
    )
    for grant in grants:
        by_person.setdefault(grant.person_id, []).append(grant)
    return {pid: grounds_of(_strongest_first(found).strongest) for pid, found in by_person.items()}


def case_record_visible(user: User, *, organization_field: str = "organization", person_field: str = "person") -> Q:
    """A condition on a case record (consultation, referral, note): the user may read it.

    Their own organisation's records while that organisation still has access to the person (on any basis:
    when its emergency grant expires or the consent it relied on is withdrawn, its records about the person
    close with it — the person is protected, not the record), and other organisations' records about a
    person on whom one of their organisations holds a sharing grant (consent, 支援会議, emergency).
    Records about no one in particular (a household-level note) stay with their organisation.
    """
    organization_ids = casework_organization_ids(user)
    person_id = OuterRef(f"{person_field}_id")
    holder_still_has_access = AccessGrant.objects.active().filter(
        person_id=person_id, organization_id=OuterRef(f"{organization_field}_id")
    )
    shared = AccessGrant.objects.active().filter(
        person_id=person_id, organization_id__in=organization_ids, basis__in=SHARING_BASES
    )
    own = Q(**{f"{organization_field}_id__in": organization_ids}) & (
        Q(**{f"{person_field}__isnull": True}) | Q(Exists(holder_still_has_access))
    )
    return own | Q(Exists(shared))


def organizations_sharing_on(person_id: int, organization_ids: Iterable[int]) -> set[int]:
    """Which of these organisations hold an active standing grant (consent, 支援会議, another statute's
    meeting — not an emergency) on the person.

    Who may take part in a case about them — a 多機関協働 case's participating organisations, a plan's
    roles: only an organisation the person's consent (or a 支援会議) reaches reads the case, so only such
    an organisation is given a part in it (one query).
    """
    return set(
        AccessGrant.objects.active()
        .filter(person_id=person_id, organization_id__in=sorted(set(organization_ids)), basis__in=STANDING_BASES)
        .values_list("organization_id", flat=True)
    )


def holds_standing_ground(person_id: int, organization_id: int) -> bool:
    """Whether the organisation holds the person on its own record or a standing grant (consent, 支援会議,
    another statute's meeting): what a record kept for months about the person needs — a 参加支援, a place's
    participant. An emergency's hours, to protect life, do not enlist the organisation (one query)."""
    return (
        AccessGrant.objects.active()
        .filter(person_id=person_id, organization_id=organization_id, basis__in=STANDING_BASES | {Basis.OWN_RECORD})
        .exists()
    )


def casework_user(request: Any) -> User:
    """The signed-in user of a page or API request, if they do casework somewhere; 404 for everyone else
    (administrators, auditors), as every page about a person answers."""
    user: User = request.user
    if not casework_organization_ids(user):
        raise Http404
    return user
