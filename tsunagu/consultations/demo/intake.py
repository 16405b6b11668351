"""``Intake``: who consults where about what, where the routing points, how each consultation ends, and the
consent it rests on."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tsunagu.access.models import Consent, ConsentGiver, ConsentMethod
from tsunagu.consultations.demo.drafts import Draft, Resident
from tsunagu.consultations.demo.phrases import CONSENT_PURPOSE
from tsunagu.consultations.demo.scenarios import (
    ANONYMOUS,
    COLLABORATION,
    LAST_INTAKE,
    OTHER_OUTCOMES,
    REFERRED,
    ROUTES_ANONYMOUS,
    WITHOUT_CONSENT,
    Pool,
    Scenario,
)
from tsunagu.consultations.demo.town import Town
from tsunagu.consultations.models import ConsentVariant, Outcome, Route
from tsunagu.consultations.routing import (
    CHILD_AGE,
    COMPLEX_ISSUES,
    RoutingInput,
    RoutingResult,
    Suggestion,
    consultation_domains,
    rule_matches,
    suggest,
)
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Organization, Role, User
from tsunagu.people.models import Gender, Relationship
from tsunagu.plans.models import Category, Program


class Intake(Town):
    """Drawing the year's consultations: the person, the issues, the routing, the outcome and the consent."""

    def _person(self, scenario: Scenario) -> Resident | None:
        """Someone the scenario fits: an agency's own clients are drawn first more often than not."""
        pool = self.pools[scenario.pool]
        if not pool:
            return None
        organization = self.organizations[scenario.agency]
        clients = self.clients.get(organization.pk, set())
        # Not for the registering division, whose own records are everybody.
        if clients and len(clients) < len(self.residents) // 2 and self.rng.random() < 0.6:
            key = (scenario.pool, organization.pk)
            own = self.own_clients.get(key)
            if own is None:
                own = self.own_clients[key] = [r for r in pool if r.pk in clients]
            if own:
                return self.rng.choice(own)
        if scenario.pool == Pool.ELDERLY:
            return self.rng.choices(pool, cum_weights=self.elderly_weights)[0]
        return self.rng.choice(pool)

    def _draft(self, scenario: Scenario, day: date) -> Draft | None:
        person = self._person(scenario)
        if person is None:
            return None
        organization = self.organizations[scenario.agency]
        program = self.programs[scenario.program]
        received_at = self._moment(day, until=LAST_INTAKE)
        assert received_at is not None  # a whole business day is open
        main = self.issues[self.pick([(c, w) for c, w in scenario.main if c in self.issues])]
        extra = [self.issues[c] for c in scenario.extra if c in self.issues and c != main.code]
        issues = [main, *self.rng.sample(extra, min(len(extra), self.pick(((0, 25), (1, 40), (2, 25), (3, 10)))))]
        issues.sort(key=lambda i: i.order)
        draw = self.rng.random()
        variant = ConsentVariant.WITH_CONSENT if draw >= ANONYMOUS + WITHOUT_CONSENT else ConsentVariant.WITHOUT_CONSENT
        route = self.pick(ROUTES_ANONYMOUS if draw < ANONYMOUS else scenario.routes)
        draft = Draft(
            scenario=scenario, organization=organization, program=program, received_at=received_at,
            staff=self._staff_of(organization, program), route=route, issues=issues, main=main, person=person,
            variant=variant,
        )  # fmt: skip
        if draw < ANONYMOUS:
            # Anonymous: someone like the person, described, never linked to them.
            draft.person, draft.anonymous_description = None, self._describe(person, route)
        else:
            draft.age = age_on(person.birth_date, day) if person.birth_date is not None else None
            if variant == ConsentVariant.WITH_CONSENT and (draft.age or 0) < 18 and self._guardian(person) is None:
                draft.variant = ConsentVariant.WITHOUT_CONSENT  # nobody at home to consent for the child
            if draft.variant == ConsentVariant.WITH_CONSENT:
                draft.household = person.household
        draft.routing = self._routing(draft, day)
        return draft

    def _staff_of(self, organization: Organization, program: Program) -> User:
        """A caseworker of the organisation; 多機関協働 is the coordinator's."""
        staff = self.staff.get(organization.pk, [])
        if not staff:
            return self.user
        wanted = Role.COORDINATOR if program.category == Category.COLLABORATION else Role.CASEWORKER
        preferred = [u for u, role in staff if role == wanted] or [u for u, _ in staff]
        return self.rng.choice(preferred)

    def _describe(self, person: Resident, route: Route) -> str:
        """「70代女性（近隣住民から）」: an age band, a gender when known, and who called."""
        age = person.age or 0
        sex = {Gender.FEMALE.value: "女性", Gender.MALE.value: "男性"}.get(person.gender, "")
        child = {"女性": "女の子", "男性": "男の子"}.get(sex, "子ども")
        if age < 6:
            who = f"幼児（{child}）"
        elif age < 13:
            who = f"小学生くらいの{child}"
        else:
            who = f"{max(10, age // 10 * 10)}代{sex}"
        source = {
            Route.RESIDENT: "近隣住民から",
            Route.WELFARE_COMMISSIONER: "民生委員から",
            Route.PHONE: "電話での相談",
            Route.VISIT: "来所での相談",
        }.get(route, "匿名での相談")
        return f"{who}（{source}）"

    def _guardian(self, person: Resident) -> Resident | None:
        """An adult of the child's household, a parent's generation first: who consents and comes along."""
        if person.household is None:
            return None
        adults = [m for m in self.households[person.household] if m is not person and (m.age or 0) >= 20]
        adults.sort(key=lambda m: abs((m.age or 0) - (person.age or 0) - 30))
        return adults[0] if adults else None

    def _routing(self, draft: Draft, day: date) -> RoutingResult:
        """``routing.suggest`` for the draft (without excluding the receiving agency: ``_doors`` does that).

        Asked once per distinct answer: the rules that match, the domains and the complex issues named.
        """
        child_ages: tuple[int, ...] = ()
        if draft.person is not None and draft.person.household is not None:
            child_ages = tuple(
                sorted(
                    age_on(m.birth_date, day)
                    for m in self.households[draft.person.household]
                    if m is not draft.person and m.birth_date is not None and m.birth_date <= day
                    and age_on(m.birth_date, day) < CHILD_AGE
                )
            )  # fmt: skip
        codes = frozenset(i.code for i in draft.issues)
        data = RoutingInput(issue_codes=codes, age=draft.age, household_child_ages=child_ages)
        key = (
            tuple(rule.pk for rule in self.rules if rule_matches(rule, data)),
            consultation_domains(draft.issues, draft.age),
            tuple(code for code in COMPLEX_ISSUES if code in codes),
        )
        result = self.routing_cache.get(key)
        if result is None:
            result = self.routing_cache[key] = suggest(municipality=self.municipality, data=data)
        return result

    def _doors(self, draft: Draft) -> list[Suggestion]:
        """The suggestions with somewhere to go: other organisations than the receiving one, as the intake
        page shows them (``suggest`` with ``exclude_organization``)."""
        assert draft.routing is not None
        doors = []
        for suggestion in draft.routing.suggestions:
            others = tuple(o for o in suggestion.organizations if o.pk != draft.organization.pk)
            if others:
                doors.append(Suggestion(program=suggestion.program, organizations=others, reasons=suggestion.reasons))
        return doors

    # -- outcomes, consents

    def _target(self, draft: Draft) -> tuple[Organization, Program | None] | None:
        """Where a referral would go: one of the routing suggestions that is a usual next door for the
        scenario (地域包括 passes money worries to 生活困窮, not an older person's illness to a disability
        centre), or — for a scenario without usual doors — the first suggestion of another programme."""
        doors = [s for s in self._doors(draft) if s.program.pk != draft.program.pk]
        if draft.scenario.refer_to:
            usual = [s for code in draft.scenario.refer_to for s in doors if s.program.code == code]
            if not usual:
                return None
            chosen = self.rng.choices(usual, weights=range(len(usual), 0, -1))[0]
        else:
            ordinary = [s for s in doors if s.program.category != Category.COLLABORATION] or doors
            if not ordinary:
                return None
            chosen = ordinary[0]
        return self.rng.choice(chosen.organizations), chosen.program

    def _outcomes(self, drafts: list[Draft]) -> None:
        """About 5% to 多機関協働 (those crossing fields), 25% referred (with consent), the rest as drawn."""
        collaborative = [d for d in drafts if d.routing is not None and d.routing.collaboration]
        if self.secretariat is not None:
            count = min(len(collaborative), round(COLLABORATION * len(drafts)))
            for draft in self.rng.sample(collaborative, count):
                draft.outcome = Outcome.COLLABORATION
                if draft.organization.pk != self.secretariat.pk:
                    draft.to_meeting = True  # the receiving agency asks the 支援会議 (the secretariat itself does not)
                    draft.target = (self.secretariat, self.collaboration_program)
        candidates = []
        for draft in drafts:
            if draft.outcome == Outcome.HANDLED and draft.variant == ConsentVariant.WITH_CONSENT:
                target = self._target(draft)
                if target is not None:
                    candidates.append((draft, target))
        for draft, target in self.rng.sample(candidates, min(len(candidates), round(REFERRED * len(drafts)))):
            draft.outcome, draft.target = Outcome.REFERRED, target
        chosen = {id(d) for d in drafts if d.outcome != Outcome.HANDLED}
        for draft in drafts:
            if id(draft) not in chosen:
                draft.outcome = self.pick(OTHER_OUTCOMES)

    def _consents(self, drafts: list[Draft]) -> list[tuple[Consent, list[Organization], Draft]]:
        """The consent each consultation with consent rests on: one the person gave that covers it, or a new one.

        A new consent covers the receiving agency and where it is likely to refer (every suggestion, and
        多機関協働 when the routing proposes it), as a caseworker would write it on the consent form.
        """
        created: list[tuple[Consent, list[Organization], Draft]] = []
        by_pk = {o.pk: o for o in self.organizations.values()}
        for draft in drafts:
            if draft.variant != ConsentVariant.WITH_CONSENT or draft.person is None:
                continue
            assert draft.routing is not None
            needed = {draft.organization.pk} | ({draft.target[0].pk} if draft.target else set())
            day = timezone.localtime(draft.received_at, self.zone).date()
            for consent, scope in reversed(self.consents[draft.person.pk]):
                if consent.given_on <= day and needed <= scope:
                    draft.consent = consent
                    break
            if draft.consent is not None:
                continue
            wanted = set(needed) | {o.pk for s in self._doors(draft) for o in s.organizations}
            if draft.routing.collaboration and self.secretariat is not None:
                wanted.add(self.secretariat.pk)
            scope_organizations = sorted((by_pk[pk] for pk in wanted), key=lambda o: (o.order, o.pk))
            guardian = self._guardian(draft.person) if (draft.age or 0) < 18 else None
            consent = Consent(
                municipality=self.municipality,
                person_id=draft.person.pk,
                all_plan_agencies=False,
                purpose=CONSENT_PURPOSE,
                method=ConsentMethod.WRITTEN if self.rng.random() < 0.8 else ConsentMethod.ORAL,
                given_by=ConsentGiver.PARENT if guardian else ConsentGiver.SELF,
                representative_name=guardian.full_name if guardian else "",
                representative_relationship=self._relation(guardian, draft.person) if guardian else "",
                given_on=day,
                taken_by=draft.staff,
                taken_by_organization=draft.organization,
            )
            draft.consent = consent
            self.consents[draft.person.pk].append((consent, wanted))
            created.append((consent, scope_organizations, draft))
        return created

    def _relation(self, visitor: Resident, person: Resident) -> str:
        """How the visitor is related to the person, as staff write it on the form."""
        gap = (visitor.age or 0) - (person.age or 0)
        female = visitor.gender == Gender.FEMALE
        if gap >= 45:
            return "祖母" if female else "祖父"
        if gap >= 16:
            return "母" if female else "父"
        if gap <= -16:
            return "娘" if female else "息子"
        return "妻" if female and visitor.relationship in (Relationship.HEAD, Relationship.SPOUSE) else "家族"
