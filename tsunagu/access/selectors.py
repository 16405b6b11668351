"""Reads of the access core's own records: consents, grants and emergency reviews, by person id.

People and households themselves are read through ``tsunagu.people.selectors``: the access core is
generic over person ids and imports no app above it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tsunagu.access.models import AccessGrant, Basis, Consent, ReviewStatus
from tsunagu.access.policy import AccessDecision, casework_memberships, decide
from tsunagu.core.models import Role, User


def consents_of_person(*, person_id: int) -> QuerySet[Consent]:
    """Consent records of a person the caller has already fetched through the people selectors."""
    return (
        Consent.objects.filter(person_id=person_id)
        .select_related("taken_by", "taken_by_organization", "withdrawn_recorded_by")
        .prefetch_related("organizations")
    )


def grants_of_person(*, person_id: int) -> QuerySet[AccessGrant]:
    """Every grant on a person (active or not), for the access history shown to the registering agency."""
    return AccessGrant.objects.filter(person_id=person_id).select_related("organization", "granted_by", "consent")


def emergency_grants_to_review(*, user: User) -> QuerySet[AccessGrant]:
    """Emergency grants of the supervisor's organisations awaiting review."""
    organization_ids = [m.organization_id for m in casework_memberships(user) if m.role == Role.SUPERVISOR]
    return (
        AccessGrant.objects.filter(
            municipality_id=user.municipality_id,
            basis=Basis.EMERGENCY,
            organization_id__in=organization_ids,
        )
        .filter(review_status=ReviewStatus.PENDING)
        .select_related("organization", "granted_by", "person")
    )


def decide_for_user(*, user: User, person_id: int) -> AccessDecision:
    """Whether (and why) the user may see a person, without reading or auditing the record."""
    return decide(user, person_id)


def is_supervisor(*, user: User) -> bool:
    return any(m.role == Role.SUPERVISOR for m in casework_memberships(user))


def consent_in_municipality(*, user: User, pk: int) -> Consent:
    """A consent of the user's municipality (404 otherwise). Not a read of the person: the caller checks
    access to ``consent.person_id`` through the people selectors before showing or changing it."""
    consent = Consent.objects.filter(pk=pk, municipality_id=user.municipality_id).first()
    if consent is None:
        raise Http404
    return consent
