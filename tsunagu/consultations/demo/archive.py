"""``Archive``: the city's earlier casework, at the budget scale of DESIGN §8 (issue 16).

The year (``Year``) is drawn record by record through the ORM — referrals, consents, the week's next steps —
which is right for a town's 1,200 consultations and far too slow for the city's 2,000,000 with their
10,000,000 progress records. So at a scale with an archive (``ARCHIVES``) the year is made as everywhere, and
the archive then adds the rest: consultations spread evenly over the business days of the last
``YEARS`` years (several 年度), each with its progress records, written as plain rows by
``tsunagu.core.bulk_load`` (``COPY`` on PostgreSQL, prepared ``executemany`` on SQLite) in the run's
transaction, a chunk of days at a time so that memory stays bounded.

The rows are those the services write (``consultation_record``, ``case_note_add``): the consultation with its
issues (the M2M rows) and domains, and — as registering the person at the receiving agency gives — the
agency's own-record grant on the person when it has none yet. The archive draws from the year's scenarios:
the same agencies in the same proportions, people from the same pools (an agency's own clients first), a
consultation with consent resting on a consent the person had already given that covers the agency
(without one the minimal form). Outcomes are 継続支援 / 情報提供のみ / 終了 in the year's proportions; the
archive has no referrals (the year's referrals are the inboxes' open ones). Deterministic from the run's
``rng`` like the year, and not run at all at the town scale, which stays as it was.
"""

from __future__ import annotations

import json
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from io import TextIOBase
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TextIO

from django.db import connection
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent, ConsentGiver, ConsentMethod
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.demo.drafts import Resident
from tsunagu.consultations.demo.phrases import (
    CLOSING_NOTE,
    CONCERNED,
    CONSENT_PURPOSE,
    DEFAULT_WISHES,
    ELDERLY_WISHES,
    ELDERLY_WORDS,
    FIRST_NOTES,
    GENERIC_NOTES,
    INFORMATION_NOTE,
    NOTES,
    OUTCOME_NOTES,
    WISHES,
    WORDS,
    Note,
)
from tsunagu.consultations.demo.scenarios import ANONYMOUS, LAST_INTAKE, OPENS, OTHER_OUTCOMES, WITHOUT_CONSENT, Pool
from tsunagu.consultations.models import CaseNote, ConsentVariant, Consultation, Outcome, Route, Urgency, Visitor
from tsunagu.consultations.routing import consultation_domains
from tsunagu.core.bulk_load import TableLoader, indexes_deferred
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Role
from tsunagu.plans.models import Category

if TYPE_CHECKING:
    from tsunagu.consultations.demo.year import Year

YEARS = 5  # the archive's consultations fall on the business days of the last five years


@dataclass(frozen=True)
class ArchiveRates:
    """Per person of the town: consultations and progress records in the whole archive (the year included)."""

    consultations: float
    notes: float


# DESIGN §8: 2,000,000 consultations and 10,000,000 progress records for the city's 500,000 people.
ARCHIVES: dict[str, ArchiveRates] = {"city": ArchiveRates(consultations=4.0, notes=20.0)}
CHUNK_DAYS = 10  # business days generated and written at a time
OUTCOMES = tuple(o for o, _ in OTHER_OUTCOMES)
OUTCOME_WEIGHTS = list(accumulate(w for _, w in OTHER_OUTCOMES))
ISSUE_COUNTS = ((0, 25), (1, 40), (2, 25), (3, 10))  # extra issues beside the main one, as the year draws


@dataclass
class ArchiveCounts:
    consultations: int = 0
    notes: int = 0
    issues: int = 0
    grants: int = 0
    consents: int = 0
    seconds: float = 0.0
    rates: dict[str, float] = field(default_factory=dict)  # rows a second written, by table


@dataclass
class _Door:
    """A scenario, resolved once: ids and cumulative weights instead of names and objects."""

    organization_id: int
    program_id: int
    staff: list[int]
    main: list[tuple[int, str]]  # (issue id, code)
    main_weights: list[float]
    extra: list[int]
    routes: list[Route]
    route_weights: list[float]
    pool: list[Resident]
    own: list[Resident]
    elderly: bool


class Archive:
    """One archive run on the ``Year`` the year was made from (its people, grants, consents and staff)."""

    def __init__(self, town: Year, *, stdout: TextIOBase | TextIO | None = None) -> None:
        self.town = town
        self.rng = town.rng
        self.stdout = stdout
        # Times are made naive in UTC (JST has no DST) and written in the text the backend stores.
        self.fmt_naive = str if connection.vendor == "sqlite" else _pg_text
        self.now = self.fmt_naive(timezone.now().astimezone(UTC).replace(tzinfo=None))
        self.issue_orders = {i.pk: i.order for i in town.issues.values()}
        self.issue_by_pk = {i.pk: i for i in town.issues.values()}
        self.domain_cache: dict[tuple[tuple[int, ...], int | None], str] = {}
        self.doors = [self._door(s) for s in town.scenarios]
        self.door_weights = list(accumulate(s.weight for s in town.scenarios))
        # The business days of the archive, each with its local midnight in UTC (naive; JST has no DST).
        first = town.as_of - timedelta(days=365 * YEARS)
        days = (first + timedelta(days=n) for n in range((town.as_of - first).days))
        self.days = [d for d in days if d.weekday() < 5 and d not in self._closed()]
        self.midnights = [
            datetime.combine(d, datetime.min.time(), tzinfo=town.zone).astimezone(UTC).replace(tzinfo=None)
            for d in self.days
        ]

    def _closed(self) -> set[date]:
        from tsunagu.consultations.demo.scenarios import YEAR_END

        first = self.town.as_of.year - YEARS - 1
        return {date(y, m, d) for y in range(first, self.town.as_of.year + 1) for m, d in YEAR_END}

    def _door(self, scenario: Any) -> _Door:
        t = self.town
        organization = t.organizations[scenario.agency]
        program = t.programs[scenario.program]
        staff = t.staff.get(organization.pk, [])
        wanted = Role.COORDINATOR if program.category == Category.COLLABORATION else Role.CASEWORKER
        preferred = [u.pk for u, role in staff if role == wanted] or [u.pk for u, _ in staff] or [t.user.pk]
        main = [(t.issues[c].pk, c, w) for c, w in scenario.main if c in t.issues]
        pool = t.pools[scenario.pool]
        clients = t.clients.get(organization.pk, set())
        own = [r for r in pool if r.pk in clients] if clients and len(clients) < len(t.residents) // 2 else []
        return _Door(
            organization_id=organization.pk,
            program_id=program.pk,
            staff=preferred,
            main=[(pk, c) for pk, c, _ in main],
            main_weights=list(accumulate(w for _, _, w in main)),
            extra=[t.issues[c].pk for c in scenario.extra if c in t.issues],
            routes=[r for r, _ in scenario.routes],
            route_weights=list(accumulate(w for _, w in scenario.routes)),
            pool=pool,
            own=own,
            elderly=scenario.pool == Pool.ELDERLY,
        )

    # -- the run

    def write(self, *, consultations: int, notes: int) -> ArchiveCounts:
        """Add about ``consultations`` consultations and ``notes`` progress records over the archive's days."""
        counts = ArchiveCounts()
        if consultations <= 0 or not self.doors or not self.days:
            return counts
        started = time.monotonic()
        out = self.stdout
        self.consultations = TableLoader(Consultation, CONSULTATION_COLUMNS, label="相談（過去分）", stdout=out)
        self.issues = TableLoader(Consultation.issues.through, ISSUE_COLUMNS, label="相談内容", stdout=out)
        self.notes = TableLoader(CaseNote, NOTE_COLUMNS, label="支援経過（過去分）", stdout=out)
        self.grants = TableLoader(AccessGrant, GRANT_COLUMNS, label="閲覧権限（過去分）", stdout=out)
        self.consent_rows = TableLoader(Consent, CONSENT_COLUMNS, label="本人同意（過去分）", stdout=out)
        self.scope_rows = TableLoader(Consent.organizations.through, SCOPE_COLUMNS, label="同意の範囲", stdout=out)
        self.given: dict[int, list[tuple[int, date, int]]] = {}  # person → (consent, given on, agency) made here
        self.remaining_consultations, self.remaining_notes = consultations, notes
        # Not the grants' table: the town's own grants make it large already, and the archive adds few.
        deferred = (Consultation, Consultation.issues.through, CaseNote, Consent, Consent.organizations.through)
        with indexes_deferred(deferred) as names:
            self._write_days(consultations, notes, counts)
            if out is not None:
                out.write(f"    索引{len(names)}件を再作成中…\n")
            rebuilding = time.monotonic()
        if out is not None:
            out.write(f"    索引の再作成: {time.monotonic() - rebuilding:.1f}秒\n")
        for loader in (self.consent_rows, self.scope_rows, self.consultations, self.issues, self.notes, self.grants):
            loader.finish()
        counts.notes, counts.issues, counts.grants = self.notes.written, self.issues.written, self.grants.written
        counts.consents = self.consent_rows.written
        counts.seconds = time.monotonic() - started
        counts.rates = {
            "consultations": self.consultations.rate(),
            "issues": self.issues.rate(),
            "notes": self.notes.rate(),
            "grants": self.grants.rate(),
            "consents": self.consent_rows.rate(),
        }
        self.town.counts.grants += counts.grants
        audit_record(
            user=self.town.user,
            action=Action.CREATE,
            summary=f"demo_town: 過去{YEARS}年分の相談{counts.consultations}件・支援経過{counts.notes}件を一括生成",
            changes={"consultations": counts.consultations, "case_notes": counts.notes, "issues": counts.issues,
                     "grants": counts.grants, "consents": counts.consents, "as_of": self.town.as_of},
        )  # fmt: skip
        return counts

    def _write_days(self, consultations: int, notes: int, counts: ArchiveCounts) -> None:
        """The days in chunks of ``CHUNK_DAYS``: drawn, then written table by table."""
        per_day = consultations / len(self.days)
        for chunk_start in range(0, len(self.days), CHUNK_DAYS):
            rows: dict[str, list[tuple[Any, ...]]] = {"k": [], "s": [], "c": [], "i": [], "n": [], "g": []}
            # Progress records per continuing consultation (one for 情報提供のみ, at most three for 終了),
            # re-aimed each chunk at what is still to make; aimed a little high, as the reference date cuts
            # the last weeks' series short.
            named = max(1.0, self.remaining_consultations * (1 - ANONYMOUS))
            mean = max(1.0, 1.03 * (self.remaining_notes / named - 0.41) / 0.75)
            for index in range(chunk_start, min(chunk_start + CHUNK_DAYS, len(self.days))):
                due = (index + 1) * per_day - counts.consultations
                for _ in range(max(0, round(due))):
                    self._consultation(index, mean, rows)
                    counts.consultations += 1
            self.consent_rows.write(rows["k"])
            self.scope_rows.write(rows["s"])
            self.consultations.write(rows["c"])
            self.issues.write(rows["i"])
            self.notes.write(rows["n"])
            self.grants.write(rows["g"])
            self.remaining_consultations = consultations - counts.consultations
            self.remaining_notes = notes - self.notes.written

    # -- one consultation and its records

    def _person(self, door: _Door) -> Resident | None:
        rng = self.rng
        if door.own and rng.random() < 0.6:
            return rng.choice(door.own)
        if not door.pool:
            return None
        if door.elderly:
            return rng.choices(door.pool, cum_weights=self.town.elderly_weights)[0]
        return rng.choice(door.pool)

    def _consultation(self, index: int, mean: float, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        rng, t = self.rng, self.town
        door = self.doors[bisect_left(self.door_weights, rng.random() * self.door_weights[-1])]
        day = self.days[index]
        person = self._person(door)
        age: int | None = None
        born = person.birth_date if person is not None else None
        if born is not None:
            if born > day:
                person = None  # not born yet on that day: an anonymous caller stands in
            else:
                age = age_on(born, day)
        minute = rng.randint(OPENS, LAST_INTAKE)
        received = self.midnights[index] + timedelta(minutes=minute)
        main_pk, code = door.main[bisect_left(door.main_weights, rng.random() * door.main_weights[-1])]
        extra = [pk for pk in door.extra if pk != main_pk]
        extra_count = ISSUE_COUNTS[bisect_left((25, 65, 90, 100), rng.random() * 100)][0]
        issues = sorted([main_pk, *rng.sample(extra, min(len(extra), extra_count))], key=self.issue_orders.__getitem__)
        draw = rng.random()
        anonymous = person is None or draw < ANONYMOUS
        route = door.routes[bisect_left(door.route_weights, rng.random() * door.route_weights[-1])]
        consent_id: int | None = None
        staff = rng.choice(door.staff)
        if not anonymous and draw >= ANONYMOUS + WITHOUT_CONSENT:
            assert person is not None
            consent_id = self._consent(person, door, day, age, staff, received, rows)
        full = consent_id is not None
        outcome = OUTCOMES[bisect_left(OUTCOME_WEIGHTS, rng.random() * OUTCOME_WEIGHTS[-1])]
        visitor, visitor_name, relation = Visitor.PERSON, "", ""
        if not anonymous and route in (Route.AGENCY, Route.WELFARE_COMMISSIONER, Route.RESIDENT):
            visitor = Visitor.CONCERNED
            if route == Route.AGENCY:
                group = "children" if (age or 0) < 18 else "elderly" if (age or 0) >= 65 else "adults"
                relation = rng.choice(CONCERNED[group])
            else:
                relation = "民生委員" if route == Route.WELFARE_COMMISSIONER else "近隣住民"
            visitor_name = "（デモ）関係者"
        words = wishes = ""
        if full:
            words = rng.choice((ELDERLY_WORDS if (age or 0) >= 65 else {}).get(code) or WORDS.get(code, WORDS["other"]))
            wishes = rng.choice(
                (ELDERLY_WISHES if (age or 0) >= 65 else {}).get(code) or WISHES.get(code, DEFAULT_WISHES)
            )
        urgency = Urgency.NORMAL if rng.random() < 0.85 else Urgency.SOON if rng.random() < 0.8 else Urgency.URGENT
        key = (tuple(issues), age)
        domains = self.domain_cache.get(key)
        if domains is None:
            domains = self.domain_cache[key] = json.dumps(
                list(consultation_domains([self.issue_by_pk[pk] for pk in issues], age))
            )
        pk = self.consultations.next_id()
        description = ""
        if anonymous:
            description = t._describe(person, route) if person is not None else "匿名での相談（デモ）"
        rows["c"].append((
            pk, t.municipality.pk, door.organization_id, door.program_id, self.fmt_naive(received), staff, route,
            visitor, visitor_name, relation, "", None if anonymous else person.pk,  # type: ignore[union-attr]
            person.household if full and person is not None else None, anonymous, description,
            ConsentVariant.WITH_CONSENT if full else ConsentVariant.WITHOUT_CONSENT, consent_id, main_pk, "",
            words, wishes, urgency, outcome, OUTCOME_NOTES[outcome] if full else "", domains, self.now,
        ))  # fmt: skip
        rows["i"] += [(self.issues.next_id(), pk, issue) for issue in issues]
        if anonymous:
            return
        assert person is not None
        if (door.organization_id, person.pk, Basis.OWN_RECORD) not in t.grants:
            # As registering the person at the receiving agency gives: its own record, from that moment.
            t.grants.add((door.organization_id, person.pk, Basis.OWN_RECORD))
            at = self.fmt_naive(received)
            rows["g"].append((
                self.grants.next_id(), t.municipality.pk, door.organization_id, person.pk, Basis.OWN_RECORD,
                "registration", None, "", t.user.pk, at, at, None, None, None, "", "", None, None, "",
            ))  # fmt: skip
        self._notes(index, minute, pk, door, person, staff, code, age, outcome, mean, rows["n"])

    def _consent(self, person: Resident, door: _Door, day: date, age: int | None, staff: int, received: datetime,
                 rows: dict[str, list[tuple[Any, ...]]]) -> int | None:  # fmt: skip
        """The consent a consultation with consent rests on: one given before that covers the agency, or a new
        one (as the year's, with its scope and its grant, consent_record's shape); None for a child with
        nobody at home to consent for them (the minimal form, as the year does)."""
        t, org = self.town, door.organization_id
        for consent, scope in reversed(t.consents.get(person.pk, ())):
            if consent.given_on <= day and org in scope:
                return consent.pk
        for pk, given_on, scope_org in reversed(self.given.get(person.pk, ())):
            if given_on <= day and scope_org == org:
                return pk
        guardian = t._guardian(person) if (age or 0) < 18 else None
        if (age or 0) < 18 and guardian is None:
            return None
        pk = self.consent_rows.next_id()
        method = ConsentMethod.WRITTEN if self.rng.random() < 0.8 else ConsentMethod.ORAL
        rows["k"].append((
            pk, t.municipality.pk, person.pk, False, CONSENT_PURPOSE, method,
            ConsentGiver.PARENT if guardian else ConsentGiver.SELF, guardian.full_name if guardian else "",
            t._relation(guardian, person) if guardian else "", day.isoformat(), staff, org, "", self.now, None, None,
            "",
        ))  # fmt: skip
        rows["s"].append((self.scope_rows.next_id(), pk, org))
        at = self.fmt_naive(received)
        rows["g"].append((
            self.grants.next_id(), t.municipality.pk, org, person.pk, Basis.CONSENT, f"consent:{pk}", pk,
            CONSENT_PURPOSE, staff, at, at, None, None, None, "", "", None, None, "",
        ))  # fmt: skip
        t.grants.add((org, person.pk, Basis.CONSENT))
        self.given.setdefault(person.pk, []).append((pk, day, org))
        return pk

    def _notes(self, index: int, minute: int, consultation: int, door: _Door, person: Resident, staff: int,
               code: str, age: int | None, outcome: str, mean: float, rows: list[tuple[Any, ...]]) -> None:  # fmt: skip
        rng = self.rng
        if outcome == Outcome.INFORMATION:
            count = 1
        else:
            high = 2 * mean - 1
            count = rng.randint(1, int(high) + (rng.random() < high - int(high)))
            if outcome == Outcome.ENDED:
                count = min(count, 3)
        topic = "care" if code == "health" and (age or 0) >= 65 else code
        topics = NOTES.get(topic, GENERIC_NOTES) + GENERIC_NOTES[:1]
        last_day = len(self.days)
        # The first record: the same day, after the intake (half of them), or one to five business days on.
        if rng.random() < 0.5:
            day, at = index, min(minute + rng.randint(10, 180), 23 * 60)
        else:
            day, at = index + rng.randint(1, 5), rng.randint(OPENS, LAST_INTAKE)
        series: list[tuple[int, int, Note]] = []
        while day < last_day and len(series) < count:
            if outcome == Outcome.INFORMATION:
                note = INFORMATION_NOTE
            elif outcome == Outcome.ENDED and len(series) == count - 1:
                note = CLOSING_NOTE
            elif not series:
                note = rng.choice(FIRST_NOTES)
            else:
                note = rng.choice(topics)
            series.append((day, at, note))
            day, at = day + rng.randint(3, 15), rng.randint(OPENS, LAST_INTAKE)
        m = self.town.municipality.pk
        for n, (day, at, note) in enumerate(series):
            means, counterpart, detail, content, next_step = note
            next_on: str | None = None
            if n + 1 < len(series):
                next_on = self.days[series[n + 1][0]].isoformat() if next_step else None
            elif next_step and outcome == Outcome.HANDLED and day >= last_day - 30:
                # Support goes on: the last record's next step lies ahead (or just passed), as the year's do.
                next_on = (self.days[day] + timedelta(days=rng.randint(7, 45))).isoformat()
            rows.append((
                self.notes.next_id(), m, door.organization_id, person.pk, None,
                self.fmt_naive(self.midnights[day] + timedelta(minutes=at)), staff, self.now, 1, consultation,
                means, counterpart, detail, content, next_step if next_on else "", next_on,
            ))  # fmt: skip


def _pg_text(value: datetime) -> str:
    return f"{value}+00:00"


CONSULTATION_COLUMNS = (
    "municipality_id", "organization_id", "program_id", "received_at", "staff_id", "route", "visitor",
    "visitor_name", "visitor_relationship", "visitor_phone", "person_id", "household_id", "is_anonymous",
    "anonymous_description", "consent_variant", "consent_id", "main_issue_id", "issue_note", "words", "wishes",
    "urgency", "outcome", "outcome_note", "domains", "created_at",
)  # fmt: skip
ISSUE_COLUMNS = ("consultation_id", "consultationissue_id")
NOTE_COLUMNS = (
    "municipality_id", "organization_id", "person_id", "household_id", "occurred_at", "staff_id", "created_at",
    "version", "consultation_id", "means", "counterpart", "counterpart_detail", "content", "next_step",
    "next_step_on",
)  # fmt: skip
GRANT_COLUMNS = (
    "municipality_id", "organization_id", "person_id", "basis", "source", "consent_id", "reason", "granted_by_id",
    "granted_at", "valid_from", "valid_until", "revoked_at", "revoked_by_id", "revoke_reason", "review_status",
    "reviewed_by_id", "reviewed_at", "review_note",
)  # fmt: skip
CONSENT_COLUMNS = (
    "municipality_id", "person_id", "all_plan_agencies", "purpose", "method", "given_by", "representative_name",
    "representative_relationship", "given_on", "taken_by_id", "taken_by_organization_id", "document", "recorded_at",
    "withdrawn_on", "withdrawn_recorded_by_id", "withdrawal_note",
)  # fmt: skip
SCOPE_COLUMNS = ("consent_id", "organization_id")
