"""Reading meetings, always for a user: members only (404 otherwise), the agenda only where ``law`` opens it,
and every agenda item shown audited with the grounds that let the reader in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access.disclosure import Shown, disclosure_audit, shown_audit
from tsunagu.access.policy import Grounds, decisions_for
from tsunagu.core.models import User
from tsunagu.meetings import law
from tsunagu.meetings.models import AgendaItem, Decision, FollowUpTask, Meeting, MeetingMember
from tsunagu.plans.models import MeetingType

_MEMBERS = Prefetch("members", queryset=MeetingMember.objects.select_related("user", "organization").order_by("id"))


def meeting_types_for_user(*, user: User) -> QuerySet[MeetingType]:
    """The meeting types of the user's municipality's plan (no personal data)."""
    return MeetingType.objects.filter(municipality_id=user.municipality_id).select_related("convener", "plan")


def meeting_list_for_user(*, user: User, upcoming: bool | None = None) -> QuerySet[Meeting]:
    """The meetings the user is a member of: upcoming first by date (``upcoming``), or held, newest first.
    Meeting rows hold no personal data; the agenda is not listed here."""
    rows = law.meetings_of_member(user).select_related("meeting_type", "convener", "chair")
    now = timezone.now()
    if upcoming is True:
        return rows.filter(held_at__gte=now).order_by("held_at", "id")
    if upcoming is False:
        return rows.filter(held_at__lt=now).order_by("-held_at", "-id")
    return rows.order_by("-held_at", "-id")


def meeting_check_for_user(*, user: User, pk: int) -> Meeting:
    """A meeting the user is a member of, with its members and acknowledgements; 404 otherwise. Not a read
    of personal data: the meeting's row names no person."""
    meeting = (
        Meeting.objects.filter(pk=pk, municipality_id=user.municipality_id)
        .select_related("meeting_type", "convener", "chair")
        .prefetch_related(_MEMBERS, "acknowledgements")
        .first()
    )
    if meeting is None or not law.is_member(user, meeting):
        raise Http404
    return meeting


@dataclass(frozen=True)
class ItemView:
    item: AgendaItem
    grounds: Grounds


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    may_open: bool  # the agenda's records are open to this member (acknowledged, follow-up open)
    acknowledged: bool
    items: list[ItemView]
    hidden_items: int  # items on the agenda the member may not open yet (counted, never named)
    tasks: list[FollowUpTask]


def _items(meeting: Meeting) -> QuerySet[AgendaItem]:
    return (
        meeting.agenda.filter(removed_at__isnull=True)
        .select_related("person", "case")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("assigned_organization")))
        .order_by("order", "id")
    )


def items_readable(user: User, meeting: Meeting, items: list[AgendaItem]) -> list[ItemView]:
    """The items whose person the user may read, each with the grounds to name (one query for all)."""
    decisions = decisions_for(user, sorted({i.person_id for i in items}))
    return [
        ItemView(item=item, grounds=law.meeting_grounds(decision, meeting))
        for item in items
        if (decision := decisions.get(item.person_id)) is not None and decision.allowed
    ]


def meeting_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> MeetingView:
    """The meeting page: 404 for non-members; the agenda's people only once ``law.may_open_agenda``, each
    shown audited with its grounds (one entry per organisation and basis)."""
    meeting = meeting_check_for_user(user=user, pk=pk)
    may_open = law.may_open_agenda(user, meeting)
    items = list(_items(meeting))
    shown: list[ItemView] = []
    if may_open:
        shown = items_readable(user, meeting, items)
        shown_audit(
            user=user, shown=[Shown("agenda_item", v.item.pk, v.item.person_id, v.grounds) for v in shown],
            summary="会議の検討事項を表示", obj=meeting, request=request,
        )  # fmt: skip
    tasks = list(meeting.tasks.select_related("owner", "organization").order_by("due_on", "id")) if may_open else []
    return MeetingView(
        meeting=meeting, may_open=may_open, acknowledged=law.has_acknowledged(user, meeting), items=shown,
        hidden_items=len(items) - len(shown), tasks=tasks,
    )  # fmt: skip


def agenda_item_check_for_user(*, user: User, pk: int) -> ItemView:
    """An agenda item the user may open (a member, acknowledged where required, the follow-up open, and a
    basis on the person); 404 otherwise. Not audited: the pre-check of a write, or of ``agenda_item_get``."""
    item = (
        AgendaItem.objects.filter(pk=pk, municipality_id=user.municipality_id, removed_at__isnull=True)
        .select_related("person", "household", "case", "meeting__meeting_type", "meeting__convener", "meeting__chair")
        .prefetch_related(Prefetch("meeting__members", queryset=_MEMBERS.queryset), "meeting__acknowledgements")
        .first()
    )
    if item is None or not law.may_open_agenda(user, item.meeting):
        raise Http404
    grounds = law.read_grounds(user, item)
    if grounds is None:
        raise Http404
    return ItemView(item=item, grounds=grounds)


def agenda_item_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> ItemView:
    """One agenda item with its minutes and decisions, for a member who may open it; the read is audited
    with its grounds (法106条の6 and the meeting, where that is what let them in)."""
    view = agenda_item_check_for_user(user=user, pk=pk)
    disclosure_audit(
        user=user, grounds=view.grounds, obj=view.item, person_id=view.item.person_id,
        summary="会議の検討事項を閲覧", request=request,
    )  # fmt: skip
    return view


def decisions_of_item(*, item: AgendaItem) -> QuerySet[Decision]:
    return item.decisions.select_related("assigned_organization", "decided_by").prefetch_related(
        Prefetch("tasks", queryset=FollowUpTask.objects.select_related("owner", "organization")), "transitions"
    )


def tasks_for_user(*, user: User, open_only: bool = True) -> QuerySet[FollowUpTask]:
    """私の会議タスク: the user's follow-up tasks, soonest due first. A task's title and its meeting name no
    person (the agenda item is read on the meeting's page)."""
    rows = FollowUpTask.objects.filter(owner=user, municipality_id=user.municipality_id).select_related(
        "meeting__meeting_type", "organization"
    )
    if open_only:
        rows = rows.filter(done_at__isnull=True)
    return rows.order_by("due_on", "id")


def task_check_for_user(*, user: User, pk: int) -> FollowUpTask:
    """A task of a meeting the user is a member of; 404 otherwise."""
    task = (
        FollowUpTask.objects.filter(pk=pk, municipality_id=user.municipality_id)
        .select_related("meeting__meeting_type", "meeting__convener", "organization")
        .first()
    )
    if task is None:
        raise Http404
    meeting_check_for_user(user=user, pk=task.meeting_id)
    return task
