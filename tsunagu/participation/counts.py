"""The plan's counts of 参加支援事業 for a 年度 or one of its months (評価指標: 対象者数, 協力事業者数), computed
from the records — no personal data in the answer, so anyone of the municipality's staff may read them. The
reports issue builds on the same queries.

- **対象者数**: the people with a participation support open at some time in the period: begun on or before its
  last day, and not ended before its first.
- **協力事業者数**: the hosts that received someone in the period: a match of one of their resources whose
  見学・体験 or participation began on or before the period's last day, and that had not ended before its first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.japanese.wareki import fiscal_year_range
from tsunagu.participation.models import ParticipationMatch, ParticipationSupport

FIRST_FISCAL_YEAR = 2000


@dataclass(frozen=True)
class Counts:
    fiscal_year: int
    month: int | None
    first_day: date
    last_day: date
    participants: int  # 対象者数
    cooperating_hosts: int  # 協力事業者数


def period(fiscal_year: int, month: int | None = None) -> tuple[date, date]:
    """The first and last day of the 年度 (April–March), or of one of its months (1–12; 1–3 are next year's)."""
    if fiscal_year < FIRST_FISCAL_YEAR or fiscal_year > timezone.localdate().year + 1:
        raise ValidationError(
            _("年度は%(first)d年度から%(last)d年度までで指定してください。")
            % {"first": FIRST_FISCAL_YEAR, "last": timezone.localdate().year + 1}
        )
    first, last = fiscal_year_range(fiscal_year)
    if month is None:
        return first, last
    if not 1 <= month <= 12:
        raise ValidationError(_("月は1〜12で指定してください。"))
    year = fiscal_year if month >= 4 else fiscal_year + 1
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _day_end(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.max))


def participation_counts(*, municipality_id: int, fiscal_year: int, month: int | None = None) -> Counts:
    first, last = period(fiscal_year, month)
    supports = ParticipationSupport.objects.filter(
        municipality_id=municipality_id, occurred_at__lte=_day_end(last)
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
    participants = supports.order_by().values("person_id").distinct().count()
    received = Q(trial_on__lte=last) | Q(started_on__lte=last)
    matches = ParticipationMatch.objects.filter(municipality_id=municipality_id).filter(received).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )  # fmt: skip
    hosts = matches.order_by().values("resource__host_id").distinct().count()
    return Counts(fiscal_year, month, first, last, participants, hosts)
