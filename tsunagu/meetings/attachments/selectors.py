"""Who reads a meeting's 資料, and the read itself.

- An item's attachment is about the item's person: it is read by whoever may read the item's minutes
  (``minutes.may_read_minutes``: a member while ``law.may_open_agenda`` — acknowledged where the type is
  statutory, the follow-up open — or the convener's coordinator), and only where the reader's
  organisations hold a basis on the person (``selectors.items_readable``). The download is audited with
  those grounds (法106条の6 and the meeting's grant, for a 支援会議's member).
- A meeting's own attachment (配布資料) is read by the same people, without the person test: it belongs to
  no one item. Its download is audited with the meeting's basis and the meeting as the source.
- Everyone else, a removed attachment, and every other town: 404. Refusals write no entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.http import Http404, HttpRequest

from tsunagu.access.disclosure import Shown, disclosure_audit, shown_audit
from tsunagu.access.policy import Grounds, casework_memberships
from tsunagu.core import scans
from tsunagu.core.models import User
from tsunagu.meetings import law
from tsunagu.meetings.minutes import may_read_minutes
from tsunagu.meetings.models import AgendaItem, Attachment, Meeting
from tsunagu.meetings.selectors import items_readable
from tsunagu.people.selectors import location_hidden_for_user


@dataclass(frozen=True)
class AttachmentList:
    current: list[Attachment]
    removed: list[Attachment]  # listed apart, with who removed them: a removal is never silent


def attachments_of(*, meeting: Meeting, item: AgendaItem | None = None) -> AttachmentList:
    """The attachments of the meeting itself (``item`` None) or of one item, for a page that has already let
    the reader in."""
    rows = list(
        Attachment.objects.filter(meeting=meeting, agenda_item=item)
        .select_related("uploaded_by", "organization", "removed_by")
        .order_by("id")
    )
    return AttachmentList(current=[a for a in rows if a.removed_at is None],
                          removed=[a for a in rows if a.removed_at is not None])  # fmt: skip


def meeting_grounds(user: User, meeting: Meeting) -> Grounds:
    """The grounds named for a meeting's own attachment: the organisation the reader attends for (the
    convener for its coordinator), the meeting's statutory basis or, for a consent-based meeting, consent."""
    from tsunagu.access.models import Basis

    organization_id = next((m.organization_id for m in meeting.members.all() if m.user_id == user.pk), None)
    membership = next(
        (m for m in casework_memberships(user) if m.organization_id in (organization_id, meeting.convener_id)), None
    )
    organization = membership.organization if membership else meeting.convener
    return Grounds(organization=organization, basis=law.grant_basis(meeting.meeting_type) or Basis.CONSENT,
                   source=meeting.source)  # fmt: skip


def attachment_grounds(user: User, row: Attachment, *, include_removed: bool = False) -> Grounds | None:
    """What lets the user read this attachment (None: nothing, and the caller answers 404). A removed one is
    read by nobody; ``include_removed`` lets a removal find it, to be told it is removed already."""
    meeting = row.meeting
    if (row.removed_at is not None and not include_removed) or not may_read_minutes(user, meeting):
        return None
    item = row.agenda_item
    if item is None:
        return meeting_grounds(user, meeting)
    if item.removed_at is not None:
        return None
    shown = items_readable(user, meeting, [item])
    return shown[0].grounds if shown else None


def _row(user: User, pk: int) -> Attachment:
    row = (
        Attachment.objects.filter(pk=pk, municipality_id=user.municipality_id)
        .select_related("agenda_item__person", "meeting__meeting_type", "meeting__convener")
        .prefetch_related("meeting__members", "meeting__acknowledgements")
        .first()
    )
    if row is None:
        raise Http404
    if row.agenda_item is not None:
        row.agenda_item.meeting = row.meeting  # law and items_readable read the item's meeting
    return row


def attachment_check_for_user(*, user: User, pk: int) -> Attachment:
    """An attachment the user may read, removed or not; 404 otherwise. Not audited: the pre-check of a
    removal."""
    row = _row(user, pk)
    if attachment_grounds(user, row, include_removed=True) is None:
        raise Http404
    return row


@dataclass(frozen=True)
class AttachmentFile:
    row: Attachment
    file: IO[bytes]
    scan_type: scans.ScanType

    @property
    def filename(self) -> str:
        # Never the uploaded name (it may carry the person's name): the attachment's id says what it is.
        return f"meeting-attachment-{self.row.pk}{self.scan_type.extension}"


def attachment_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> AttachmentFile:
    """The file, opened for reading, for a user who may read it (404 otherwise, and 404 when the stored file
    is missing or not of an accepted type); the read is audited with its grounds and the meeting."""
    row = _row(user, pk)
    grounds = attachment_grounds(user, row)
    if grounds is None:
        raise Http404
    # A file cannot be redacted: where the person's location is kept from the reader (DV), their item's
    # files are not served, as a consent's scan is not (the title stays listed).
    if row.agenda_item is not None and location_hidden_for_user(user=user, person=row.agenda_item.person):
        raise Http404
    opened = scans.open_stored(row.file, what=f"meeting attachment {pk}")
    if opened is None:
        raise Http404
    file, scan_type = opened
    item = row.agenda_item
    disclosure_audit(
        user=user, grounds=grounds, obj=row, person_id=item.person_id if item else None,
        summary=f"会議資料を閲覧（{row.meeting.meeting_type.name}）", request=request,
        records={"meeting": [row.meeting_id], **({"agenda_item": [item.pk]} if item else {})},
    )  # fmt: skip
    return AttachmentFile(row=row, file=file, scan_type=scan_type)


def meeting_attachments_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> list[Attachment]:
    """The meeting's own 資料 (配布資料), for a reader of its minutes (404 otherwise). A handout is about the
    agenda: the list is audited as disclosing the items the reader may open, each with its grounds, or — with
    no such item — on the meeting's own grounds."""
    from tsunagu.meetings.minutes import minutes_meeting_check

    meeting = minutes_meeting_check(user=user, pk=pk)
    items = list(AgendaItem.objects.filter(meeting=meeting, removed_at__isnull=True).select_related("person", "case"))
    for item in items:
        item.meeting = meeting  # law and items_readable read the item's meeting
    shown = items_readable(user, meeting, items)
    summary = "会議の配布資料の一覧を閲覧"
    if shown:
        shown_audit(
            user=user, shown=[Shown("agenda_item", v.item.pk, v.item.person_id, v.grounds) for v in shown],
            summary=summary, obj=meeting, request=request,
        )  # fmt: skip
    else:
        disclosure_audit(user=user, grounds=meeting_grounds(user, meeting), obj=meeting, summary=summary,
                         request=request)  # fmt: skip
    return attachments_of(meeting=meeting).current
