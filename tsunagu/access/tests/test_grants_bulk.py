"""Grants in bulk, as the register import and the demo town give them: the rules of ``grant_create`` for
every grant, all or nothing, and one audit entry for the call."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.access.services import AccessError, GrantInput, grant_create, grants_create_bulk
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

RINKUSU, ANSHIN = "相談支援センターサポートりんくす", "福祉あんしん課"


def organization(name: str) -> Organization:
    return Organization.objects.get(name=name)


def test_bulk_grants_have_the_shape_grant_create_gives_and_one_audit_entry(personas):
    people = [register(personas.caseworker_a, resident_number=f"00000{n}") for n in range(3)]
    entries = AuditEntry.objects.count()
    single = grant_create(
        organization=organization(RINKUSU), person=people[0], basis=Basis.OWN_RECORD, source="registration",
        granted_by=personas.coordinator,
    )  # fmt: skip
    assert AuditEntry.objects.count() == entries + 1  # grant_create: one entry per grant

    created = grants_create_bulk(
        grants=[GrantInput(organization=organization(ANSHIN), person=p, basis=Basis.OWN_RECORD, source="registration")
                for p in people],
        granted_by=personas.coordinator,
    )  # fmt: skip

    assert [g.person_id for g in created] == [p.pk for p in people]  # in the order given, with their ids
    for grant in AccessGrant.objects.filter(pk__in=[g.pk for g in created]):
        for name in ("municipality_id", "basis", "source", "granted_by_id", "consent_id", "reason", "valid_until"):
            assert getattr(grant, name) == getattr(single, name), name
        assert grant.organization == organization(ANSHIN)
    assert AuditEntry.objects.count() == entries + 2
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.user, entry.organization) == (Action.GRANT, personas.coordinator, organization(ANSHIN))
    assert (entry.basis, entry.basis_source) == (Basis.OWN_RECORD, "registration")
    assert entry.summary == "閲覧権限を一括付与（3件）"
    assert entry.changes == {"grants": 3, "by_organization_and_basis": [[ANSHIN, "own_record", 3]]}


def test_a_grant_written_after_the_fact_takes_effect_when_it_was_given_by_whom_it_names(personas):
    person = register(personas.caseworker_a)
    then = timezone.now() - timedelta(days=200)
    (grant,) = grants_create_bulk(
        grants=[GrantInput(organization=organization(RINKUSU), person=person, basis=Basis.CONSENT, source="consent:9",
                           reason="支援のため", granted_by=personas.caseworker_b, granted_at=then)],
        granted_by=personas.coordinator,
    )  # fmt: skip
    grant.refresh_from_db()
    assert (grant.granted_at, grant.valid_from, grant.granted_by) == (then, then, personas.caseworker_b)
    assert AccessGrant.objects.active().filter(pk=grant.pk).exists()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("other_town", "他の自治体の機関に閲覧権限を付与することはできません。（該当2件。何も付与していません）"),
        ("emergency", "緊急時の閲覧権限は一件ずつ、理由と期限を付けて申請してください。"),
        ("no_basis", "閲覧権限の法的根拠「shared」は定められていません。"),
    ],
)
def test_one_refused_grant_refuses_them_all_and_writes_nothing(personas, bad, message):
    people = [register(personas.caseworker_a, resident_number=f"00000{n}") for n in range(3)]
    other_town = personas.stranger.memberships.get().organization
    grants = [GrantInput(organization=organization(RINKUSU), person=p, basis=Basis.CONSENT, source="x") for p in people]
    if bad == "other_town":
        grants[1:] = [
            GrantInput(organization=other_town, person=p, basis=Basis.CONSENT, source="x") for p in people[1:]
        ]
    elif bad == "emergency":
        grants[2] = GrantInput(organization=organization(RINKUSU), person=people[2], basis=Basis.EMERGENCY, source="x")
    else:
        grants[0] = GrantInput(organization=organization(RINKUSU), person=people[0], basis="shared", source="x")  # type: ignore[arg-type]
    before = (AccessGrant.objects.count(), AuditEntry.objects.count())

    with pytest.raises(AccessError) as refused:
        grants_create_bulk(grants=grants, granted_by=personas.coordinator)

    assert refused.value.messages == [message]
    assert (AccessGrant.objects.count(), AuditEntry.objects.count()) == before
    assert not AccessGrant.objects.filter(organization=organization(RINKUSU)).exists()


def test_grant_create_refuses_a_basis_that_is_not_one_too(personas):
    person = register(personas.caseworker_a)
    with pytest.raises(AccessError):
        grant_create(organization=organization(RINKUSU), person=person, basis="shared", source="x", granted_by=None)  # type: ignore[arg-type]
    assert not AccessGrant.objects.filter(organization=organization(RINKUSU)).exists()


def test_nothing_to_grant_writes_nothing(personas):
    entries = AuditEntry.objects.count()
    assert grants_create_bulk(grants=[], granted_by=personas.coordinator) == []
    assert AuditEntry.objects.count() == entries
