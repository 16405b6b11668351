"""Who reads a meeting's agenda and minutes for printing (議題一覧・議事録), and the read itself.

The rule, beside ``law`` (whose rules it reuses):

- a **member** reads them while ``law.may_open_agenda`` (acknowledged where the type is statutory, the
  follow-up open): the same as the agenda's pages;
- the **coordinator** — a confirmed 多機関協働コーディネーター of the convening organisation, the meeting's
  事務局 — reads them without being a member or acknowledging (municipal staff, bound to secrecy by their
  office), also after the follow-up has closed;
- everyone else, and every other town, gets 404.

Either way an item is printed only when the reader's organisations hold a basis on its person (the
meeting's grant, a consent, their own record); the others are counted, never named. The print is audited
as an export, one entry per organisation and basis, naming the meeting and the grant relied on
(``meeting:5 grant:40`` for a 支援会議).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404, HttpRequest

from tsunagu.access.disclosure import Shown, shown_audit
from tsunagu.access.policy import casework_memberships
from tsunagu.audit.models import Action
from tsunagu.core.models import Role, User
from tsunagu.meetings import law
from tsunagu.meetings.models import AgendaItem, Attachment, Decision, FollowUpTask, Meeting, MeetingMember
from tsunagu.meetings.selectors import ItemView, items_readable


def is_coordinator(user: User, meeting: Meeting) -> bool:
    """A confirmed coordinator of the convening organisation (the meeting's 事務局), in its town."""
    if meeting.municipality_id != user.municipality_id:
        return False
    return any(
        m.organization_id == meeting.convener_id and m.role == Role.COORDINATOR for m in casework_memberships(user)
    )


def may_read_minutes(user: User, meeting: Meeting) -> bool:
    return law.may_open_agenda(user, meeting) or is_coordinator(user, meeting)


@dataclass(frozen=True)
class MinutesView:
    meeting: Meeting
    items: list[ItemView]
    hidden_items: int
    tasks: list[FollowUpTask]
    # 資料 by agenda item id (None: the meeting's own), titles only; removed ones are not listed.
    attachments: dict[int | None, list[str]] = field(default_factory=dict)


_ITEMS = (
    AgendaItem.objects.filter(removed_at__isnull=True)
    .select_related("person", "case")
    .prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("assigned_organization").prefetch_related(
                Prefetch("tasks", queryset=FollowUpTask.objects.select_related("owner").order_by("due_on", "id"))
            ),
        )
    )
    .order_by("order", "id")
)


def minutes_meeting_check(*, user: User, pk: int) -> Meeting:
    """The meeting, with its members and acknowledgements, for a reader of its minutes and 資料
    (``may_read_minutes``); 404 otherwise. The meeting's row names no person: not audited."""
    meeting = (
        Meeting.objects.filter(pk=pk, municipality_id=user.municipality_id)
        .select_related("meeting_type", "convener", "chair")
        .prefetch_related(
            Prefetch("members", queryset=MeetingMember.objects.select_related("user", "organization").order_by("id")),
            "acknowledgements",
        )
        .first()
    )
    if meeting is None or not may_read_minutes(user, meeting):
        raise Http404
    return meeting


def minutes_get_for_user(*, user: User, pk: int, summary: str, request: HttpRequest | None = None) -> MinutesView:
    """The meeting with the agenda items the reader may print (``may_read_minutes``, 404 otherwise), their
    decisions and tasks, audited as an export with the grounds of each item."""
    meeting = minutes_meeting_check(user=user, pk=pk)
    items = list(_ITEMS.filter(meeting=meeting))
    shown = items_readable(user, meeting, items)
    shown_audit(
        user=user, shown=[Shown("agenda_item", v.item.pk, v.item.person_id, v.grounds) for v in shown],
        summary=summary, action=Action.EXPORT, obj=meeting, request=request,
    )  # fmt: skip
    tasks = list(meeting.tasks.select_related("owner", "organization").order_by("due_on", "id"))
    printed = {v.item.pk for v in shown}
    attachments: dict[int | None, list[str]] = {}
    rows = Attachment.objects.filter(meeting=meeting, removed_at__isnull=True).order_by("id")
    for item_id, title in rows.values_list("agenda_item_id", "title"):
        if item_id is None or item_id in printed:  # an unprinted item's 資料 are not named either
            attachments.setdefault(item_id, []).append(title)
    return MinutesView(meeting=meeting, items=shown, hidden_items=len(items) - len(shown), tasks=tasks,
                       attachments=attachments)  # fmt: skip
