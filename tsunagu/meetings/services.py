"""Writing meetings: holding one, its members and their 守秘義務 acknowledgement, the agenda and its minutes,
decisions and their follow-up tasks, and closing the follow-up.

Every function is keyword-only, atomic, validated against ``law`` and audited; a refusal is ``MeetingError``
with a message in Japanese and writes nothing. The caller has fetched the meeting through
``selectors.meeting_check_for_user`` (404 for non-members) and any person through the people selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.policy import casework_memberships, decide, grounds_of
from tsunagu.access.services import grant_create, grants_revoke
from tsunagu.audit.models import Action
from tsunagu.audit.selectors import edit_conflict
from tsunagu.audit.services import audit_record
from tsunagu.collaboration.models import CollaborationCase
from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import Organization, User
from tsunagu.core.versioning import save_if_version
from tsunagu.meetings import acting, law
from tsunagu.meetings.errors import MeetingError
from tsunagu.meetings.models import AgendaItem, Decision, FollowUpTask, Meeting, MeetingMember, SecrecyAcknowledgement
from tsunagu.notifications.models import Event
from tsunagu.notifications.services import notify
from tsunagu.people.models import Household, Person
from tsunagu.plans.models import DecisionKind, MeetingType

# Decisions that assign work to an organisation must name it.
ASSIGNING = {DecisionKind.OUTREACH, DecisionKind.WATCHING}


def _member_organization(user: User, organization_id: int | None = None) -> Organization | None:
    for membership in casework_memberships(user):
        if organization_id is None or membership.organization_id == organization_id:
            return membership.organization
    return None


def require_chair(user: User, meeting: Meeting) -> None:
    if meeting.chair_id != user.pk:
        raise MeetingError(_("この操作は会議の議長だけが行えます。"))


_require_chair = require_chair


def _require_open(meeting: Meeting) -> None:
    if meeting.closed_at is not None:
        raise MeetingError(_("この会議のフォローアップは終了しています。"))


def _audit_meeting(user: User, meeting: Meeting, summary: str, organization: Organization | None = None,
                   action: Action = Action.CREATE, obj=None, changes=None, request=None) -> None:  # fmt: skip
    audit_record(
        user=user, action=action, organization=organization or meeting.convener, obj=obj or meeting,
        summary=summary, changes=changes, request=request,
    )  # fmt: skip


@transaction.atomic
def meeting_create(
    *, user: User, meeting_type: MeetingType, held_at: datetime, place: str, closed_to_public: bool = True,
    request: HttpRequest | None = None,
) -> Meeting:  # fmt: skip
    """Hold a meeting of a type the plan configures: convened by the type's convener, chaired by ``user``,
    who must do casework there, and who becomes its first member."""
    if meeting_type.municipality_id != user.municipality_id:
        raise MeetingError(_("他の自治体の会議の種別です。"))
    convener = _member_organization(user, meeting_type.convener_id)
    if convener is None:
        raise MeetingError(
            _("%(type)sを開催できるのは%(convener)sの職員です。")
            % {"type": meeting_type.name, "convener": meeting_type.convener.name}
        )
    if not place.strip():
        raise MeetingError({"place": [_("場所を入力してください。")]})
    meeting = Meeting.objects.create(
        municipality_id=user.municipality_id, meeting_type=meeting_type, held_at=held_at, place=place.strip(),
        convener=convener, chair=user, closed_to_public=closed_to_public, created_by=user,
    )  # fmt: skip
    MeetingMember.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, user=user, organization=convener, added_by=user
    )
    _audit_meeting(user, meeting, f"会議を登録（{meeting_type.name}）", request=request,
                   changes={"held_at": [None, held_at.isoformat()], "place": [None, meeting.place]})  # fmt: skip
    return meeting


@transaction.atomic
def member_add(
    *, user: User, meeting: Meeting, member: User, organization: Organization, request: HttpRequest | None = None
) -> MeetingMember:
    """The chair adds a member attending for one of their casework organisations. A consent-based meeting
    re-checks every open item against the new organisation: one it does not cover refuses the member."""
    _require_chair(user, meeting)
    _require_open(meeting)
    if member.municipality_id != meeting.municipality_id or _member_organization(member, organization.pk) is None:
        raise MeetingError(
            _("%(user)sは%(org)sの相談業務の職員ではありません。") % {"user": member, "org": organization}
        )
    allowed = list(meeting.meeting_type.member_organizations.all())
    if allowed and organization not in allowed:
        raise MeetingError(_("%(org)sはこの会議の構成員になれる機関ではありません。") % {"org": organization.name})
    if meeting.members.filter(user=member).exists():
        raise MeetingError(_("%(user)sはすでに構成員です。") % {"user": member})
    if meeting.meeting_type.consent_required:
        attending = law.attending_organization_ids(meeting, [organization.pk])
        for item in open_items(meeting):
            missing = law.organizations_lacking_consent(item.person_id, attending)
            if missing:
                raise MeetingError(law.lacking_consent_message(missing))
    added = MeetingMember.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, user=member, organization=organization, added_by=user
    )
    _audit_meeting(user, meeting, f"構成員を追加（{organization.name}）", obj=added, request=request)
    return added


def open_items(meeting: Meeting):
    return meeting.agenda.filter(removed_at__isnull=True).order_by("order", "id")


def _give_grants(meeting: Meeting, items: list[AgendaItem], organization_ids: list[int], by: User,
                 request: HttpRequest | None) -> None:  # fmt: skip
    basis = law.grant_basis(meeting.meeting_type)
    if basis is None:
        return
    organizations = {o.pk: o for o in Organization.objects.filter(pk__in=organization_ids)}
    people = {item.person_id: item.person for item in items}
    for organization_id, person_id in law.grants_to_give(meeting, items, organization_ids):
        grant_create(
            organization=organizations[organization_id], person=people[person_id], basis=basis,
            source=meeting.source, granted_by=by, reason=f"{meeting.meeting_type.name}の検討事項", request=request,
        )  # fmt: skip


@transaction.atomic
def acknowledge(*, user: User, meeting: Meeting, request: HttpRequest | None = None) -> SecrecyAcknowledgement:
    """A member records their 守秘義務 acknowledgement for this meeting; their organisation then holds the
    meeting's grant on each open item's person (``law``)."""
    membership = next((m for m in meeting.members.all() if m.user_id == user.pk), None)
    if membership is None:
        raise MeetingError(_("この会議の構成員ではありません。"))
    _require_open(meeting)
    if not law.requires_acknowledgement(meeting.meeting_type):
        raise MeetingError(_("この会議は本人同意に基づくため、守秘義務の確認は不要です。"))
    if meeting.acknowledgements.filter(user=user).exists():
        raise MeetingError(_("守秘義務はすでに確認しています。"))
    acknowledgement = SecrecyAcknowledgement.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, user=user, organization=membership.organization,
        acknowledged_at=timezone.now(),
    )  # fmt: skip
    _audit_meeting(user, meeting, "守秘義務を確認", organization=membership.organization, obj=acknowledgement,
                   request=request)  # fmt: skip
    items = list(open_items(meeting).select_related("person"))
    _give_grants(meeting, items, [membership.organization_id], user, request)
    return acknowledgement


@dataclass
class AgendaItemInput:
    person: Person  # fetched by the caller through the people selectors
    topic: str
    household: Household | None = None
    case: CollaborationCase | None = None


@transaction.atomic
def agenda_item_add(
    *, user: User, meeting: Meeting, data: AgendaItemInput, request: HttpRequest | None = None
) -> AgendaItem:
    """A member who may open the agenda puts a person on it. A consent-based meeting refuses a person whose
    valid consent does not cover every attending organisation, naming them; nothing is saved then."""
    if not law.may_open_agenda(user, meeting):
        raise MeetingError(_("守秘義務を確認してから検討事項を追加してください。"))
    person = data.person
    if not data.topic.strip():
        raise MeetingError({"topic": [_("検討事項を入力してください。")]})
    if meeting.meeting_type.consent_required:
        missing = law.organizations_lacking_consent(person.pk, law.attending_organization_ids(meeting))
        if missing:
            raise MeetingError(law.lacking_consent_message(missing))
    decision = decide(user, person.pk)
    if not decision.allowed:
        raise MeetingError(_("この方の記録を見る権限がありません。"))
    last = meeting.agenda.order_by("-order").values_list("order", flat=True).first()
    item = AgendaItem.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, order=(last or 0) + 1, person=person,
        household=data.household, case=data.case, topic=data.topic.strip(), added_by=user,
    )  # fmt: skip
    grounds = grounds_of(decision.strongest)
    audit_record(
        user=user, action=Action.CREATE, organization=grounds.organization, obj=item, person_id=item.person_id,
        summary=f"会議の検討事項に追加（{meeting.meeting_type.name}）", basis=grounds.basis,
        basis_source=grounds.source, request=request,
    )  # fmt: skip
    _give_grants(meeting, [item], law.acknowledged_organization_ids(meeting), user, request)
    return item


@transaction.atomic
def minutes_record(
    *, user: User, item: AgendaItem, minutes: str, expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> AgendaItem:  # fmt: skip
    """The chair writes the item's minutes (議事録), from the version they read (``expected_version``; the
    item's as fetched when not given): a write since then is ``EditConflict`` and nothing is saved."""
    _require_chair(user, item.meeting)
    _require_open(item.meeting)
    if not minutes.strip():
        raise MeetingError({"minutes": [_("議事録を入力してください。")]})
    before = item.minutes
    item.minutes = minutes.strip()
    # Only None means "as fetched": an If-Match of "0" is a version no one read, so stale, not a wildcard.
    expected = item.version if expected_version is None else expected_version
    if not save_if_version(item, expected_version=expected, fields=["minutes"]):
        item.minutes = before
        current = AgendaItem.objects.get(pk=item.pk)
        raise edit_conflict(record=current, since_version=expected, fields=["minutes"])
    grounds = law.read_grounds(user, item)
    audit_record(
        user=user, action=Action.UPDATE, organization=grounds.organization if grounds else item.meeting.convener,
        obj=item, person_id=item.person_id, summary="会議の議事録を記録", changes={"minutes": [before, item.minutes]},
        basis=grounds.basis if grounds else "", basis_source=grounds.source if grounds else "", request=request,
    )  # fmt: skip
    return item


@dataclass
class TaskInput:
    title: str
    owner: User
    due_on: date


@dataclass
class DecisionInput:
    kind: str
    content: str
    assigned_organization: Organization | None = None
    tasks: list[TaskInput] | None = None
    evaluation: acting.EvaluationInput | None = None  # 評価
    closure: acting.ClosureInput | None = None  # 終結


def _decision_errors(item: AgendaItem, data: DecisionInput) -> list[str]:
    meeting_type = item.meeting.meeting_type
    errors = []
    if data.kind not in meeting_type.decisions:
        errors.append(
            _("%(type)sでは「%(kind)s」を決定できません。")
            % {"type": meeting_type.name, "kind": DecisionKind(data.kind).label}
            if data.kind in DecisionKind.values
            else _("決定事項が正しくありません。")
        )
    if not data.content.strip():
        errors.append(_("決定内容を入力してください。"))
    if data.kind in ASSIGNING and data.assigned_organization is None:
        errors.append(_("担当する機関を選んでください。"))
    if data.kind in acting.ON_CASE and item.case_id is None:
        errors.append(
            _("「%(kind)s」は多機関協働ケースの検討事項についてだけ記録できます。")
            % {"kind": DecisionKind(data.kind).label}
        )
    members = {m.user_id for m in item.meeting.members.all()}
    for task in data.tasks or []:
        if task.owner.pk not in members:
            errors.append(_("タスクの担当者は会議の構成員から選んでください。"))
        if not task.title.strip():
            errors.append(_("タスクの内容を入力してください。"))
    return errors


@transaction.atomic
def decision_record(
    *, user: User, item: AgendaItem, data: DecisionInput, request: HttpRequest | None = None
) -> Decision:
    """The chair records a decision the meeting type permits, with its follow-up tasks. A decision on the
    item's 多機関協働 case (支援決定, 評価, 終結, 中断) acts through the case's and plan's services
    (``acting``) on the meeting's date; their refusal is this refusal, and nothing is saved."""
    meeting = item.meeting
    _require_chair(user, meeting)
    _require_open(meeting)
    errors = _decision_errors(item, data)
    if errors:
        raise MeetingError(errors)
    acted = acting.act(
        user=user, item=item, kind=data.kind, content=data.content.strip(), evaluation=data.evaluation,
        closure=data.closure, request=request,
    )  # fmt: skip
    decision = Decision.objects.create(
        municipality_id=meeting.municipality_id, agenda_item=item, kind=data.kind, content=data.content.strip(),
        assigned_organization=data.assigned_organization, decided_by=user, plan=acted.plan,
        evaluation=acted.evaluation,
    )  # fmt: skip
    decision.transitions.set(acted.transitions)
    grounds = law.read_grounds(user, item)
    audit_record(
        user=user, action=Action.CREATE, organization=grounds.organization if grounds else meeting.convener,
        obj=decision, person_id=item.person_id, summary=f"会議で決定（{decision.get_kind_display()}）",
        changes={"transitions": [None, [t.to_state for t in acted.transitions]]} if acted.transitions else None,
        basis=grounds.basis if grounds else "", basis_source=grounds.source if grounds else "", request=request,
    )  # fmt: skip
    for task in data.tasks or []:
        task_create(user=user, meeting=meeting, decision=decision, data=task)
    return decision


def task_create(*, user: User, meeting: Meeting, data: TaskInput, decision: Decision | None = None) -> FollowUpTask:
    """A follow-up task for a member, in their list, with a notice. Called inside a decision's transaction."""
    membership = next(m for m in meeting.members.all() if m.user_id == data.owner.pk)
    task = FollowUpTask.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, decision=decision, title=data.title.strip(),
        owner=data.owner, organization=membership.organization, due_on=data.due_on,
    )  # fmt: skip
    notify(
        user_ids=[data.owner.pk], municipality_id=meeting.municipality_id, event=Event.MEETING_TASK,
        summary=f"{meeting.meeting_type.name}のタスク（期限 {date_label(data.due_on)}）", key=f"meeting-task:{task.pk}",
        url_name="meetings:my-tasks", actor=user,
    )  # fmt: skip
    return task


@transaction.atomic
def task_complete(*, user: User, task: FollowUpTask, request: HttpRequest | None = None) -> FollowUpTask:
    """The owner (or the chair) marks a task done. The last open task of a meeting already held closes its
    follow-up, and with it the access the meeting gave (``law``)."""
    meeting = task.meeting
    if user.pk not in (task.owner_id, meeting.chair_id):
        raise MeetingError(_("タスクを完了にできるのは担当者と議長です。"))
    locked = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        raise MeetingError(_("このタスクはすでに完了しています。"))
    locked.done_at, locked.done_by = timezone.now(), user
    locked.save(update_fields=["done_at", "done_by"])
    _audit_meeting(user, meeting, "会議のタスクを完了", organization=locked.organization, action=Action.UPDATE,
                   obj=locked, request=request)  # fmt: skip
    if meeting.closed_at is None and law.follow_up_closes_by_tasks(meeting, now=timezone.now()):
        _follow_up_close(user, meeting, request)
    return locked


@transaction.atomic
def meeting_close(*, user: User, meeting: Meeting, request: HttpRequest | None = None) -> Meeting:
    """The chair closes the meeting's follow-up: refused while a task is open. Every grant it gave ends."""
    _require_chair(user, meeting)
    _require_open(meeting)
    still_open = law.open_follow_up(meeting)
    if still_open:
        raise MeetingError(still_open)
    _follow_up_close(user, meeting, request)
    return meeting


def _follow_up_close(user: User, meeting: Meeting, request: HttpRequest | None) -> None:
    meeting.closed_at, meeting.closed_by = timezone.now(), user
    meeting.save(update_fields=["closed_at", "closed_by"])
    _audit_meeting(user, meeting, "会議のフォローアップを終了", action=Action.UPDATE, request=request)
    grants_revoke(
        grants=list(law.meeting_grants(meeting).select_related("organization")), by=user,
        reason=f"{meeting.meeting_type.name}のフォローアップ終了", request=request,
    )  # fmt: skip


def agenda_items_withdraw_consent(*, person_id: int, user: User, request: HttpRequest | None = None) -> int:
    """A consent was withdrawn (inside ``access.services.consent_withdraw``): the person's items on open
    consent-based meetings whose remaining consent no longer covers every attending organisation come off
    the agenda, and each chair is told. Returns how many items were taken off."""
    items = (
        AgendaItem.objects.filter(
            person_id=person_id, removed_at__isnull=True, meeting__closed_at__isnull=True,
            meeting__meeting_type__consent_required=True,
        )
        .select_related("meeting__meeting_type", "meeting__convener")
        .prefetch_related("meeting__members")
    )  # fmt: skip
    removed = 0
    for item in items:
        meeting = item.meeting
        if not law.organizations_lacking_consent(person_id, law.attending_organization_ids(meeting)):
            continue
        item.removed_at, item.removed_reason = timezone.now(), "本人同意の撤回"
        item.save(update_fields=["removed_at", "removed_reason"])
        audit_record(
            user=user, action=Action.UPDATE, organization=meeting.convener, obj=item, person_id=person_id,
            summary="本人同意の撤回により会議の検討事項から外す",
            changes={"removed_at": [None, item.removed_at.isoformat()]}, request=request,
        )  # fmt: skip
        notify(
            user_ids=[meeting.chair_id], municipality_id=meeting.municipality_id, event=Event.MEETING_ITEM_WITHDRAWN,
            summary=f"{meeting.meeting_type.name}（{date_label(timezone.localtime(meeting.held_at).date())}）",
            key=f"meeting-item-withdrawn:{item.pk}", url_name="meetings:meeting-detail", record_id=meeting.pk,
            actor=user,
        )  # fmt: skip
        removed += 1
    return removed
