"""The 地域づくり indicators of the plan (拠点数・参加者数・参加機関数), computed from the records for a 年度
(April–March) or a month of it. The reports build on the same function.

For a period [start, end] within one 年度, per programme:

- 拠点数: places of the programme open on some day of the period (opened on or before ``end``, not closed
  before ``start``);
- 参加者数（延べ）: the sum of the sessions' head counts held in the period (anonymous attendance);
- 参加者数（実人数・把握分）: distinct known persons linked to those sessions — "where known", never more
  than the total;
- 参加機関数: distinct partner organisations that took part in those sessions or in the programme's
  coordinator log entries of the period;
- 開催回数 and ボランティア（延べ）, which the pages show beside them.

Counts name nobody, so community staff read them (``staff``). Each figure is one grouped query over the
whole plan, whatever the number of programmes.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from tsunagu.community.models import ActivitySession, CoordinatorLogEntry, Place, SessionParticipation
from tsunagu.community.staff import community_programs
from tsunagu.core.japanese.wareki import fiscal_year_label, fiscal_year_range, to_wareki
from tsunagu.plans.models import Program


class CountError(ValidationError):
    """A period the counts cannot be computed for; the message says why, in Japanese."""


@dataclass(frozen=True)
class Period:
    fiscal_year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        first, last = fiscal_year_range(self.fiscal_year)
        if (self.start, self.end) == (first, last):
            return fiscal_year_label(self.fiscal_year)
        return f"{fiscal_year_label(self.fiscal_year)} {to_wareki(self.start)}〜{to_wareki(self.end)}"


def period_of(fiscal_year: int, *, month: int | None = None, start: date | None = None, end: date | None = None
              ) -> Period:  # fmt: skip
    """The 年度 (or one month of it, or [start, end] inside it). A month or date outside it is refused."""
    if not 1900 <= fiscal_year <= 2999:
        raise CountError({"fiscal_year": [_("年度が正しくありません。")]})
    first, last = fiscal_year_range(fiscal_year)
    if month is not None:
        if not 1 <= month <= 12:
            raise CountError({"month": [_("月は1〜12で指定してください。")]})
        year = fiscal_year if month >= 4 else fiscal_year + 1
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
    start, end = start or first, end or last
    errors: dict[str, list[str]] = {}
    for name, value in (("start", start), ("end", end)):
        if not first <= value <= last:
            errors[name] = [_("%(day)sは%(fy)sの外です（%(first)s〜%(last)s）。") % {
                "day": to_wareki(value), "fy": fiscal_year_label(fiscal_year), "first": to_wareki(first),
                "last": to_wareki(last)}]  # fmt: skip
    if not errors and start > end:
        errors["end"] = [_("集計の終わりの日が始まりの日より前です。")]
    if errors:
        raise CountError(errors)
    return Period(fiscal_year, start, end)


@dataclass
class ProgramCounts:
    program: Program
    places: int = 0
    sessions: int = 0
    participants: int = 0
    known_participants: int = 0
    partners: int = 0
    volunteers: int = 0
    indicator_codes: set[str] = field(default_factory=set)


@dataclass
class CommunityCounts:
    period: Period
    programs: list[ProgramCounts]
    # The whole of 地域づくり事業: places and participants summed; persons and partners counted once.
    places: int = 0
    sessions: int = 0
    participants: int = 0
    known_participants: int = 0
    partners: int = 0
    volunteers: int = 0


def community_counts(*, municipality_id: int, period: Period) -> CommunityCounts:
    """The indicators of every 地域づくり事業 of the plan in force for ``period`` (nine queries, whatever the data)."""
    programs = list(community_programs(municipality_id).prefetch_related("indicators"))
    rows = {p.pk: ProgramCounts(program=p, indicator_codes={i.code for i in p.indicators.all()}) for p in programs}
    open_in_period = Q(opened_on__lte=period.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
    places = (Place.objects.filter(open_in_period, municipality_id=municipality_id, program_id__in=rows)
              .values_list("program_id").annotate(n=Count("id")).order_by())  # fmt: skip
    for program_id, n in places:
        rows[program_id].places = n
    sessions = ActivitySession.objects.filter(
        municipality_id=municipality_id, place__program_id__in=rows, held_on__gte=period.start,
        held_on__lte=period.end,
    )  # fmt: skip
    grouped = (sessions.values_list("place__program_id").order_by()
               .annotate(n=Count("id"), people=Sum("participants"), volunteers=Sum("volunteers")))  # fmt: skip
    for program_id, n, people, volunteers in grouped:
        rows[program_id].sessions, rows[program_id].participants = n, people or 0
        rows[program_id].volunteers = volunteers or 0
    known = SessionParticipation.objects.filter(session__in=sessions)
    for program_id, n in (known.values_list("session__place__program_id").order_by()
                          .annotate(n=Count("person_id", distinct=True))):  # fmt: skip
        rows[program_id].known_participants = n
    partner_pairs: set[tuple[int, int]] = set(
        sessions.filter(partners__isnull=False).values_list("place__program_id", "partners").distinct()
    )
    partner_pairs |= set(
        CoordinatorLogEntry.objects.filter(
            municipality_id=municipality_id, program_id__in=rows, worked_on__gte=period.start,
            worked_on__lte=period.end, partners__isnull=False,
        ).values_list("program_id", "partners").distinct()
    )  # fmt: skip
    by_program: dict[int, set[int]] = defaultdict(set)
    for program_id, partner_id in partner_pairs:
        by_program[program_id].add(partner_id)
    for program_id, partner_ids in by_program.items():
        rows[program_id].partners = len(partner_ids)
    listed = [rows[p.pk] for p in programs]
    return CommunityCounts(
        period=period, programs=listed, places=sum(r.places for r in listed), sessions=sum(r.sessions for r in listed),
        participants=sum(r.participants for r in listed), volunteers=sum(r.volunteers for r in listed),
        known_participants=known.values("person_id").distinct().count(),
        partners=len({partner_id for _p, partner_id in partner_pairs}),
    )  # fmt: skip
