"""Reading information requests, always for a user. A request is read by the meeting's members who may open
its agenda item (on the item's grounds) and by the asked organisation's staff (``law.asked_grounds``) while
it stands and the follow-up is open; anyone else, in any town, gets 404. Every read naming the person is
audited with the grounds that let the reader in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access.disclosure import disclosure_audit
from tsunagu.access.policy import Grounds, casework_memberships
from tsunagu.core.models import User
from tsunagu.meetings import law
from tsunagu.meetings.models import AgendaItem, InformationRequest, MeetingMember, RequestStatus


@dataclass(frozen=True)
class RequestView:
    row: InformationRequest
    grounds: Grounds
    is_member: bool  # a member who may open the item (sees it beside the agenda; may withdraw if they may ask)
    is_asked: bool  # staff of the asked organisation (may answer while it is open)
    may_withdraw: bool


def requests_of_item(*, item: AgendaItem) -> list[InformationRequest]:
    """The item's requests, for a page that has already let the reader open the item (and audited it)."""
    return list(
        InformationRequest.objects.filter(agenda_item=item)
        .select_related("organization", "requested_by", "answered_by")
        .order_by("id")
    )


def request_check_for_user(*, user: User, pk: int) -> RequestView:
    """A request the user may read (member who may open the item, or the asked organisation's staff); 404
    otherwise. Not audited: the pre-check of a write, or of ``request_get_for_user``."""
    members = Prefetch("agenda_item__meeting__members", queryset=MeetingMember.objects.select_related("organization"))
    row = (
        InformationRequest.objects.filter(pk=pk, municipality_id=user.municipality_id)
        .select_related(
            "organization", "requested_by", "answered_by", "agenda_item__person",
            "agenda_item__meeting__meeting_type", "agenda_item__meeting__convener",
        )
        .prefetch_related(members, "agenda_item__meeting__acknowledgements")
        .first()
    )  # fmt: skip
    if row is None or row.agenda_item.removed_at is not None:
        raise Http404
    item, meeting = row.agenda_item, row.agenda_item.meeting
    if meeting.closed_at is not None:
        raise Http404
    grounds = law.read_grounds(user, item) if law.may_open_agenda(user, meeting) else None
    if grounds is not None:
        asked = any(m.organization_id == row.organization_id for m in casework_memberships(user))
        return RequestView(row=row, grounds=grounds, is_member=True, is_asked=asked,
                           may_withdraw=law.may_ask(user, meeting))  # fmt: skip
    membership = next((m for m in casework_memberships(user) if m.organization_id == row.organization_id), None)
    if membership is None or row.status == RequestStatus.WITHDRAWN:
        raise Http404
    asked_grounds = law.asked_grounds(user, membership.organization, item, row.pk)
    if asked_grounds is None:
        raise Http404
    return RequestView(row=row, grounds=asked_grounds, is_member=False, is_asked=True, may_withdraw=False)


def request_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RequestView:
    """The request with the person it is about and its answer; the read is audited with its grounds."""
    view = request_check_for_user(user=user, pk=pk)
    disclosure_audit(
        user=user, grounds=view.grounds, obj=view.row, person_id=view.row.agenda_item.person_id,
        summary="資料・情報の提供の求めを閲覧", request=request,
    )  # fmt: skip
    return view


def inbox_for_user(*, user: User, open_only: bool = True) -> QuerySet[InformationRequest]:
    """The requests to the user's organisations, soonest due first. The rows name the meeting, the asked
    organisation and the dates — never the person (opened on the request's page, audited)."""
    organization_ids = [m.organization_id for m in casework_memberships(user)]
    rows = (
        InformationRequest.objects.filter(
            municipality_id=user.municipality_id, organization_id__in=organization_ids,
            agenda_item__removed_at__isnull=True, agenda_item__meeting__closed_at__isnull=True,
        )
        .exclude(status=RequestStatus.WITHDRAWN)
        .select_related("organization", "agenda_item__meeting__meeting_type")
    )  # fmt: skip
    if open_only:
        rows = rows.filter(status=RequestStatus.REQUESTED)
    return rows.order_by("due_on", "id")
