"""Reads of the access core's own records: consents, grants and emergency reviews, by person id.

People and households themselves are read through ``tsunagu.people.selectors``: the access core is
generic over person ids and imports no app above it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tsunagu.access import reviews
from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.access.policy import AccessDecision, casework_memberships, decide, grounds_of
from tsunagu.audit.models import AuditEntry
from tsunagu.audit.selectors import is_auditor
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
    """Emergency grants awaiting the user's review, oldest first (who reviews what: ``reviews``).

    With the person, whose name the reviewer reads to judge the need: the caller audits it as a review's read.
    """
    return reviews.grants_to_review_for_user(user=user).select_related("organization", "granted_by", "person")


def emergency_grant_to_review(*, user: User, pk: int) -> AccessGrant:
    """One emergency grant the user may review, reviewed or not (the page shows the decision); 404 otherwise."""
    grant = (
        AccessGrant.objects.filter(pk=pk, municipality_id=user.municipality_id, basis=Basis.EMERGENCY)
        .select_related("organization", "granted_by", "person", "reviewed_by")
        .first()
    )
    if grant is None or not reviews.may_review(user, grant):
        raise Http404
    return grant


def emergency_grants_unreviewed_for_auditor(*, user: User) -> QuerySet[AccessGrant]:
    """Every unreviewed emergency grant of the auditor's municipality, oldest first, without the person:
    the auditor checks that reviews happen, not whom they concern. 404 for anyone who is not an auditor."""
    if not is_auditor(user):
        raise Http404
    return reviews.unreviewed_emergency_grants(municipality_id=user.municipality_id).select_related(
        "organization", "granted_by"
    )


# What a reviewer reads of the audit log under a grant: enough to judge what the access was used for.
GRANT_READS_SHOWN = 200


def emergency_grant_reads(*, grant: AccessGrant) -> QuerySet[AuditEntry]:
    """The audit entries written on the grant's authority (reads, searches, prints), oldest first.

    For the reviewer of ``grant``, who the caller has checked. Entries name the grant as their source
    (``emergency grant:N``), alone or among the sources of a list; they lie between its opening and its end,
    which keeps the scan on the log's time index short (a grant lasts at most 72 hours).
    """
    source = grounds_of(grant).source
    until = min(t for t in (grant.valid_until, grant.revoked_at, timezone.now()) if t is not None)
    return (
        AuditEntry.objects.filter(
            municipality_id=grant.municipality_id, created_at__gte=grant.granted_at, created_at__lte=until,
            basis=Basis.EMERGENCY,
        )
        .filter(Q(basis_source=source) | Q(records__sources__has_key=source))
        .order_by("created_at", "id")
    )  # fmt: skip


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
