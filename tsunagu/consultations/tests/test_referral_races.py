"""An accept and a decline of one referral at the same moment, on real concurrent connections (PostgreSQL).

Found when the system was first tried: both answers reported success (4 of 5 tries). Now exactly one wins
each round, the other is told the referral was already answered, and a grant exists only when the accept
won — one grant, never two.
"""

import pytest

from tsunagu.access.models import AccessGrant
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.models import Referral, ReferralStatus
from tsunagu.consultations.services import ConsultationError, referral_accept, referral_decline
from tsunagu.consultations.tests.referrals import person_of_centre_a, referral_to_anshin
from tsunagu.core.models import User
from tsunagu.core.tests.concurrency import POSTGRES_ONLY, together

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]

ROUNDS = 20


def answering(user_pk: int, referral_pk: int, *, accept: bool):
    def act(ready):
        user = User.objects.get(pk=user_pk)
        referral = Referral.objects.select_related("consultation__person", "consent", "from_organization",
                                                   "to_organization").get(pk=referral_pk)  # fmt: skip
        ready()
        if accept:
            return referral_accept(user=user, referral=referral)
        return referral_decline(user=user, referral=referral, reason="当課では対応できないため")

    return act


def test_an_accept_and_a_decline_at_once_have_exactly_one_winner(personas):
    a = personas.caseworker_a
    accepted = declined = double = none = wrong_grants = wrong_entries = 0
    for round_ in range(ROUNDS):
        # A new person each round: accepting gives 福祉あんしん課 its 支援会議 grant on that person.
        referral = referral_to_anshin(a, person_of_centre_a(a, round_))
        accept, decline = together(
            answering(personas.coordinator.pk, referral.pk, accept=True),
            answering(personas.supervisor.pk, referral.pk, accept=False),
        )
        for loser in (o.error for o in (accept, decline) if o.error is not None):
            assert isinstance(loser, ConsultationError), loser
            assert "このつなぎにはすでに回答しています" in loser.messages[0]
        winners = [o for o in (accept, decline) if o.error is None]
        double += len(winners) == 2
        none += not winners
        stored = Referral.objects.get(pk=referral.pk)
        grants = AccessGrant.objects.filter(source=f"referral:{referral.pk}").count()
        entries = AuditEntry.objects.filter(action=Action.UPDATE, model="consultations.referral", object_id=referral.pk)
        wrong_entries += entries.count() != len(winners)
        if accept.error is None:
            accepted += 1
            wrong_grants += stored.status != ReferralStatus.ACCEPTED or grants != 1
        if decline.error is None:
            declined += 1
            wrong_grants += stored.status != ReferralStatus.DECLINED or grants != 0
    print(
        f"\nreferral accept/decline race (PostgreSQL): {ROUNDS} rounds, {2 * ROUNDS} answers attempted, "
        f"{accepted} accepted, {declined} declined, {double} double winners, {none} rounds without a winner, "
        f"{wrong_grants} rounds with a wrong status or grant count, {wrong_entries} with a wrong audit count"
    )
    assert (accepted + declined, double, none, wrong_grants, wrong_entries) == (ROUNDS, 0, 0, 0, 0)
