"""How to make a meeting, an agenda item and a follow-up task in a state of the generated access matrix
(``tsunagu.records.tests.matrix``): a 法106条の6 meeting convened by the arrangement's holding agency, its
staff the members (both acknowledged), the arrangement's person on the agenda. Its routes are
``needs="holder"``: the holding agency's staff get in, every other persona gets 404 — whatever grant their
organisation holds on the person, since the meeting's pages are for its members."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tsunagu.access.services import acting_organization
from tsunagu.meetings import services
from tsunagu.meetings.information import services as information
from tsunagu.meetings.models import AgendaItem, FollowUpTask, Meeting
from tsunagu.meetings.tests.factories import acknowledge, attach, meeting_type, put_on_agenda, refreshed


def _meeting(arrangement) -> Meeting:
    if "meeting" not in arrangement.made:
        holder = arrangement.holder
        convener = acting_organization(holder)
        # The holder's colleague (caseworker A's, in 琴浦町); the stranger in the other town meets alone.
        personas = arrangement.personas
        members = [personas.colleague_a] if holder.pk == personas.caseworker_a.pk else []
        meeting = services.meeting_create(
            user=holder, meeting_type=meeting_type(convener), held_at=timezone.now() - timedelta(days=1),
            place="会議室",
        )  # fmt: skip
        for member in members:
            services.member_add(user=holder, meeting=refreshed(meeting), member=member, organization=convener)
        for member in [holder, *members]:
            acknowledge(member, meeting)
        item = put_on_agenda(holder, meeting, arrangement.person)
        # Two tasks: the matrix completes the first; the second keeps the follow-up (and the access) open.
        for title in ("家庭訪問", "次回会議で報告"):
            services.task_create(
                user=holder, meeting=refreshed(meeting),
                data=services.TaskInput(title=title, owner=holder, due_on=timezone.localdate() + timedelta(days=7)),
            )  # fmt: skip
        arrangement.made["meeting"] = meeting.pk
        arrangement.made["agenda_item"] = item.pk
    return Meeting.objects.get(pk=arrangement.made["meeting"])


def meeting(arrangement) -> int:
    return _meeting(arrangement).pk


def agenda_item(arrangement) -> int:
    _meeting(arrangement)
    return AgendaItem.objects.get(pk=arrangement.made["agenda_item"]).pk


def meeting_task(arrangement) -> int:
    return FollowUpTask.objects.filter(meeting=_meeting(arrangement)).order_by("id").values_list("pk", flat=True)[0]


def information_request(arrangement) -> int:
    """The example meeting's chair asks their own agency about the item (members and asked are the same)."""
    meeting = _meeting(arrangement)
    if "information_request" not in arrangement.made:
        item = AgendaItem.objects.select_related("meeting__meeting_type", "meeting__convener").get(
            pk=arrangement.made["agenda_item"]
        )
        row = information.request_create(
            user=arrangement.holder, item=item,
            data=information.RequestInput(organization=meeting.convener, content="最近の訪問の記録",
                                          due_on=timezone.localdate() + timedelta(days=14)),
        )  # fmt: skip
        arrangement.made["information_request"] = row.pk
    return arrangement.made["information_request"]


def _attachment(arrangement, key: str, title: str) -> int:
    meeting = _meeting(arrangement)
    if key not in arrangement.made:
        item = AgendaItem.objects.get(pk=arrangement.made["agenda_item"])
        arrangement.made[key] = attach(arrangement.holder, meeting, title=title, item=item).pk
    return arrangement.made[key]


def meeting_attachment(arrangement) -> int:
    """An assessment sheet on the example item, attached by the holder."""
    return _attachment(arrangement, "meeting_attachment", "アセスメントシート")


def meeting_attachment_spare(arrangement) -> int:
    """A second one, which the matrix's removal takes off."""
    return _attachment(arrangement, "meeting_attachment_spare", "配布資料")


EXAMPLES = {
    "meeting": meeting, "agenda_item": agenda_item, "meeting_task": meeting_task,
    "information_request": information_request, "meeting_attachment": meeting_attachment,
    "meeting_attachment_spare": meeting_attachment_spare,
}  # fmt: skip
