"""``demo_town``'s 多機関協働 cases and 支援プラン: the extension hook of ``tsunagu.people.demo.generator`` calls
``extend_demo_town`` after the consultations' year (INSTALLED_APPS order).

Everything goes through the real services — consents, case transitions, assessments, plans, roles, decisions,
progress and evaluations — so the rules and audit entries are those of real work. A handful of cases (one per
state, and one re-planned), so the run stays quick; people come first from the accepted referrals to 多機関協働
the consultations' year made, then from the town's households. Dates are before the run's ``as_of``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.policy import casework_memberships
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.collaboration import assessment_forms
from tsunagu.collaboration import services as cases
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import CaseState, CollaborationCase, EvaluationResult
from tsunagu.consultations.destinations import program_organizations
from tsunagu.consultations.models import Referral, ReferralStatus
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.models import Municipality, Organization, User
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.plans.models import Program
from tsunagu.plans.selectors import plan_current_for_municipality
from tsunagu.support_plans import follow_up, plan_types
from tsunagu.support_plans import services as plans
from tsunagu.support_plans.models import ActorKind, EvaluationDecision, GoalTerm, ProgressStatus, SupportPlan

COORDINATOR = "coordinator"
# The organisations given roles in every demo 多機関協働 plan (each a demo account confirms its role); the first
# is the 主担当機関 a closed case is handed over to.
ROLE_ACCOUNTS = ("houkatsu", "links", "shakyo")
# The states of the demo cases, in order; "replan" is a case evaluated, re-planned and supported again.
CASE_STATES = (
    CaseState.RECEIVED, CaseState.MEETING_TRACK, CaseState.ASSESSMENT, CaseState.PLANNING, CaseState.DECIDED,
    CaseState.SUPPORTING, CaseState.EVALUATING, CaseState.CLOSED, CaseState.SUSPENDED, "replan",
)  # fmt: skip


# The programmes' own plan types and the programme whose organisation writes them.
PROGRAMME_PLANS = (
    ("self-reliance", "self-reliance-consultation"), ("self-plan", "user-support"), ("support-plan", "user-support"),
)  # fmt: skip


def answers_for(fields: list[Any]) -> dict[str, Any]:
    """Every field of a form filled (first option, or a short text): a sheet that passes the required checks."""
    result: dict[str, Any] = {}
    for f in fields:
        if f.type == "checks":
            result[f.key] = {"value": [f.options[0]], "note": ""}
        elif f.type == "choice":
            result[f.key] = {"value": f.options[0], "note": ""}
        else:
            result[f.key] = {"value": f"{f.label}について（デモ）", "note": ""}
    return result


class DemoPlans:
    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date) -> None:
        self.municipality, self.rng, self.as_of = municipality, rng, as_of
        self.users = {u.username: u for u in User.objects.filter(
            username__in=[a.username for a in DEMO_ACCOUNTS], municipality=municipality, is_active=True)}  # fmt: skip
        self.counts = {"cases": 0, "assessments": 0, "plans": 0, "progress": 0, "evaluations": 0}
        self.used: set[int] = set()

    def at(self, days_before: int) -> datetime:
        """A moment ``days_before`` days before ``as_of`` (10:00 local), never after now."""
        moment = datetime.combine(self.as_of - timedelta(days=days_before), time(10), timezone.get_current_timezone())
        return min(moment, timezone.now())

    def day(self, days_before: int) -> date:
        return self.as_of - timedelta(days=days_before)

    # -- people

    def _household_of(self, person_id: int) -> Household | None:
        member = HouseholdMember.objects.filter(person_id=person_id).select_related("household").first()
        return member.household if member else None

    def candidates(self, coordinating: Organization) -> list[tuple[Person, Household, Referral | None]]:
        """Accepted referrals to the coordinating organisation first, then people of households of two or more."""
        found: list[tuple[Person, Household, Referral | None]] = []
        referrals = (
            Referral.objects.filter(to_organization=coordinating, status=ReferralStatus.ACCEPTED, person__isnull=False)
            .select_related("person")
            .order_by("pk")
        )
        for referral in referrals.iterator():
            if len(found) == len(CASE_STATES):
                break
            person = referral.person
            household = self._household_of(person.pk) if person is not None and person.pk not in self.used else None
            if person is not None and household is not None:
                self.used.add(person.pk)
                found.append((person, household, referral))
        # The programmes' own plans (and the cases a town without such referrals needs) take other households.
        pool = list(
            HouseholdMember.objects.filter(municipality=self.municipality)
            .values_list("household_id", "person_id")
            .order_by("household_id", "pk")[:400]
        )
        self.rng.shuffle(pool)
        for household_id, person_id in pool:
            if person_id in self.used:
                continue
            self.used.add(person_id)
            found.append((Person.objects.get(pk=person_id), Household.objects.get(pk=household_id), None))
            if len(found) >= len(CASE_STATES) + 3:
                break
        return found

    # -- 多機関協働 cases

    def consent(self, user: User, person: Person, organizations: list[Organization], days_before: int) -> None:
        consent_record(user=user, person=person, data=ConsentInput(
            purpose="多機関協働による世帯全体の支援のため（デモ）", method=ConsentMethod.WRITTEN,
            given_on=self.day(days_before), organizations=organizations,
        ))  # fmt: skip

    def case_plan(self, user: User, case: CollaborationCase, roles: list[Organization], start: int) -> SupportPlan:
        plan = plans.plan_create(user=user, plan_type="collaboration", person=case.person, case=case,
                                 data=plans.PlanInput(
            wishes="家族みんなが、この家で安心して暮らし続けたい",
            answers=answers_for(plan_types.get("collaboration").fields),
            lead_organization=roles[0], period_start=self.day(start), period_end=self.day(start - 180),
            monitoring_dates=[self.day(start - 60), self.day(start - 120)],
        ))  # fmt: skip
        self._goals_and_roles(user, plan, roles, start)
        self.counts["plans"] += 1
        return plan

    def _goals_and_roles(self, user: User, plan: SupportPlan, roles: list[Organization], start: int) -> None:
        long = plans.goal_add(user=user, plan=plan, term=GoalTerm.LONG, text="世帯が地域とつながり、安心して暮らす")
        short = plans.goal_add(user=user, plan=plan, term=GoalTerm.SHORT, text="週に一度、家の外の人と話す機会をもつ",
                               target_on=self.day(start - 90))  # fmt: skip
        for i, organization in enumerate(roles):
            plans.action_add(user=user, plan=plan, data=plans.ActionInput(
                content=f"{organization.name}による訪問と相談", organization=organization, staff_name="担当者（デモ）",
                frequency=("月2回", "月1回", "随時")[i % 3], goal=short if i % 2 == 0 else long,
                starts_on=self.day(start), ends_on=self.day(start - 180),
            ))  # fmt: skip
        plans.action_add(user=user, plan=plan, data=plans.ActionInput(
            content="困ったときは自分から電話する", actor=ActorKind.PERSON, goal=long,
        ))  # fmt: skip

    def acknowledge(self, case: CollaborationCase) -> None:
        plan = SupportPlan.objects.filter(case=case).order_by("-number").first()
        assert plan is not None
        by_organization = {m.organization_id: u for u in self.role_users for m in casework_memberships(u)}
        for action in plan.actions.filter(organization__isnull=False, acknowledged_at__isnull=True):
            user = by_organization.get(action.organization_id or 0)
            if user is not None:
                plans.action_acknowledge(user=user, action=action)

    def progress(self, user: User, plan: SupportPlan, days_before: int) -> None:
        roles = plan.actions.filter(organization__isnull=False).select_related("organization").order_by("order")
        for i, action in enumerate(roles):
            assert action.organization is not None
            follow_up.progress_record(
                user=user, plan=plan, action=action, status=(ProgressStatus.ON_TRACK, ProgressStatus.DELAYED)[i % 2],
                note=f"{action.organization.name}の訪問を実施。本人は落ち着いて話せた（デモ）",
                occurred_at=self.at(days_before - 10 * i),
            )  # fmt: skip
            self.counts["progress"] += 1

    def evaluate(self, user: User, case: CollaborationCase, decision: EvaluationDecision) -> None:
        plan = SupportPlan.objects.get(case=case, status="approved")
        results = (EvaluationResult.ACHIEVED, EvaluationResult.PARTLY)
        goals = {g.pk: (results[i % 2], "本人の言葉から変化が見られた（デモ）") for i, g in enumerate(plan.goals.all())}
        follow_up.evaluation_record(user=user, plan=plan, data=follow_up.EvaluationInput(
            goals=goals, result=EvaluationResult.PARTLY if decision == EvaluationDecision.CONTINUE
            else EvaluationResult.ACHIEVED, note="世帯の状況が落ち着いてきた（デモ）", decision=decision,
        ))  # fmt: skip
        self.counts["evaluations"] += 1

    def make_case(self, target: str, person: Person, household: Household, referral: Referral | None,
                  index: int) -> None:  # fmt: skip
        user, coordinating = self.coordinator, self.coordinating
        roles = self.roles
        move = cases.case_transition
        start = 200 - index * 5  # days before as_of the case's plan began
        case = cases.case_open(user=user, data=cases.CaseOpenInput(
            person=person, household=household, referral=referral, summary="世帯の複数の課題を整理して支援（デモ）",
        ))  # fmt: skip
        self.counts["cases"] += 1
        if target == CaseState.RECEIVED:
            return
        if target == CaseState.MEETING_TRACK:
            move(user=user, case=case, data=cases.TransitionInput(CaseState.MEETING_TRACK, note="本人同意なし。見守り"))
            return
        self.consent(user, person, [coordinating, *roles], start + 20)
        case = move(user=user, case=case, data=cases.TransitionInput(CaseState.ASSESSMENT))
        form = assessment_forms.current()
        cases.assessment_record(user=user, case=case, data=cases.AssessmentInput(
            household_answers=answers_for(form.fields_of("household")),
            member_answers={person.pk: answers_for(form.fields_of("member"))}, occurred_at=self.at(start + 10),
        ))  # fmt: skip
        self.counts["assessments"] += 1
        if target == CaseState.SUSPENDED:
            cases.case_suspend(user=user, case=case, note="本人の入院により中断（デモ）")
            return
        if target == CaseState.ASSESSMENT:
            return
        case = move(user=user, case=case, data=cases.TransitionInput(CaseState.PLANNING))
        self.case_plan(user, case, roles, start)
        if target == CaseState.PLANNING:
            return
        case = cases.case_decide(user=user, case=case, decided_on=self.day(start), reference="重層的支援会議（デモ）")
        if target == CaseState.DECIDED:
            return
        self.acknowledge(case)
        case = move(user=user, case=case, data=cases.TransitionInput(CaseState.SUPPORTING))
        plan = SupportPlan.objects.get(case=case, status="approved")
        self.progress(user, plan, start - 30)
        if target == CaseState.SUPPORTING:
            return
        case = move(user=user, case=case, data=cases.TransitionInput(CaseState.EVALUATING))
        if target == CaseState.EVALUATING:
            return
        if target == CaseState.CLOSED:
            self.evaluate(user, case, EvaluationDecision.CLOSE)
            reason = next(r for r in closure_reasons_ensure(case.municipality_id) if r.needs_lead_agency)
            cases.case_close(user=user, case=case, reason=reason, lead_organization=roles[0])
            return
        # 再プラン: the evaluation continues, the next version is decided and followed again.
        self.evaluate(user, case, EvaluationDecision.CONTINUE)
        case = cases.case_replan(user=user, case=case, note="短期目標を見直す（デモ）")
        self.counts["plans"] += 1
        case = cases.case_decide(user=user, case=case, decided_on=self.day(start - 100),
                                 reference="重層的支援会議（デモ・再プラン）")  # fmt: skip
        self.acknowledge(case)
        case = move(user=user, case=case, data=cases.TransitionInput(CaseState.SUPPORTING))
        self.progress(user, SupportPlan.objects.get(case=case, status="approved"), start - 110)

    # -- the programmes' own plans

    def parent(self, index: int) -> tuple[Person, Household, None] | None:
        """For 利用者支援事業's plans: the youngest adult (a parent) of a household with a child under six."""
        born_after = self.as_of - timedelta(days=6 * 365)
        adult_before = self.as_of - timedelta(days=18 * 366)
        households = (
            HouseholdMember.objects.filter(municipality=self.municipality, person__birth_date__gt=born_after)
            .values_list("household_id", flat=True)
            .order_by("household_id")
            .distinct()[:20]
        )
        for household_id in list(households)[index:]:
            member = (
                HouseholdMember.objects.filter(household_id=household_id, person__birth_date__lte=adult_before)
                .exclude(person_id__in=self.used)
                .select_related("person", "household")
                .order_by("-person__birth_date", "pk")
                .first()
            )
            if member is not None:
                self.used.add(member.person_id)
                return member.person, member.household, None
        return None

    def program_writer(self, code: str) -> User | None:
        plan = plan_current_for_municipality(municipality=self.municipality)
        program = Program.objects.filter(plan=plan, code=code).first() if plan else None
        if program is None:
            return None
        runs = set(program_organizations(program).values_list("pk", flat=True))
        return next((u for u in self.users.values()
                     if any(m.organization_id in runs for m in casework_memberships(u))), None)  # fmt: skip

    def own_plan(self, plan_type: str, user: User, person: Person, household: Household, index: int) -> None:
        kind = plan_types.get(plan_type)
        start = 150 - index * 10
        plan = plans.plan_create(user=user, plan_type=plan_type, person=person, household=household,
                                 data=plans.PlanInput(
            wishes="自分のペースで、できることを増やしたい", answers=answers_for(kind.fields),
            period_start=self.day(start), period_end=self.day(start - 180), monitoring_dates=[self.day(start - 90)],
        ))  # fmt: skip
        organization = plan.organization
        self._goals_and_roles(user, plan, [organization], start)
        plans.plan_approve(user=user, plan=plan, decided_on=self.day(start), reference=f"{kind.decided_by}（デモ）")
        self.counts["plans"] += 1
        plan.refresh_from_db()
        self.progress(user, plan, start - 30)

    def make(self) -> str:
        coordinator = self.users.get(COORDINATOR)
        self.role_users = [self.users[name] for name in ROLE_ACCOUNTS if name in self.users]
        if coordinator is None or len(self.role_users) < len(ROLE_ACCOUNTS):
            return "多機関協働・支援プラン: デモ用の職員がいないため作成しませんでした"
        self.coordinator: User = coordinator
        self.coordinating = casework_memberships(self.coordinator)[0].organization
        self.roles = [casework_memberships(u)[0].organization for u in self.role_users]
        people = self.candidates(self.coordinating)
        from_referrals = 0
        for index, target in enumerate(CASE_STATES):
            person, household, referral = people[index]
            from_referrals += referral is not None
            self.make_case(target, person, household, referral, index)
        rest = people[len(CASE_STATES) :]
        for index, (plan_type, program) in enumerate(PROGRAMME_PLANS):
            writer = self.program_writer(program)
            if writer is not None:
                chosen = self.parent(index) if program == "user-support" else None
                person, household, _referral = chosen or rest[index]
                self.own_plan(plan_type, writer, person, household, index)
        c = self.counts
        return (
            f"多機関協働・支援プラン: ケース{c['cases']}件（つなぎから{from_referrals}件）・"
            f"アセスメント{c['assessments']}件・プラン{c['plans']}版・モニタリング{c['progress']}件・評価{c['evaluations']}件を生成"
        )


def extend_demo_town(*, municipality: Municipality, rng: random.Random, as_of: date, people: int, user: User) -> str:
    """Add the demo 多機関協働 cases and 支援プラン; return a summary line. ``user`` (the inactive system user) does
    no casework: the demo accounts do, as the services require."""
    return DemoPlans(municipality=municipality, rng=rng, as_of=as_of).make()
