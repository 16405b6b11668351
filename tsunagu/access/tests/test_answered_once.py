"""A consent is withdrawn once and an emergency access reviewed once: the same step taken again from a page
opened before the first (its row moved on meanwhile) is refused and writes nothing. Sequential, so it runs
on SQLite and PostgreSQL; the simultaneous steps on real connections are in ``test_answered_once_races.py``."""

from datetime import date

import pytest
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Consent, ConsentMethod, ReviewStatus
from tsunagu.access.services import (
    AccessError,
    ConsentInput,
    consent_record,
    consent_withdraw,
    emergency_access_request,
    emergency_access_review,
)
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.models import Person
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def consent_to_b_and_anshin(user: User, person: Person) -> Consent:
    return consent_record(user=user, person=person, data=ConsentInput(
        purpose="多機関での支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=date(2025, 6, 1),
        organizations=list(Organization.objects.filter(name__in=["相談支援センターサポートりんくす", "福祉あんしん課"])),
    ))  # fmt: skip


def second_supervisor() -> User:
    """Another 監督者 of 福祉あんしん課, so that two may review the same emergency access."""
    anshin = Organization.objects.get(name="福祉あんしん課")
    return user_create(municipality=anshin.municipality, username="super2", password="correct-horse-battery",
                       display_name="super2", memberships=[(anshin, Role.SUPERVISOR)])  # fmt: skip


def entries(obj, action: Action = Action.UPDATE) -> int:
    return AuditEntry.objects.filter(action=action, model=obj._meta.label_lower, object_id=obj.pk).count()


def test_a_second_withdrawal_from_an_old_page_is_refused(personas):
    person = register(personas.caseworker_a)
    consent = consent_to_b_and_anshin(personas.caseworker_a, person)
    stale = Consent.objects.get(pk=consent.pk)
    today = timezone.localdate()
    consent_withdraw(user=personas.colleague_a, consent=consent, withdrawn_on=today, note="電話で申出")

    with pytest.raises(AccessError) as refused:
        consent_withdraw(user=personas.caseworker_a, consent=stale, withdrawn_on=today, note="窓口で申出")

    assert refused.value.messages == [f"この同意はすでに撤回されています（{to_wareki(today)}撤回、cw_a2が記録）。"]
    stored = Consent.objects.get(pk=consent.pk)
    assert (stored.withdrawn_recorded_by, stored.withdrawal_note) == (personas.colleague_a, "電話で申出")
    assert entries(consent) == 1
    revoked = AccessGrant.objects.filter(consent=consent)
    assert [g.revoked_by for g in revoked] == [personas.colleague_a] * 2
    assert sum(entries(g, Action.REVOKE) for g in revoked) == 2


def test_a_second_review_of_an_emergency_access_from_an_old_page_is_refused(personas):
    person = register(personas.caseworker_a)
    grant = emergency_access_request(
        user=personas.coordinator, person=person, reason="家族から自傷の恐れがあると連絡", hours=24
    )
    stale = AccessGrant.objects.get(pk=grant.pk)
    emergency_access_review(user=personas.supervisor, grant=grant, approve=True, note="")

    with pytest.raises(AccessError) as refused:
        emergency_access_review(user=second_supervisor(), grant=stale, approve=False, note="緊急性が認められない")

    assert refused.value.messages == ["この緊急閲覧はすでに確認済みです（妥当と確認、super）。"]
    stored = AccessGrant.objects.get(pk=grant.pk)
    assert (stored.review_status, stored.reviewed_by, stored.revoked_at) == (
        ReviewStatus.APPROVED, personas.supervisor, None,
    )  # fmt: skip
    assert (entries(grant), entries(grant, Action.REVOKE)) == (1, 0)
