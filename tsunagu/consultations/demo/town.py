"""``Town``: the state of one run — the town read once (people, households, grants, consents, staff), the
calendar of business days and hours, and the random draws on them. The other parts build on it."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import TypeVar

from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.consultations.defaults import issues_ensure, routing_rules_ensure
from tsunagu.consultations.demo.drafts import Counts, Resident
from tsunagu.consultations.demo.scenarios import CLOSES, OPENS, SCENARIOS, YEAR_END, Pool, Scenario
from tsunagu.consultations.routing import RoutingResult
from tsunagu.consultations.services import meeting_secretariat
from tsunagu.core.demo import DEMO_ACCOUNTS
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Membership, Municipality, Organization, Role, User
from tsunagu.people.models import HouseholdMember, Person
from tsunagu.plans.models import Category, Program
from tsunagu.plans.selectors import plan_current_for_municipality

T = TypeVar("T")


class Town:
    """The state of one run: the town read once, the business calendar, and the draws on them."""

    def __init__(self, *, municipality: Municipality, rng: random.Random, as_of: date, user: User) -> None:
        self.municipality = municipality
        self.rng = rng
        self.as_of = as_of
        self.user = user
        self.zone = timezone.get_default_timezone()
        self.counts = Counts()
        self.organizations = {o.name: o for o in Organization.objects.filter(municipality=municipality)}
        plan = plan_current_for_municipality(municipality=municipality)
        self.programs = {p.code: p for p in Program.objects.filter(plan=plan)} if plan is not None else {}
        self.issues = {issue.code: issue for issue in issues_ensure(municipality)}
        # The rules ``suggest`` applies (active, for a programme of the plan in force): which of them
        # match, with the domains and the complex issues, is all its answer depends on — so it is asked
        # once for each such combination, not once per consultation.
        program_ids = {p.pk for p in self.programs.values()}
        self.rules = [r for r in routing_rules_ensure(municipality) if r.program_id in program_ids]
        self.routing_cache: dict[tuple[object, ...], RoutingResult] = {}
        self.collaboration_program = next(
            (p for p in self.programs.values() if p.category == Category.COLLABORATION), None
        )
        self.secretariat = meeting_secretariat(municipality.pk)
        self.staff = self._staff()
        self.days = self._business_days()
        self.scenarios = [s for s in SCENARIOS if self._usable(s)]
        self._read_town()

    # -- reading the town

    def _usable(self, scenario: Scenario) -> bool:
        """A scenario needs its agency, its programme and its main issues in this municipality."""
        return (
            scenario.agency in self.organizations
            and scenario.program in self.programs
            and any(code in self.issues for code, _ in scenario.main)
        )

    def _staff(self) -> dict[int, list[tuple[User, str]]]:
        """The demo accounts doing casework at each organisation (none: the inactive system user stands in)."""
        usernames = [a.username for a in DEMO_ACCOUNTS if a.role in (Role.CASEWORKER, Role.COORDINATOR)]
        memberships = (
            Membership.objects.filter(
                municipality=self.municipality,
                user__username__in=usernames,
                user__is_active=True,
                role__in=[Role.CASEWORKER, Role.COORDINATOR],
            )
            .select_related("user")
            .order_by("user__username", "pk")
        )
        staff: dict[int, list[tuple[User, str]]] = defaultdict(list)
        for membership in memberships:
            staff[membership.organization_id].append((membership.user, membership.role))
        return staff

    def _read_town(self) -> None:
        people = Person.objects.filter(municipality=self.municipality, merged_into__isnull=True).order_by("pk")
        self.residents: list[Resident] = []
        by_pk: dict[int, Resident] = {}
        for pk, family, given, birth, gender, registered in people.values_list(
            "pk", "family_name", "given_name", "birth_date", "gender", "is_registered_resident"
        ):
            age = age_on(birth, self.as_of) if birth is not None and birth <= self.as_of else None
            resident = Resident(pk, self.municipality.pk, family, given, birth, gender, registered, age)
            self.residents.append(resident)
            by_pk[pk] = resident
        self.households: dict[int, list[Resident]] = defaultdict(list)
        members = HouseholdMember.objects.filter(municipality=self.municipality).order_by("household_id", "order", "pk")
        for household_id, person_id, relationship in members.values_list("household_id", "person_id", "relationship"):
            member = by_pk.get(person_id)
            if member is not None:
                member.household, member.relationship = household_id, relationship
                self.households[household_id].append(member)
        # Who already holds what on whom: own records (to prefer an agency's own clients, and not to
        # grant twice) and every active grant (as referral_accept looks before it grants).
        self.grants: set[tuple[int, int, str]] = set(
            AccessGrant.objects.active()
            .filter(municipality=self.municipality)
            .values_list("organization_id", "person_id", "basis")
        )
        self.clients: dict[int, set[int]] = defaultdict(set)
        for organization_id, person_id, basis in self.grants:
            if basis == Basis.OWN_RECORD:
                self.clients[organization_id].add(person_id)
        # The consents in force, with their scope: a consultation with consent uses one that covers it.
        self.consents: dict[int, list[tuple[Consent, set[int]]]] = defaultdict(list)
        scopes: dict[int, set[int]] = defaultdict(set)
        through = Consent.organizations.through.objects.filter(consent__municipality=self.municipality)
        for consent_id, organization_id in through.values_list("consent_id", "organization_id"):
            scopes[consent_id].add(organization_id)
        active = Consent.objects.filter(municipality=self.municipality, withdrawn_on__isnull=True)
        for consent in active.order_by("given_on", "pk"):
            self.consents[consent.person_id].append((consent, scopes[consent.pk]))
        self.pools = self._pools()
        self.own_clients: dict[tuple[Pool, int], list[Resident]] = {}
        # The older, the likelier to need the 地域包括: 65–74, 75–84, 85+ as 1 : 2.5 : 4.
        bands = (1.0 if (r.age or 0) < 75 else 2.5 if (r.age or 0) < 85 else 4.0 for r in self.pools[Pool.ELDERLY])
        self.elderly_weights = list(accumulate(bands))

    def _pools(self) -> dict[Pool, list[Resident]]:
        pools: dict[Pool, list[Resident]] = {pool: [] for pool in Pool}
        for r in self.residents:
            if r.age is None:
                continue
            house = self.households.get(r.household, []) if r.household is not None else []
            others = [m.age for m in house if m is not r and m.age is not None]
            alone = not others
            if r.age >= 65:
                pools[Pool.ELDERLY].append(r)
                pools[Pool.ELDERLY_ALONE if alone else Pool.ELDERLY_WITH_FAMILY].append(r)
            if not any(a < 18 for a in others):
                if r.age >= 70 and any(35 <= a <= 64 for a in others):
                    pools[Pool.PARENT_OF_8050].append(r)
                if 35 <= r.age <= 64 and any(a >= 70 for a in others):
                    pools[Pool.CHILD_OF_8050].append(r)
            if 18 <= r.age <= 64:
                pools[Pool.WORKING_AGE].append(r)
                if alone:
                    pools[Pool.WORKING_ALONE].append(r)
            if 18 <= r.age <= 54 and any(a < 18 for a in others):
                pools[Pool.PARENT].append(r)
            if 25 <= r.age <= 55 and any(a < 12 for a in others) and any(a >= 70 for a in others):
                pools[Pool.DOUBLE_CARE].append(r)
            if 6 <= r.age <= 15:
                pools[Pool.SCHOOL_CHILD].append(r)
            if 10 <= r.age <= 17 and any(a >= 70 for a in others):
                pools[Pool.YOUNG_CARER].append(r)
            if 1 <= r.age <= 17:
                pools[Pool.MINOR].append(r)
            if r.age >= 18:
                pools[Pool.ADULT].append(r)
                if not r.registered:
                    pools[Pool.UNREGISTERED_ADULT].append(r)
            if 15 <= r.age <= 64:
                pools[Pool.DISABILITY_AGE].append(r)
        return pools

    def _business_days(self) -> list[date]:
        first = self.as_of - timedelta(days=400)
        days = (first + timedelta(days=n) for n in range(480))
        return [d for d in days if d.weekday() < 5 and (d.month, d.day) not in YEAR_END]

    # -- time

    def _day_after(self, day: date, business_days: int) -> date:
        """The business day ``business_days`` after ``day`` (0: ``day`` itself, or the next if it is closed)."""
        index = bisect_left(self.days, day) + business_days
        return self.days[min(index, len(self.days) - 1)]

    def _business_day_between(self, first: date, last: date) -> date:
        """A business day from ``first`` to ``last``: a due date or a planned visit falls on one (if any)."""
        days = self.days[bisect_left(self.days, first) : bisect_left(self.days, last + timedelta(days=1))]
        return self.rng.choice(days) if days else first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def _moment(self, day: date, after: datetime | None = None, *, until: int = CLOSES) -> datetime | None:
        """A time in business hours on ``day``; on the day of ``after``, within three hours after it.

        None when the day has no time left.
        """
        earliest, latest = OPENS, until
        if after is not None and timezone.localtime(after, self.zone).date() == day:
            local = timezone.localtime(after, self.zone)
            earliest = max(earliest, local.hour * 60 + local.minute + 10)
            latest = min(until, earliest + 180)
        if earliest > latest:
            return None
        minute = self.rng.randint(earliest, latest)
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)

    def _later(self, after: datetime, low: int, high: int) -> datetime | None:
        """A moment ``low``–``high`` business days after ``after``, before the reference date; else None."""
        day = self._day_after(timezone.localtime(after, self.zone).date(), self.rng.randint(low, high))
        while day < self.as_of:
            moment = self._moment(day, after)
            if moment is not None:
                return moment
            day = self._day_after(day, 1)
        return None

    # -- drawing

    def pick(self, choices: Sequence[tuple[T, float]]) -> T:
        values = [value for value, _ in choices]
        return self.rng.choices(values, cum_weights=list(accumulate(w for _, w in choices)))[0]
