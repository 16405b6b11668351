"""Writing a meeting's 資料: attaching a file to the meeting or to an agenda item, and removing one.

The file is checked by its content (``tsunagu.core.scans``, as a consent's scan: PDF, JPEG, PNG, TIFF;
Office documents are refused there, as ZIP containers the check cannot see into) and stored under a random
name with its type's extension. A removal is recorded (who, when) and the file kept: an attachment members
have acknowledged and read never disappears unseen. A refusal is ``MeetingError`` in Japanese, on its field,
and saves nothing.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import User
from tsunagu.core.scans import ScanType, check_scan, format_size, max_scan_bytes
from tsunagu.meetings import law
from tsunagu.meetings.errors import MeetingError
from tsunagu.meetings.models import AgendaItem, Attachment, Meeting

TITLE_MAX = 200


def _checked(upload: UploadedFile) -> ScanType:
    """``check_scan``, its size message said of a meeting's 資料 rather than of a consent form."""
    try:
        return check_scan(upload)
    except ValidationError as error:
        if getattr(error, "code", "") == "too_big":
            raise ValidationError(
                _("資料のファイルは%(limit)sまでです（%(name)s は%(size)sです）。")
                % {"limit": format_size(max_scan_bytes()), "name": upload.name, "size": format_size(upload.size or 0)},
                code="too_big",
            ) from error
        raise


def _member_organization(user: User, meeting: Meeting):
    return next(m.organization for m in meeting.members.all() if m.user_id == user.pk)


@transaction.atomic
def attachment_add(
    *, user: User, meeting: Meeting, title: str, upload: UploadedFile | None, item: AgendaItem | None = None,
    request: HttpRequest | None = None,
) -> Attachment:  # fmt: skip
    """A member who may open the agenda attaches a file to the meeting, or to an item they may open (the
    caller fetched it through ``selectors.agenda_item_check_for_user``), while the follow-up is open."""
    if meeting.closed_at is not None:
        raise MeetingError(_("この会議のフォローアップは終了しています。"))
    if not law.may_open_agenda(user, meeting):
        raise MeetingError(_("守秘義務を確認してから資料を添付してください。"))
    if item is not None and (item.meeting_id != meeting.pk or item.removed_at is not None):
        raise MeetingError(_("この会議の検討事項ではありません。"))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("資料名を入力してください。")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("資料名は%(max)s文字以内で入力してください。") % {"max": TITLE_MAX}]
    scan = None
    if not upload:
        errors["file"] = [_("ファイルを選んでください。")]
    else:
        try:
            scan = _checked(upload)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise MeetingError(errors)
    assert upload is not None and scan is not None
    organization = _member_organization(user, meeting)
    row = Attachment(
        municipality_id=meeting.municipality_id, meeting=meeting, agenda_item=item, title=title,
        file_type=scan.key, size=upload.size or 0, organization=organization, uploaded_by=user,
    )  # fmt: skip
    # The uploaded name is not kept: it often carries the person's name.
    row.file.save(f"{secrets.token_hex(16)}{scan.extension}", File(upload), save=False)
    row.save()
    grounds = law.read_grounds(user, item) if item is not None else None
    audit_record(
        user=user, action=Action.CREATE, organization=grounds.organization if grounds else organization, obj=row,
        person_id=item.person_id if item else None, summary=f"会議資料を添付（{meeting.meeting_type.name}）",
        changes={"title": [None, title], "file_type": [None, scan.key], "size": [None, row.size]},
        basis=grounds.basis if grounds else "", basis_source=grounds.source if grounds else "", request=request,
    )  # fmt: skip
    return row


@transaction.atomic
def attachment_remove(*, user: User, attachment: Attachment, request: HttpRequest | None = None) -> Attachment:
    """The uploader or the chair takes an attachment off, while the follow-up is open. The removal is
    recorded (who, when) and the file kept; it is no longer served."""
    meeting = attachment.meeting
    if user.pk not in (attachment.uploaded_by_id, meeting.chair_id):
        raise MeetingError(_("資料を取り下げられるのは添付した職員と議長です。"))
    if meeting.closed_at is not None:
        raise MeetingError(_("この会議のフォローアップは終了しています。"))
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.removed_at is not None:
        raise MeetingError(_("この資料はすでに取り下げられています。"))
    locked.removed_at, locked.removed_by = timezone.now(), user
    locked.save(update_fields=["removed_at", "removed_by"])
    item = attachment.agenda_item
    audit_record(
        user=user, action=Action.UPDATE, organization=locked.organization, obj=locked,
        person_id=item.person_id if item else None, summary=f"会議資料を取り下げ（{meeting.meeting_type.name}）",
        changes={"removed_at": [None, locked.removed_at.isoformat()]}, request=request,
    )  # fmt: skip
    return locked
