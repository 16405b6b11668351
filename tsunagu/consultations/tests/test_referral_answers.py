"""A referral is answered once: an answer given from an old page (the row moved on meanwhile) is refused
and leaves nothing behind. Sequential, so it runs on SQLite and PostgreSQL; the simultaneous answers on
real connections are in ``test_referral_races.py``."""

import pytest
from django.utils import timezone

from tsunagu.access.models import AccessGrant
from tsunagu.access.services import consent_withdraw
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.models import Referral, ReferralStatus
from tsunagu.consultations.services import ConsultationError, referral_accept, referral_decline
from tsunagu.consultations.tests.referrals import consent_for_anshin, person_of_centre_a, referral_to_anshin

pytestmark = pytest.mark.django_db


def answers(referral: Referral) -> list[str]:
    entries = AuditEntry.objects.filter(action=Action.UPDATE, model="consultations.referral", object_id=referral.pk)
    return [e.summary for e in entries.order_by("id")]


@pytest.fixture
def meeting_referral(personas) -> Referral:
    return referral_to_anshin(personas.caseworker_a, person_of_centre_a(personas.caseworker_a))


def test_a_decline_from_a_page_opened_before_the_accept_is_refused(personas, meeting_referral):
    stale = Referral.objects.get(pk=meeting_referral.pk)
    referral_accept(user=personas.coordinator, referral=meeting_referral)

    with pytest.raises(ConsultationError) as refused:
        referral_decline(user=personas.supervisor, referral=stale, reason="当課の対象外")

    assert refused.value.messages == [
        "このつなぎにはすでに回答しています（受理、coord）。画面を開き直して確認してください。"
    ]
    stored = Referral.objects.get(pk=meeting_referral.pk)
    assert (stored.status, stored.responded_by, stored.decline_reason) == (
        ReferralStatus.ACCEPTED,
        personas.coordinator,
        "",
    )
    assert answers(stored) == ["つなぎを受理（琴浦町地域包括支援センターから）"]
    assert AccessGrant.objects.filter(source=f"referral:{stored.pk}").count() == 1


def test_an_accept_from_a_page_opened_before_the_decline_gives_no_grant(personas, meeting_referral):
    stale = Referral.objects.get(pk=meeting_referral.pk)
    referral_decline(user=personas.supervisor, referral=meeting_referral, reason="当課の対象外")

    with pytest.raises(ConsultationError, match="すでに回答しています（辞退、super）"):
        referral_accept(user=personas.coordinator, referral=stale)

    assert Referral.objects.get(pk=meeting_referral.pk).status == ReferralStatus.DECLINED
    assert answers(meeting_referral) == ["つなぎを辞退"]
    assert not AccessGrant.objects.filter(source=f"referral:{meeting_referral.pk}").exists()


def test_an_accept_after_the_consent_was_withdrawn_is_refused_even_from_an_old_page(personas):
    a = personas.caseworker_a
    person = person_of_centre_a(a)
    consent = consent_for_anshin(a, person)
    referral = referral_to_anshin(a, person, consent=consent)
    stale = Referral.objects.select_related("consent").get(pk=referral.pk)  # its consent read before the withdrawal
    consent_withdraw(user=a, consent=consent, withdrawn_on=timezone.localdate())

    with pytest.raises(ConsultationError, match="本人同意が撤回されたため、このつなぎは受理できません"):
        referral_accept(user=personas.coordinator, referral=stale)

    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    assert answers(referral) == []
