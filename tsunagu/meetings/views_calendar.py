"""会議カレンダー: a month of meetings and the user's follow-up tasks (``meetings.calendar``)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from tsunagu.core.japanese import display
from tsunagu.meetings.calendar import month_for_user, parse_month
from tsunagu.meetings.views import _user


def month_label(first: date) -> str:
    """令和7年4月 (or April 2025 (R7) in English)."""
    if display._japanese():
        return f"{display.year_label(first)}{first.month}月"
    return f"{display._MONTHS[first.month - 1]} {display.year_label(first)}"


def calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    month = month_for_user(user=user, first=parse_month(request.GET.get("month"), today=today), today=today)
    context = {
        "month": month, "today": today, "label": month_label(month.first),
        "previous_label": month_label(month.previous), "next_label": month_label(month.next),
        "title": gettext("会議カレンダー"),
    }  # fmt: skip
    return render(request, "meetings/calendar.html", context)
