"""``Casework``: writing the consultations with their consents and grants, then the referrals (つなぎ) and
their answers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from tsunagu.access.models import Basis, Consent
from tsunagu.access.services import GrantInput, grants_create_bulk
from tsunagu.consultations.demo.drafts import Draft, Resident, Sending
from tsunagu.consultations.demo.intake import Intake
from tsunagu.consultations.demo.phrases import (
    CHILD_WORDS,
    CONCERNED,
    DECLINE_REASONS,
    DEFAULT_WISHES,
    ELDERLY_WISHES,
    ELDERLY_WORDS,
    OUTCOME_NOTES,
    SHARED_FOR_MEETING,
    SHARED_WITH_CONSENT,
    WISHES,
    WORDS,
)
from tsunagu.consultations.demo.scenarios import BATCH_SIZE, DECLINED, OVERDUE, OVERDUE_PER_AGENCY
from tsunagu.consultations.models import (
    ConsentVariant,
    Consultation,
    Referral,
    ReferralBasis,
    ReferralStatus,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.consultations.routing import consultation_domains
from tsunagu.core.models import Organization, User
from tsunagu.people.demo import names


class Casework(Intake):
    """The bulk writes of consultations, consents, grants and referrals, in the shapes the services give."""

    def _grant(self, organization: Organization, person: Resident, basis: Basis, source: str, at: datetime, *,
               by: User, consent: Consent | None = None, reason: str = "") -> GrantInput:  # fmt: skip
        """A grant for ``grants_create_bulk``, in effect from ``at`` (when the record that gave it was made)."""
        self.grants.add((organization.pk, person.pk, basis))
        self.counts.grants += 1
        return GrantInput(
            organization=organization, person=person, basis=basis, source=source, consent=consent, reason=reason,
            granted_by=by, granted_at=at,
        )  # fmt: skip

    def _visitor(self, draft: Draft) -> tuple[Visitor, str, str]:
        """Who came or called: the child's parent, a family member, or the agency or neighbour who told us."""
        person = draft.person
        if person is None:
            return Visitor.PERSON, "", ""
        if draft.route in (Route.AGENCY, Route.WELFARE_COMMISSIONER, Route.RESIDENT):
            if draft.route == Route.AGENCY:
                group = "children" if (draft.age or 0) < 18 else "elderly" if (draft.age or 0) >= 65 else "adults"
                relation = self.rng.choice(CONCERNED[group])
            else:
                relation = "民生委員" if draft.route == Route.WELFARE_COMMISSIONER else "近隣住民"
            family = self.rng.choice(names.COMMON_FAMILY_NAMES)[0]
            given = self.rng.choice(names.all_given_names())[0]
            return Visitor.CONCERNED, f"{family}　{given}", relation
        family_member = None
        if (draft.age or 0) < 15:
            family_member = self._guardian(person)
        elif (draft.age or 0) >= 75 and person.household is not None and self.rng.random() < 0.3:
            younger = [m for m in self.households[person.household] if 20 <= (m.age or 0) < (draft.age or 0) - 15]
            family_member = younger[0] if younger else None
        if family_member is None:
            return Visitor.PERSON, "", ""
        return Visitor.FAMILY, family_member.full_name, self._relation(family_member, person)

    def _urgency(self, draft: Draft) -> Urgency:
        if draft.main.code == "dv-abuse":
            return self.pick(((Urgency.URGENT, 3), (Urgency.SOON, 5), (Urgency.NORMAL, 2)))
        if draft.main.code in ("hoarding", "8050", "no-food", "housing", "young-carer"):
            return self.pick(((Urgency.SOON, 3), (Urgency.NORMAL, 7)))
        return self.pick(((Urgency.NORMAL, 85), (Urgency.SOON, 12), (Urgency.URGENT, 3)))

    def _consultation(self, draft: Draft) -> Consultation:
        visitor, visitor_name, visitor_relationship = self._visitor(draft)
        full = draft.variant == ConsentVariant.WITH_CONSENT
        code, age = draft.main.code, draft.age or 0
        words_by_age = ELDERLY_WORDS if age >= 65 else CHILD_WORDS if age < 18 else {}
        wishes_by_age = ELDERLY_WISHES if age >= 65 else {}
        words = self.rng.choice(words_by_age.get(code) or WORDS.get(code, WORDS["other"])) if full else ""
        wishes = self.rng.choice(wishes_by_age.get(code) or WISHES.get(code, DEFAULT_WISHES)) if full else ""
        return Consultation(
            municipality=self.municipality,
            organization=draft.organization,
            program=draft.program,
            received_at=draft.received_at,
            staff=draft.staff,
            route=draft.route,
            visitor=visitor,
            visitor_name=visitor_name,
            visitor_relationship=visitor_relationship,
            person_id=draft.person.pk if draft.person else None,
            household_id=draft.household,
            is_anonymous=draft.person is None,
            anonymous_description=draft.anonymous_description,
            consent_variant=draft.variant,
            consent=draft.consent,
            main_issue=draft.main,
            words=words,
            wishes=wishes,
            urgency=self._urgency(draft),
            outcome=draft.outcome,
            outcome_note=OUTCOME_NOTES[draft.outcome] if full else "",
            domains=list(consultation_domains(draft.issues, draft.age)),
        )

    def _write_consultations(self, drafts: list[Draft], consents: list[tuple[Consent, list[Organization], Draft]]):
        Consent.objects.bulk_create([c for c, _, _ in consents], batch_size=BATCH_SIZE)
        Through = Consent.organizations.through
        Through.objects.bulk_create(
            [Through(consent_id=c.pk, organization_id=o.pk) for c, scope, _ in consents for o in scope],
            batch_size=BATCH_SIZE,
        )
        grants: list[GrantInput] = []
        for consent, scope, draft in consents:
            assert draft.person is not None  # a consent is given by someone named
            # As consent_record's grant_create: one grant per organisation in scope, naming the consent.
            grants += [
                self._grant(o, draft.person, Basis.CONSENT, f"consent:{consent.pk}", draft.received_at,
                            by=consent.taken_by, consent=consent, reason=consent.purpose)
                for o in scope
            ]  # fmt: skip
        for draft in drafts:
            person = draft.person
            if person is not None and (draft.organization.pk, person.pk, Basis.OWN_RECORD) not in self.grants:
                # The receiving agency's own record of the person, as registering them there would give it.
                grants.append(self._grant(draft.organization, person, Basis.OWN_RECORD, "registration",
                                          draft.received_at, by=self.user))  # fmt: skip
        grants_create_bulk(grants=grants, granted_by=self.user, summary=f"デモの相談の閲覧権限（{len(grants)}件）")
        records = [self._consultation(d) for d in drafts]
        Consultation.objects.bulk_create(records, batch_size=BATCH_SIZE)
        Issues = Consultation.issues.through
        Issues.objects.bulk_create(
            [Issues(consultation_id=c.pk, consultationissue_id=i.pk) for c, d in zip(records, drafts, strict=True)
             for i in d.issues],
            batch_size=BATCH_SIZE,
        )  # fmt: skip
        for record, draft in zip(records, drafts, strict=True):
            draft.record = record
            outcome = str(draft.outcome)
            self.counts.outcomes[outcome] = self.counts.outcomes.get(outcome, 0) + 1
        self.counts.consultations = len(records)
        self.counts.consents = len(consents)

    # -- referrals

    def _referrals(self, drafts: list[Draft]) -> list[Sending]:
        """Referrals in referral_send's shape; answered (or not) as the days allow, a few left overdue."""
        plans: list[Sending] = []
        for draft in drafts:
            if draft.target is None or draft.record is None:
                continue
            sent_at = self._later(draft.received_at, 0, 3) or self._moment(
                timezone.localtime(draft.received_at, self.zone).date(), draft.received_at, until=23 * 60
            )
            assert sent_at is not None  # the evening is always later than office hours
            organization, program = draft.target
            sent = timezone.localtime(sent_at, self.zone).date()
            with_consent = draft.variant == ConsentVariant.WITH_CONSENT
            if draft.to_meeting:
                names_ = "・".join(i.name for i in draft.issues)
                reason = f"{names_}が重なり、単独の機関では対応が難しいため、支援会議での検討を依頼する。"
            else:
                reason = f"{draft.main.name}について、{organization.name}での支援が必要と考えるため。"
            referral = Referral(
                municipality=self.municipality,
                consultation=draft.record,
                person_id=draft.record.person_id,
                household_id=draft.record.household_id,
                from_organization=draft.organization,
                to_organization=organization,
                to_program=program,
                to_meeting=draft.to_meeting,
                reason=reason,
                shared_information=SHARED_WITH_CONSENT if with_consent else SHARED_FOR_MEETING,
                basis=ReferralBasis.CONSENT if with_consent else ReferralBasis.ART106_6,
                consent=draft.consent if with_consent else None,
                due_on=self._business_day_between(sent + timedelta(days=7), sent + timedelta(days=14)),
                sent_by=draft.staff,
            )
            plan = Sending(draft=draft, referral=referral, sent_at=sent_at)
            responded = self._later(sent_at, 1, 7)  # 1–10 days later
            if responded is not None and timezone.localtime(responded, self.zone).date() < self.as_of:
                plan.responded_at = responded
            plans.append(plan)
        for plan in self._left_overdue(plans):
            plan.responded_at = None
        grants: list[GrantInput] = []
        for plan in plans:
            referral = plan.referral
            if plan.responded_at is None:
                continue
            staff = self.staff.get(referral.to_organization.pk, [])
            referral.responded_by = self.rng.choice(staff)[0] if staff else self.user
            referral.responded_at = plan.responded_at
            if self.rng.random() < DECLINED:
                referral.status, referral.decline_reason = ReferralStatus.DECLINED, self.rng.choice(DECLINE_REASONS)
            else:
                referral.status = ReferralStatus.ACCEPTED
        referrals = [p.referral for p in plans]
        Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)
        # sent_at is auto_now_add, which bulk_create sets to now: put back when each was sent.
        for plan in plans:
            plan.referral.sent_at = plan.sent_at
        Referral.objects.bulk_update(referrals, ["sent_at"], batch_size=BATCH_SIZE)
        for plan in plans:
            referral, person = plan.referral, plan.draft.person
            if referral.status != ReferralStatus.ACCEPTED or person is None:
                continue
            # As referral_accept: the receiver is granted access on the referral's basis, unless it has it.
            basis = Basis.CONSENT if referral.basis == ReferralBasis.CONSENT else Basis.ART106_6
            if (referral.to_organization.pk, person.pk, basis) not in self.grants:
                assert referral.responded_at is not None and referral.responded_by is not None
                grants.append(self._grant(referral.to_organization, person, basis, f"referral:{referral.pk}",
                                          referral.responded_at, by=referral.responded_by, consent=referral.consent,
                                          reason=referral.reason))  # fmt: skip
        grants_create_bulk(grants=grants, granted_by=self.user, summary=f"デモのつなぎの閲覧権限（{len(grants)}件）")
        self.counts.referrals = len(plans)
        waiting = [p.referral for p in plans if p.referral.status == ReferralStatus.SENT]
        self.counts.waiting = len(waiting)
        self.counts.overdue = sum(1 for r in waiting if r.due_on < self.as_of)
        return plans

    def _left_overdue(self, plans: list[Sending]) -> list[Sending]:
        """The referrals nobody answered before their due date passed: 3% of them, and at least one for
        each agency with many referrals (either side), so that the busy inboxes show what is overdue.

        Recent ones first: an inbox shows a referral forgotten last month, seldom one from last spring.
        """
        due = [p for p in plans if p.referral.due_on < self.as_of]
        recent = [p for p in due if p.sent_at.date() >= self.as_of - timedelta(days=90)] or due
        involved: dict[int, int] = defaultdict(int)
        for plan in plans:
            involved[plan.referral.from_organization.pk] += 1
            involved[plan.referral.to_organization.pk] += 1
        chosen: list[Sending] = []
        for organization_id in sorted(k for k, n in involved.items() if n >= OVERDUE_PER_AGENCY):
            sides = [
                p for p in recent if organization_id in (p.referral.from_organization.pk, p.referral.to_organization.pk)
            ]
            if sides and not any(any(p is c for c in chosen) for p in sides):
                chosen.append(self.rng.choice(sides))
        rest = [p for p in recent if all(p is not c for c in chosen)]
        extra = max(0, max(1, round(OVERDUE * len(plans))) - len(chosen))
        return chosen + self.rng.sample(rest, min(extra, len(rest)))
