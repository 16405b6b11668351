"""The meetings calendar: a month of the meetings a user may see, and their own follow-up tasks by due date.

Who sees a meeting on the calendar: its members, and the casework staff of the convening organisation
(the 事務局, its coordinator among them). A meeting's row names no person — type, time, place, convener —
so showing it is not a disclosure; its pages stay with the members (``law``). Two queries whatever the
data: the month's meetings (with "is the user a member" as an EXISTS), and the user's tasks due in it.
"""

from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.models import User
from tsunagu.meetings.models import FollowUpTask, Meeting, MeetingMember

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(raw: object, *, today: date) -> date:
    """``?month=2025-04`` as the month's first day; absent or empty is this month, anything else 404 (as a
    bad id is, ``core.params``)."""
    if raw in (None, ""):
        return today.replace(day=1)
    found = MONTH.match(raw) if isinstance(raw, str) and raw.isascii() else None
    if found is None:
        raise Http404
    year, month = int(found.group(1)), int(found.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404
    return date(year, month, 1)


def visible_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings of the user's town they sit in or their organisation convenes, ``is_member`` annotated."""
    member = MeetingMember.objects.filter(meeting_id=OuterRef("pk"), user_id=user.pk)
    convening = casework_organization_ids(user)
    return (
        Meeting.objects.filter(municipality_id=user.municipality_id)
        .annotate(is_member=Exists(member))
        .filter(Q(is_member=True) | Q(convener_id__in=convening))
    )


@dataclass
class Day:
    day: date
    in_month: bool
    meetings: list[Meeting] = field(default_factory=list)
    tasks: list[FollowUpTask] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    meetings: list[Meeting]
    tasks: list[FollowUpTask]
    overdue: int  # the user's open tasks due before this month

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_for_user(*, user: User, first: date, today: date) -> Month:
    """The month's grid (weeks from Sunday, as Japanese calendars print), its meetings and the user's tasks."""
    grid = pycalendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    start, end = grid[0][0], grid[-1][-1] + timedelta(days=1)
    zone = timezone.get_current_timezone()
    meetings = list(
        visible_meetings(user)
        .filter(held_at__gte=datetime.combine(start, time.min, zone), held_at__lt=datetime.combine(end, time.min, zone))
        .select_related("meeting_type", "convener")
        .order_by("held_at", "id")
    )
    tasks = list(
        FollowUpTask.objects.filter(owner=user, municipality_id=user.municipality_id, due_on__gte=start, due_on__lt=end)
        .select_related("meeting__meeting_type")
        .order_by("due_on", "id")
    )
    overdue = FollowUpTask.objects.filter(
        owner=user, municipality_id=user.municipality_id, done_at__isnull=True, due_on__lt=min(first, today)
    ).count()
    days = {d: Day(d, d.month == first.month) for week in grid for d in week}
    for meeting in meetings:
        days[timezone.localtime(meeting.held_at).date()].meetings.append(meeting)
    for task in tasks:
        days[task.due_on].tasks.append(task)
    weeks = [[days[d] for d in week] for week in grid]
    in_month = [m for m in meetings if timezone.localtime(m.held_at).date().month == first.month]
    return Month(first=first, weeks=weeks, meetings=in_month, tasks=[t for t in tasks if t.due_on.month == first.month],
                 overdue=overdue)  # fmt: skip
