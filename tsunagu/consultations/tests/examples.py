"""How to make a consultation, a referral and a progress record in a state of the generated access matrix
(``tsunagu.records.tests.matrix``), each held by the arrangement's holding agency."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.consultations import services
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Counterpart, Means, Outcome, ReferralBasis, Route
from tsunagu.plans.models import Category, Program


def _consent(arrangement):
    """A consent naming 子育て応援課, where no persona works: it opens nothing to the personas by itself."""
    from tsunagu.access.models import Consent

    if "consent_for_referral" not in arrangement.made:
        made = consent_record(
            user=arrangement.holder, person=arrangement.person,
            data=ConsentInput(purpose="子育て支援のため", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
                              organizations=[arrangement.organization("子育て応援課")]),
        )  # fmt: skip
        arrangement.made["consent_for_referral"] = made.pk
    return Consent.objects.get(pk=arrangement.made["consent_for_referral"])


def _consultation(arrangement):
    from tsunagu.access.policy import decide
    from tsunagu.consultations.models import Consultation

    if "consultation" not in arrangement.made:
        issues = list(issues_ensure(arrangement.town))[:2]
        program = Program.objects.filter(municipality=arrangement.town, category=Category.CONSULTATION)[0]
        made = services.consultation_record(
            user=arrangement.holder,
            data=services.ConsultationInput(
                program=program, received_at=timezone.now() - timedelta(hours=1), route=Route.VISIT,
                consent_variant=ConsentVariant.WITH_CONSENT, consent=_consent(arrangement), issues=issues,
                main_issue=issues[0], outcome=Outcome.HANDLED, person=arrangement.person,
                person_decision=decide(arrangement.holder, arrangement.person.pk), household=arrangement.household,
                household_visible=True, words="生活が苦しい",
            ),
        )  # fmt: skip
        arrangement.made["consultation"] = made.pk
    return Consultation.objects.get(pk=arrangement.made["consultation"])


def consultation(arrangement) -> int:
    return _consultation(arrangement).pk


def referral(arrangement) -> int:
    """A referral to 子育て応援課 (where no persona works) on the consent naming it."""
    made = services.referral_send(
        user=arrangement.holder, consultation=_consultation(arrangement),
        data=services.ReferralInput(
            to_organization=arrangement.organization("子育て応援課"), reason="子育ての負担",
            shared_information="世帯の状況", basis=ReferralBasis.CONSENT, due_on=timezone.localdate() + timedelta(days=7),
        ),
    )  # fmt: skip
    return made.pk


def case_note(arrangement) -> int:
    made = services.case_note_add(
        user=arrangement.holder, person=arrangement.person,
        data=services.CaseNoteInput(occurred_at=timezone.now() - timedelta(minutes=30), means=Means.PHONE,
                                    counterpart=Counterpart.PERSON, content="電話で近況を確認"),
    )  # fmt: skip
    return made.pk


EXAMPLES = {"consultation": consultation, "referral": referral, "case_note": case_note}
