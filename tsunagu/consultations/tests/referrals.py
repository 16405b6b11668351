"""Referrals waiting for an answer at 福祉あんしん課, made through the real services, for the transition tests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tsunagu.access.models import Consent, ConsentMethod
from tsunagu.access.policy import decide
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Outcome, Referral, ReferralBasis, Route
from tsunagu.consultations.services import ConsultationInput, ReferralInput, consultation_record, referral_send
from tsunagu.core.models import Organization, User
from tsunagu.people.models import Person
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import Program


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def person_of_centre_a(user: User, n: int = 0) -> Person:
    return register(user, given_name=f"花子{n}", given_name_kana="ハナコ", birth_date=date(1944, 5, 3) + timedelta(n))


def consent_for_anshin(user: User, person: Person) -> Consent:
    return consent_record(user=user, person=person, data=ConsentInput(
        purpose="生活と介護の支援のため関係機関で情報を共有する", method=ConsentMethod.WRITTEN,
        given_on=timezone.localdate() - timedelta(days=1),
        organizations=[org("琴浦町地域包括支援センター"), org("福祉あんしん課")]))  # fmt: skip


def referral_to_anshin(user: User, person: Person, *, consent: Consent | None = None) -> Referral:
    """A consultation at 地域包括支援センター, passed to 福祉あんしん課: on the consent if one is given (the
    receiver already sees the person through it), else to the 支援会議 (accepting gives the grant)."""
    by_code = {i.code: i for i in issues_ensure(user.municipality)}
    consultation = consultation_record(user=user, data=ConsultationInput(
        program=Program.objects.get(municipality=user.municipality, code="community-general-support-centre"),
        received_at=timezone.now() - timedelta(hours=1), route=Route.VISIT,
        consent_variant=ConsentVariant.WITH_CONSENT if consent else ConsentVariant.WITHOUT_CONSENT,
        consent=consent, issues=[by_code["8050"], by_code["income"]], main_issue=by_code["8050"],
        outcome=Outcome.HANDLED, person=person, person_decision=decide(user, person.pk), words="年金だけでは暮らせない",
    ))  # fmt: skip
    due_on = timezone.localdate() + timedelta(days=7)
    if consent is not None:
        data = ReferralInput(to_organization=org("福祉あんしん課"), reason="家計の相談", shared_information="収入状況",
                             basis=ReferralBasis.CONSENT, due_on=due_on, consent=consent)  # fmt: skip
    else:
        data = ReferralInput(to_organization=None, to_meeting=True, reason="検討依頼", shared_information="概要",
                             basis=ReferralBasis.ART106_6, due_on=due_on)  # fmt: skip
    return referral_send(user=user, consultation=consultation, data=data)
