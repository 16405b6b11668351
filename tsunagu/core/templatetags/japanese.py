"""Template filters for Japanese dates, fiscal years and ages. Load with ``{% load japanese %}``.

    {{ person.birth_date|wareki }}          令和7年4月1日 (in English: 1 April 2025 (R7), core.japanese.display)
    {{ person.birth_date|wareki_short }}    R7.4.1
    {{ 2025|fiscal_year_label }}            令和7年度 (a date gives the label of its fiscal year)
    {{ person.birth_date|age_on:today }}    満年齢 on that day
    {{ person.birth_date|age }}             満年齢 today, the local day (timezone.localdate())

A missing value (None, "") renders as "", and so does a value that is not a date or a birth date after
the day asked about: a page shows a gap where a record lacks a date, it does not fail. An aware datetime
is taken on its local day, so a record made at 08:00 in Tokyo is not dated the day before (UTC).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django import template
from django.utils import timezone

from tsunagu.core.japanese import display
from tsunagu.core.japanese import wareki as jp

register = template.Library()


def _local_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, date):
        return value
    return None


@register.filter
def wareki(value: object) -> str:
    d = _local_date(value)
    return "" if d is None else display.date_label(d)


@register.filter
def wareki_short(value: object) -> str:
    d = _local_date(value)
    return "" if d is None else jp.to_wareki(d, style="short")


@register.filter
def fiscal_year_label(value: object) -> str:
    d = _local_date(value)
    if d is not None:
        return display.fiscal_year_text(jp.fiscal_year(d))
    # bool is an int too, and True is no fiscal year.
    if isinstance(value, int) and not isinstance(value, bool):
        fy = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{4}", value.strip()):
        fy = int(value)
    else:
        return ""
    return display.fiscal_year_text(fy) if 1 <= fy <= 9999 else ""


@register.filter
def age_on(value: object, on: object) -> int | str:
    birth, day = _local_date(value), _local_date(on)
    if birth is None or day is None or day < birth:
        return ""
    return jp.age_on(birth, day)


@register.filter
def age(value: object) -> int | str:
    return age_on(value, timezone.localdate())
