"""和暦: showing and reading dates in the Japanese calendar, ages, and fiscal years (年度).

The eras are data, in ``eras.toml`` beside this module (name, romaji initial, first day), read once.
An era runs from its first day to the day before the next era's first day; the year an era begins is
its 元年, in long and short forms alike (令和元年5月1日, R1.5.1). Boundaries are exact: 2019-04-30 is
平成31年4月30日 and 2019-05-01 is 令和元年5月1日; 1989-01-07 is 昭和64年1月7日 and 1989-01-08 is
平成元年1月8日. Dates before 明治 began (1868-10-23) are shown in 西暦 only. Month and day are always
Gregorian: Japan used a lunisolar calendar until 明治6年 (1873), so for 明治元年 to 明治5年 the month and
day shown are not the ones written at the time (a resident's records never reach that far back).

``parse_date`` reads 和暦 and 西暦 in the forms people type: 令和7年4月1日, 令和元年5月1日, R7.4.1,
R07.04.01, r7.4.1, H31/4/30, 令7.4.1 (one-kanji era), 2025-04-01, 2025/4/1, 2025年4月1日, 20250401.
Full-width digits, letters and spaces are tolerated (NFKC), so are the squared era signs ㍻ and ㋿, and
the ``ー`` or ``−`` that a Japanese input method gives for the hyphen key. 令和1年 and 令和元年 are the
same year. Anything else raises ``WarekiError`` (a ``ValueError``) whose message is Japanese and says
what to fix: a year 0 of an era, a day a month does not have, a day outside its era, an unknown form.

A date outside its era is rejected, not rolled over: 平成32年5月1日 is refused with "平成は31年4月30日
までです" (and the message names 令和2年5月1日), 令和1年4月30日 with "令和は元年5月1日からです". Such
dates do appear on cards printed before an era changed (有効期限 平成32年3月31日), but an impossible
era date is just as often a mistyped era or year, and a silently converted birth date is worse than a
question: the person at the counter looks at the document and types the date as it is meant.

``age_on`` is 満年齢 for everyday display: a person is a year older on their birthday. The law
(年齢計算ニ関スル法律 with 民法143条) counts the year as ending at the end of the day before the
birthday, which is why eligibility rules (学齢, 65歳到達 in 介護保険) fall a day early; code that decides
eligibility must apply that rule itself, not this display age. Someone born on 2月29日 is a year older
on 3月1日 in a common year (on 2月29日 in a leap year): their birthday has not been reached on 2月28日.

``fiscal_year`` is the 年度, April to March. ``fiscal_year_label`` names a fiscal year with the era in
which its calendar year ends, as government documents do: fiscal year 2019 (2019-04-01 to 2020-03-31)
is 令和元年度, not 平成31年度, although its first month was 平成; 1988 is 昭和63年度 and 1989 平成元年度.
"""

from __future__ import annotations

import calendar
import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ERAS_FILE = Path(__file__).with_name("eras.toml")

FORMAT_HINT = gettext_lazy("日付として読み取れません（例: 令和7年4月1日、R7.4.1、2025-04-01）")

WarekiStyle = Literal["long", "short"]


class WarekiError(ValueError):
    """A text that is not a date. The message is Japanese and meant for the person who typed it."""


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    initial: str  # R
    start: date  # the first day, in 元年
    end: date | None  # the last day; None for the era in force

    @property
    def abbreviation(self) -> str:
        """The one-kanji form (令, 平, 昭, 大, 明): the first character of the name, for every era so far."""
        return self.name[0]

    def year_of(self, d: date) -> int:
        """The year of ``d`` counted in this era, 1 being 元年."""
        return d.year - self.start.year + 1


@functools.cache
def eras() -> tuple[Era, ...]:
    """The eras of ``eras.toml``, oldest first, each ending the day before the next one starts."""
    entries = sorted(tomllib.loads(ERAS_FILE.read_text(encoding="utf-8"))["eras"], key=lambda e: e["start"])
    result = []
    for index, entry in enumerate(entries):
        start = entry["start"]
        # TOML has local dates; a datetime here would be a mistake in the file, not a choice.
        if not isinstance(start, date) or isinstance(start, datetime):
            raise ValueError(f"{ERAS_FILE.name}: {entry.get('name')!r} の start は日付ではありません")
        following = entries[index + 1]["start"] if index + 1 < len(entries) else None
        end = following - timedelta(days=1) if following is not None else None
        result.append(Era(name=str(entry["name"]), initial=str(entry["initial"]).upper(), start=start, end=end))
    return tuple(result)


def era_of(d: date) -> Era | None:
    """The era ``d`` falls in, or None before 明治."""
    d = _as_date(d)
    for era in reversed(eras()):
        if d >= era.start:
            return era
    return None


def _as_date(d: date) -> date:
    # A datetime is a date, but comparing one with a date raises: use its own calendar day.
    return d.date() if isinstance(d, datetime) else d


def _year_label(year: int) -> str:
    return "元" if year == 1 else str(year)


def to_wareki(d: date, *, style: WarekiStyle = "long") -> str:
    """令和7年4月1日 (``style="long"``) or R7.4.1 (``style="short"``); before 明治, 西暦."""
    d = _as_date(d)
    era = era_of(d)
    if style == "long":
        if era is None:
            return f"{d.year}年{d.month}月{d.day}日"
        return f"{era.name}{_year_label(era.year_of(d))}年{d.month}月{d.day}日"
    if style == "short":
        if era is None:
            return d.isoformat()
        return f"{era.initial}{era.year_of(d)}.{d.month}.{d.day}"
    raise ValueError(f"style must be 'long' or 'short', not {style!r}")


def wareki_year(d: date) -> str:
    """The year of ``d``: 令和7年, 令和元年; before 明治, 1867年."""
    d = _as_date(d)
    era = era_of(d)
    if era is None:
        return f"{d.year}年"
    return f"{era.name}{_year_label(era.year_of(d))}年"


def fiscal_year_label(fy: int) -> str:
    """令和7年度 for fiscal year 2025; the era is the one the calendar year ``fy`` ends in (令和元年度)."""
    return f"{wareki_year(date(fy, 12, 31))}度"


# ---- reading dates -------------------------------------------------------------------------------

# The hyphen key gives ー or − in a Japanese input method's full-width mode; both are meant as "-".
_SEPARATOR = r"(?P<sep>[./\-ー−‐])"
_NUMERIC_TAIL = _SEPARATOR + r"(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"
_KANJI_TAIL = r"年(?P<month>[0-9]{1,2})月(?P<day>[0-9]{1,2})日?"
_SEIREKI_PATTERNS = (
    re.compile(r"(?P<year>[0-9]{4})" + _NUMERIC_TAIL),
    re.compile(r"(?P<year>[0-9]{4})" + _KANJI_TAIL),
    re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"),
)
# The most days each month can have, in a leap year: beyond this the day does not exist in any year.
_MOST_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@functools.cache
def _era_tokens() -> dict[str, Era]:
    tokens: dict[str, Era] = {}
    for era in eras():
        tokens[era.name] = era
        tokens[era.abbreviation] = era
        tokens[era.initial] = era
    return tokens


@functools.cache
def _wareki_patterns() -> tuple[re.Pattern[str], ...]:
    # Longest first, so 令和 is taken whole before 令 is tried.
    alternatives = "|".join(re.escape(token) for token in sorted(_era_tokens(), key=len, reverse=True))
    head = f"(?P<era>{alternatives})(?P<year>[0-9]{{1,3}}|元)"
    # IGNORECASE is for the initials (r7.4.1); NFKC has already folded look-alikes such as ſ and K.
    return (re.compile(head + _KANJI_TAIL, re.IGNORECASE), re.compile(head + _NUMERIC_TAIL, re.IGNORECASE))


def parse_date(text: str) -> date:
    """Read a date written in 和暦 or 西暦; raise ``WarekiError`` with a Japanese message otherwise."""
    # NFKC makes full-width digits, letters and separators ASCII and ㍻ 平成; spaces are ignored.
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    for pattern in _wareki_patterns():
        match = pattern.fullmatch(compact)
        if match:
            return _wareki_date(match)
    for pattern in _SEIREKI_PATTERNS:
        match = pattern.fullmatch(compact)
        if match:
            year = int(match["year"])
            if year == 0:
                raise WarekiError(_("0年という年はありません"))
            return _checked_date(year, int(match["month"]), int(match["day"]), year_label=f"{year}年")
    raise WarekiError(FORMAT_HINT)


def _wareki_date(match: re.Match[str]) -> date:
    token = match["era"]
    # The initials matched case-insensitively (r7.4.1); the table has them upper-case.
    era = _era_tokens().get(token) or _era_tokens()[token.upper()]
    year = 1 if match["year"] == "元" else int(match["year"])
    if year == 0:
        raise WarekiError(_("%(era)s0年という年はありません（最初の年は%(era)s元年です）") % {"era": era.name})
    gregorian = era.start.year + year - 1
    d = _checked_date(
        gregorian,
        int(match["month"]),
        int(match["day"]),
        year_label=f"{era.name}{_year_label(year)}年（{gregorian}年）",
    )
    if d < era.start:
        raise WarekiError(
            _("%(era)sは元年%(month)s月%(day)s日からです")
            % {"era": era.name, "month": era.start.month, "day": era.start.day}
            + _meant(d)
        )
    if era.end is not None and d > era.end:
        raise WarekiError(
            _("%(era)sは%(year)s年%(month)s月%(day)s日までです")
            % {"era": era.name, "year": era.year_of(era.end), "month": era.end.month, "day": era.end.day}
            + _meant(d)
        )
    return d


def _meant(d: date) -> str:
    """What the rejected date is in its own era, so the person can check the document and retype it."""
    if era_of(d) is None:
        return _("（明治より前の日付は西暦で入力してください）")
    return _("（%(year)s年%(month)s月%(day)s日は%(wareki)sです）") % {
        "year": d.year, "month": d.month, "day": d.day, "wareki": to_wareki(d),
    }  # fmt: skip


def _checked_date(year: int, month: int, day: int, *, year_label: str) -> date:
    if not 1 <= month <= 12:
        raise WarekiError(_("%(month)s月は存在しません") % {"month": month})
    if not 1 <= day <= _MOST_DAYS[month - 1]:
        raise WarekiError(_("%(month)s月%(day)s日は存在しません") % {"month": month, "day": day})
    if month == 2 and day == 29 and not calendar.isleap(year):
        raise WarekiError(_("%(year)sは閏年ではないため、2月29日は存在しません") % {"year": year_label})
    return date(year, month, day)


# ---- ages and fiscal years -----------------------------------------------------------------------


def age_on(birth: date, on: date) -> int:
    """満年齢 on ``on``: a year older on the birthday; born 2月29日, on 3月1日 in a common year.

    Raises ValueError when ``on`` is before ``birth``: nobody has an age before being born.
    """
    birth, on = _as_date(birth), _as_date(on)
    if on < birth:
        raise ValueError("生年月日より前の日の年齢はありません")
    # Comparing (month, day) makes a 2月29日 birthday "not yet reached" on 2月28日 of a common year.
    reached = (on.month, on.day) >= (birth.month, birth.day)
    return on.year - birth.year - (0 if reached else 1)


def fiscal_year(d: date) -> int:
    """The 年度 of ``d``: April to March, named by the year it starts in (2026-03-31 is in 2025)."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """The first and last day of fiscal year ``fy``: (fy-04-01, fy+1-03-31)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)
