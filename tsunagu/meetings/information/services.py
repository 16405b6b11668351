"""Writing information requests: asking (the chair or the convener's member), answering (the asked
organisation's staff) and withdrawing (who asked). Keyword-only, atomic, checked against ``law``, audited
with the person and the grounds; a refusal is ``MeetingError`` and writes nothing. The caller fetched the
item or the request through the selectors (404 outside)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.policy import Grounds, casework_memberships
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import CASEWORK_ROLES, Membership, Organization, User
from tsunagu.meetings import law
from tsunagu.meetings.errors import MeetingError
from tsunagu.meetings.models import AgendaItem, InformationRequest, RequestStatus
from tsunagu.notifications.models import Event
from tsunagu.notifications.services import notify

TEXT_LIMIT = 4000


@dataclass
class RequestInput:
    organization: Organization
    content: str
    due_on: date


def _audit(user: User, grounds: Grounds | None, request_row: InformationRequest, summary: str, action: Action,
           changes: dict | None, request: HttpRequest | None) -> None:  # fmt: skip
    item = request_row.agenda_item
    audit_record(
        user=user, action=action, organization=grounds.organization if grounds else item.meeting.convener,
        obj=request_row, person_id=item.person_id, summary=summary, changes=changes,
        basis=grounds.basis if grounds else "", basis_source=grounds.source if grounds else "", request=request,
    )  # fmt: skip


def _asked_staff(organization: Organization) -> list[int]:
    return list(
        Membership.objects.confirmed()
        .filter(organization=organization, role__in=CASEWORK_ROLES)
        .values_list("user_id", flat=True)
        .distinct()
    )


@transaction.atomic
def request_create(
    *, user: User, item: AgendaItem, data: RequestInput, request: HttpRequest | None = None
) -> InformationRequest:
    """Ask an organisation for information about an agenda item; its casework staff get a notice (naming the
    meeting and the due date, never the person)."""
    meeting = item.meeting
    if not law.may_ask(user, meeting):
        raise MeetingError(_("資料・情報の提供を求められるのは、会議の議長（または開催機関の構成員）です。"))
    errors = []
    refusal = law.request_refusal(meeting, item, data.organization)
    if refusal:
        errors.append(refusal)
    content = data.content.strip()
    if not content:
        errors.append(_("求める資料・情報の内容を入力してください。"))
    if len(content) > TEXT_LIMIT:
        errors.append(_("%(limit)s文字以内で入力してください。") % {"limit": TEXT_LIMIT})
    today = timezone.localdate()
    if data.due_on < today:
        errors.append(_("回答期限に過去の日付は入力できません。"))
    if errors:
        raise MeetingError(errors)
    row = InformationRequest.objects.create(
        municipality_id=meeting.municipality_id, agenda_item=item, organization=data.organization,
        requested_on=today, requested_by=user, content=content, due_on=data.due_on,
    )  # fmt: skip
    _audit(user, law.read_grounds(user, item), row, f"資料・情報の提供を求める（{data.organization.name}）",
           Action.CREATE, {"organization": [None, data.organization.pk], "due_on": [None, data.due_on.isoformat()]},
           request)  # fmt: skip
    notify(
        user_ids=_asked_staff(data.organization), municipality_id=meeting.municipality_id,
        event=Event.INFORMATION_REQUESTED,
        summary=f"{meeting.meeting_type.name}から資料・情報の提供の求め（回答期限 {date_label(data.due_on)}）",
        key=f"information-request:{row.pk}", url_name="meetings:information-request-detail", record_id=row.pk,
        actor=user,
    )  # fmt: skip
    return row


@transaction.atomic
def request_answer(
    *, user: User, request_row: InformationRequest, answer: str, request: HttpRequest | None = None
) -> InformationRequest:
    """The asked organisation's staff answer (text; the date and who are recorded). The chair is told."""
    membership = next((m for m in casework_memberships(user) if m.organization_id == request_row.organization_id), None)
    if membership is None:
        raise MeetingError(
            _("回答できるのは、求められた機関（%(org)s）の職員です。") % {"org": request_row.organization}
        )
    item = request_row.agenda_item
    if item.meeting.closed_at is not None:
        raise MeetingError(_("この会議のフォローアップは終了しています。"))
    answer = answer.strip()
    errors = []
    if not answer:
        errors.append(_("回答を入力してください。"))
    if len(answer) > TEXT_LIMIT:
        errors.append(_("%(limit)s文字以内で入力してください。") % {"limit": TEXT_LIMIT})
    if errors:
        raise MeetingError(errors)
    today = timezone.localdate()
    updated = InformationRequest.objects.filter(pk=request_row.pk, status=RequestStatus.REQUESTED).update(
        status=RequestStatus.ANSWERED, answer=answer, answered_on=today, answered_by=user
    )
    if not updated:
        raise MeetingError(_("この求めは「%(status)s」のため回答できません。") % {
            "status": InformationRequest.objects.get(pk=request_row.pk).get_status_display()
        })  # fmt: skip
    request_row.refresh_from_db()
    grounds = law.asked_grounds(user, membership.organization, item, request_row.pk)
    _audit(user, grounds, request_row, f"資料・情報の提供の求めに回答（{membership.organization.name}）",
           Action.UPDATE, {"status": [RequestStatus.REQUESTED, RequestStatus.ANSWERED], "answer": [None, answer]},
           request)  # fmt: skip
    meeting = item.meeting
    notify(
        user_ids=[meeting.chair_id, request_row.requested_by_id], municipality_id=meeting.municipality_id,
        event=Event.INFORMATION_ANSWERED,
        summary=f"{meeting.meeting_type.name}の資料・情報の提供の求めに{membership.organization.name}が回答しました",
        key=f"information-answer:{request_row.pk}", url_name="meetings:information-request-detail",
        record_id=request_row.pk, actor=user,
    )  # fmt: skip
    return request_row


@transaction.atomic
def request_withdraw(
    *, user: User, request_row: InformationRequest, request: HttpRequest | None = None
) -> InformationRequest:
    """Who may ask withdraws an unanswered request (it no longer keeps the follow-up open)."""
    item = request_row.agenda_item
    if not law.may_ask(user, item.meeting):
        raise MeetingError(_("取り下げられるのは、会議の議長（または開催機関の構成員）です。"))
    updated = InformationRequest.objects.filter(pk=request_row.pk, status=RequestStatus.REQUESTED).update(
        status=RequestStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    if not updated:
        raise MeetingError(_("回答済み・取り下げ済みの求めは取り下げられません。"))
    request_row.refresh_from_db()
    _audit(user, law.read_grounds(user, item), request_row, "資料・情報の提供の求めを取り下げ", Action.UPDATE,
           {"status": [RequestStatus.REQUESTED, RequestStatus.WITHDRAWN]}, request)  # fmt: skip
    return request_row
