"""Dates as the reader's language writes them: 和暦 in Japanese (令和7年4月1日), and in English the
Gregorian date with the era's short form beside it (1 April 2025 (R7)), so that a caseworker reading in
English can still match the date on a Japanese document. Official prints are rendered in Japanese
(``tsunagu.printing.japanese``), so they always get 和暦.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from tsunagu.core.japanese.wareki import era_of, fiscal_year_label, to_wareki, wareki_year

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


def _japanese() -> bool:
    return (translation.get_language() or "ja").startswith("ja")


def _era_short(d: date) -> str:
    era = era_of(d)
    return f"{era.initial}{era.year_of(d)}" if era is not None else ""


def date_label(d: date) -> str:
    """令和7年4月1日, or 1 April 2025 (R7) when the active language is not Japanese."""
    if _japanese():
        return to_wareki(d)
    era = _era_short(d)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}" + (f" ({era})" if era else "")


def year_label(d: date) -> str:
    """令和7年, or 2025 (R7)."""
    if _japanese():
        return wareki_year(d)
    era = _era_short(d)
    return f"{d.year}" + (f" ({era})" if era else "")


def fiscal_year_text(fy: int) -> str:
    """令和7年度, or FY2025 (R7): the era is the one the fiscal year's calendar year ends in, as in Japanese."""
    if _japanese():
        return fiscal_year_label(fy)
    era = _era_short(date(fy, 12, 31))
    return f"FY{fy}" + (f" ({era})" if era else "")
