"""Two withdrawals of one consent, and two reviews of one emergency access, at the same moment on real
concurrent connections (PostgreSQL): exactly one happens, the other is refused and leaves nothing behind."""

import pytest
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Consent, ReviewStatus
from tsunagu.access.services import AccessError, consent_withdraw, emergency_access_request, emergency_access_review
from tsunagu.access.tests.test_answered_once import consent_to_b_and_anshin, entries, second_supervisor
from tsunagu.audit.models import Action
from tsunagu.core.models import User
from tsunagu.core.tests.concurrency import POSTGRES_ONLY, together
from tsunagu.people.tests.helpers import register

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]

ROUNDS = 20


def withdrawing(user_pk: int, consent_pk: int):
    def act(ready):
        user, consent = User.objects.get(pk=user_pk), Consent.objects.get(pk=consent_pk)
        ready()
        return consent_withdraw(user=user, consent=consent, withdrawn_on=timezone.localdate(), note=f"by {user_pk}")

    return act


def test_two_withdrawals_of_one_consent_at_once_record_it_once(personas):
    person = register(personas.caseworker_a)
    withdrawn = double = none = wrong = 0
    for _ in range(ROUNDS):
        consent = consent_to_b_and_anshin(personas.caseworker_a, person)
        outcomes = together(
            withdrawing(personas.caseworker_a.pk, consent.pk), withdrawing(personas.colleague_a.pk, consent.pk)
        )
        errors = [o.error for o in outcomes if o.error is not None]
        assert all(isinstance(e, AccessError) and "この同意はすでに撤回されています" in e.messages[0] for e in errors)
        winners = len(outcomes) - len(errors)
        withdrawn += winners == 1
        double += winners == 2
        none += winners == 0
        grants = list(AccessGrant.objects.filter(consent=consent))
        # One withdrawal entry; each of the consent's two grants revoked once, by the winner.
        wrong += (
            entries(consent) != 1
            or sum(entries(g, Action.REVOKE) for g in grants) != len(grants)
            or any(g.revoked_by_id != Consent.objects.get(pk=consent.pk).withdrawn_recorded_by_id for g in grants)
        )
    print(
        f"\nconsent withdrawal race (PostgreSQL): {ROUNDS} rounds, {2 * ROUNDS} withdrawals attempted, "
        f"{withdrawn} rounds with one withdrawal, {double} double winners, {none} rounds without a winner, "
        f"{wrong} rounds with a wrong audit or revocation count"
    )
    assert (withdrawn, double, none, wrong) == (ROUNDS, 0, 0, 0)


def reviewing(user_pk: int, grant_pk: int, *, approve: bool):
    def act(ready):
        user, grant = User.objects.get(pk=user_pk), AccessGrant.objects.select_related("organization").get(pk=grant_pk)
        ready()
        note = "" if approve else "緊急性が認められない"
        return emergency_access_review(user=user, grant=grant, approve=approve, note=note)

    return act


def test_two_reviews_of_one_emergency_access_at_once_decide_it_once(personas):
    person = register(personas.caseworker_a)
    other = second_supervisor()
    approved = rejected = double = none = wrong = 0
    for _ in range(ROUNDS):
        grant = emergency_access_request(
            user=personas.coordinator, person=person, reason="家族から自傷の恐れがあると連絡", hours=2
        )
        approve, reject = together(
            reviewing(personas.supervisor.pk, grant.pk, approve=True), reviewing(other.pk, grant.pk, approve=False)
        )
        for loser in (o.error for o in (approve, reject) if o.error is not None):
            assert isinstance(loser, AccessError) and "この緊急閲覧はすでに確認済みです" in loser.messages[0]
        winners = [o for o in (approve, reject) if o.error is None]
        double += len(winners) == 2
        none += not winners
        stored = AccessGrant.objects.get(pk=grant.pk)
        if approve.error is None:
            approved += 1
            wrong += stored.review_status != ReviewStatus.APPROVED or stored.revoked_at is not None
        if reject.error is None:
            rejected += 1
            wrong += stored.review_status != ReviewStatus.REJECTED or stored.revoked_at is None
        wrong += entries(grant) != len(winners) or entries(grant, Action.REVOKE) != (reject.error is None)
    print(
        f"\nemergency review race (PostgreSQL): {ROUNDS} rounds, {2 * ROUNDS} reviews attempted, {approved} approved, "
        f"{rejected} rejected, {double} double winners, {none} rounds without a winner, "
        f"{wrong} wrong outcomes (status, revocation or audit count)"
    )
    assert (approved + rejected, double, none, wrong) == (ROUNDS, 0, 0, 0)
