"""Writes of 参加支援: the resource registry (hosts, resources, their closing, the 開拓 log) and the person's
participation support (opening it, matching, 利用調整 through the states, follow-up with the person and the
host, closing).

Each function is keyword-only and atomic, checks before it writes and writes its audit entry; a refusal is
``ParticipationError`` with messages a worker understands, and leaves nothing behind. The registry is the
municipality's (not personal data) and is kept by the staff of the organisations that run the plan's
participation programme and of its 所管課; the personal records are held by a participation organisation and
read by the access core's rule for case records. The caller fetched the person, plan or support through the
selectors (404 outside access).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.models import Basis
from tsunagu.access.policy import casework_memberships, holds_standing_ground
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.destinations import program_organizations
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import District, Organization, User
from tsunagu.core.transitions import locked, transition
from tsunagu.core.versioning import bump_version
from tsunagu.participation import matching, states
from tsunagu.participation.models import (
    WEEKDAYS,
    DevelopmentOutcome,
    EndReason,
    FollowUpAbout,
    Host,
    MatchState,
    ParticipationFollowUp,
    ParticipationMatch,
    ParticipationSupport,
    Resource,
    ResourceDevelopment,
    ResourceKind,
    Source,
    SupportStatus,
    Transport,
)
from tsunagu.participation.selectors import occupancy
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.plans.models import Category, Program
from tsunagu.support_plans.models import Application, PlanAction, PlanStatus

MAX_CAPACITY = 10_000  # beyond any host; keeps a pasted number inside the column


class ParticipationError(ValidationError):
    """A refused step on participation records; the messages are shown as they are."""


# --- Who does the work ------------------------------------------------------------------------------


def participation_program(municipality_id: int) -> Program | None:
    """The plan's 参加支援事業 (the newest plan's)."""
    return (
        Program.objects.filter(municipality_id=municipality_id, category=Category.PARTICIPATION)
        .order_by(F("plan__start_fiscal_year").desc(nulls_last=True), "-plan__loaded_at", "order", "pk")
        .first()
    )


def participation_organizations(municipality_id: int) -> list[Organization]:
    """The organisations that run the programme (plan data: ``consultations.destinations``)."""
    program = participation_program(municipality_id)
    return list(program_organizations(program)) if program is not None else []


def participation_membership_organization(user: User) -> Organization | None:
    """The user's own organisation that runs 参加支援, if any (their first such casework membership)."""
    memberships = casework_memberships(user)
    if not memberships:
        return None
    runs = {o.pk for o in participation_organizations(memberships[0].organization.municipality_id)}
    return next((m.organization for m in memberships if m.organization_id in runs), None)


def registry_organization(user: User) -> Organization | None:
    """The organisation the user keeps the registry for: one that runs the programme, or one of its 所管課."""
    organization = participation_membership_organization(user)
    if organization is not None:
        return organization
    memberships = casework_memberships(user)
    program = participation_program(memberships[0].organization.municipality_id) if memberships else None
    if program is None or program.responsible_division_id is None:
        return None
    return next((m.organization for m in memberships
                 if m.organization.division_id == program.responsible_division_id), None)  # fmt: skip


def _registry_staff(user: User) -> Organization:
    organization = registry_organization(user)
    if organization is None:
        raise ParticipationError(_("社会資源台帳を変更できるのは、参加支援事業を実施する機関と所管課の職員です。"))
    return organization


def _participation_staff(user: User) -> Organization:
    organization = participation_membership_organization(user)
    if organization is None:
        raise ParticipationError(_("参加支援の記録を扱えるのは、参加支援事業を実施する機関の職員です。"))
    return organization


def _holder_staff(user: User, record: Any) -> None:
    if not any(m.organization_id == record.organization_id for m in casework_memberships(user)):
        raise ParticipationError(
            _("記録を受け持つ機関（%(organization)s）の職員だけが変更できます。")
            % {"organization": record.organization.name}
        )


def _audit_master(user: User, organization: Organization, obj: Any, action: Action, summary: str,
                  changes: dict[str, list[Any]], request: HttpRequest | None) -> None:  # fmt: skip
    audit_record(user=user, organization=organization, action=action, obj=obj, summary=summary, changes=changes,
                 request=request)  # fmt: skip


def _audit(user: User, record: Any, action: Action, summary: str, changes: dict[str, list[Any]],
           request: HttpRequest | None) -> None:  # fmt: skip
    audit_record(
        user=user, organization=record.organization, action=action, obj=record, person_id=record.person_id,
        summary=summary, changes=changes, basis=Basis.OWN_RECORD,
        basis_source=f"{type(record)._meta.model_name}:{record.pk}", request=request,
    )  # fmt: skip


def _not_future(on: date | None, errors: list[str], what: str) -> None:
    if on is not None and on > timezone.localdate():
        errors.append(_("%(what)s（%(on)s）に今日より後の日付は入力できません。") % {"what": what, "on": to_wareki(on)})


def _weekdays_errors(text: str, what: str) -> list[str]:
    if any(c not in WEEKDAYS for c in text):
        return [_("%(what)sは「月火水木金土日」の文字で入力してください（例: 月水金）。") % {"what": what}]
    return []


def _hours_errors(start: time | None, end: time | None, what: str) -> list[str]:
    if (start is None) != (end is None):
        return [_("%(what)sは開始と終了の両方を入力してください。") % {"what": what}]
    if start is not None and end is not None and end <= start:
        return [_("%(what)sの終了は開始より後にしてください。") % {"what": what}]
    return []


def _district_errors(district: District | None, municipality_id: int) -> list[str]:
    if district is not None and district.municipality_id != municipality_id:
        return [_("地区はこの自治体の地区から選んでください。")]
    return []


# --- The registry: hosts, resources, 開拓 -----------------------------------------------------------------


@dataclass
class HostInput:
    name: str
    sector: str
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""


@transaction.atomic
def host_create(*, user: User, data: HostInput, request: HttpRequest | None = None) -> Host:
    """Register a host (受け入れ先); its name is unique in the municipality."""
    organization = _registry_staff(user)
    errors = []
    name = data.name.strip()
    if not name:
        errors.append(_("受け入れ先の名称を入力してください。"))
    if not data.sector.strip():
        errors.append(_("分野を入力してください（例: 農業、観光、福祉）。"))
    if Host.objects.filter(municipality_id=organization.municipality_id, name=name).exists():
        errors.append(_("「%(name)s」はすでに登録されています。") % {"name": name})
    if errors:
        raise ParticipationError(errors)
    host = Host.objects.create(
        municipality_id=organization.municipality_id, name=name, sector=data.sector.strip(),
        contact_name=data.contact_name.strip(), contact_phone=data.contact_phone.strip(), address=data.address.strip(),
    )  # fmt: skip
    _audit_master(user, organization, host, Action.CREATE, "受け入れ先を登録", {"name": [None, host.name]}, request)
    return host


@dataclass
class ResourceInput:
    host: Host
    name: str
    kind: ResourceKind
    description: str
    sector: str = ""
    district: District | None = None
    outside_town: bool = False
    address: str = ""
    min_age: int | None = None
    max_age: int | None = None
    weekdays: str = ""
    starts_at: time | None = None
    ends_at: time | None = None
    cost: str = ""
    free_of_charge: bool = True
    transport: str = ""
    pickup: bool = False
    public_transport: bool = False
    accessible: bool = False
    staff_support: bool = False
    capacity: int | None = None
    keywords: str = ""


def resource_errors(data: ResourceInput, municipality_id: int) -> list[str]:
    errors: list[str] = []
    if data.host.municipality_id != municipality_id or data.kind.municipality_id != municipality_id:
        errors.append(_("受け入れ先と種類はこの自治体のものから選んでください。"))
    if not data.kind.active:
        errors.append(_("種類「%(kind)s」は使われていません。") % {"kind": data.kind.name})
    if not data.name.strip():
        errors.append(_("社会資源の名称を入力してください。"))
    if not data.description.strip():
        errors.append(_("活動内容を入力してください。"))
    if data.capacity is not None and data.capacity < 0:
        errors.append(_("定員は0人以上で入力してください（定めがなければ空欄）。"))
    elif data.capacity is not None and data.capacity > MAX_CAPACITY:
        errors.append(_("定員は%(max)d人以下で入力してください（定めがなければ空欄）。") % {"max": MAX_CAPACITY})
    for age in (data.min_age, data.max_age):
        if age is not None and not 0 <= age <= 130:
            errors.append(_("対象年齢は0〜130歳で入力してください。"))
            break
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors.append(_("対象年齢の下限が上限を超えています。"))
    if data.outside_town and data.district is not None:
        errors.append(_("町外の資源には町内の地区を選べません。"))
    errors += _district_errors(data.district, municipality_id)
    errors += _weekdays_errors(data.weekdays, _("曜日"))
    errors += _hours_errors(data.starts_at, data.ends_at, _("活動時間"))
    return errors


@transaction.atomic
def resource_create(*, user: User, data: ResourceInput, request: HttpRequest | None = None) -> Resource:
    """Register a resource (社会資源) of a host."""
    organization = _registry_staff(user)
    errors = resource_errors(data, organization.municipality_id)
    if errors:
        raise ParticipationError(errors)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.__dict__.items()}
    resource = Resource.objects.create(municipality_id=organization.municipality_id, **values)
    _audit_master(user, organization, resource, Action.CREATE, "社会資源を登録",
                  {"name": [None, resource.name], "capacity": [None, resource.capacity]}, request)  # fmt: skip
    return resource


@transaction.atomic
def resource_close(*, user: User, resource: Resource, closed_on: date, request: HttpRequest | None = None) -> Resource:
    """Stop taking new matches from ``closed_on`` (those already in place carry on until ended)."""
    organization = _registry_staff(user)
    errors: list[str] = []
    if resource.municipality_id != organization.municipality_id:
        errors.append(_("この自治体の社会資源ではありません。"))
    if resource.closed_on is not None:
        errors.append(_("この社会資源はすでに受け入れを終了しています。"))
    if errors:
        raise ParticipationError(errors)
    already = _("この社会資源はすでに受け入れを終了しています。")
    resource = transition(resource, expect={"closed_on": None}, values={"closed_on": closed_on},
                          refused=lambda _c: ParticipationError(already))  # fmt: skip
    bump_version(resource)  # an edit form opened before the closing must not save over it unseen
    _audit_master(user, organization, resource, Action.UPDATE, "社会資源の受け入れを終了",
                  {"closed_on": [None, closed_on]}, request)  # fmt: skip
    return resource


@dataclass
class DevelopmentInput:
    approached_on: date
    approached: str
    outcome: DevelopmentOutcome
    method: str = ""
    sector: str = ""
    note: str = ""
    host: Host | None = None


@transaction.atomic
def development_record(
    *, user: User, data: DevelopmentInput, request: HttpRequest | None = None
) -> ResourceDevelopment:
    """Log one approach to a possible host (開拓): who, when, how, with what outcome."""
    organization = _registry_staff(user)
    errors: list[str] = []
    if not data.approached.strip():
        errors.append(_("働きかけた先を入力してください。"))
    if data.outcome not in DevelopmentOutcome.values:
        errors.append(_("結果を一覧から選んでください。"))
    if data.host is not None and data.host.municipality_id != organization.municipality_id:
        errors.append(_("受け入れ先はこの自治体のものから選んでください。"))
    _not_future(data.approached_on, errors, _("働きかけた日"))
    if errors:
        raise ParticipationError(errors)
    entry = ResourceDevelopment.objects.create(
        municipality_id=organization.municipality_id, organization=organization, staff=user,
        approached_on=data.approached_on, approached=data.approached.strip(), host=data.host,
        sector=data.sector.strip(), method=data.method.strip(), outcome=data.outcome, note=data.note.strip(),
    )  # fmt: skip
    _audit_master(user, organization, entry, Action.CREATE, "社会資源の開拓を記録",
                  {"outcome": [None, entry.outcome]}, request)  # fmt: skip
    return entry


# --- The person's participation support ------------------------------------------------------------------


# A superseded or ended version's lines are history, and a line outside the consent is flagged: nothing is
# begun from them (the plan page offers no link; the form's URL is refused the same).
OPEN_PLAN = (PlanStatus.DRAFT, PlanStatus.APPROVED)


def action_open(action: PlanAction) -> bool:
    return action.plan.status in OPEN_PLAN and action.flagged_at is None


@dataclass
class SupportInput:
    person: Person
    wishes: str
    household: Household | None = None
    plan_action: PlanAction | None = None
    source: Source = Source.DIRECT
    worker: User | None = None
    can_do: str = ""
    cannot_do: str = ""
    interests: str = ""
    district: District | None = None
    weekdays: str = ""
    available_from: time | None = None
    available_until: time | None = None
    transport: Transport = Transport.WALK
    travel_outside_town: bool = False
    needs_accessibility: bool = False
    needs_staff_support: bool = False
    free_only: bool = False
    health: str = ""
    started_on: date | None = None


def _age(person: Person, on: date) -> int | None:
    born = person.birth_date
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@transaction.atomic
def support_open(*, user: User, data: SupportInput, request: HttpRequest | None = None) -> ParticipationSupport:
    """Open the person's participation support, held by the user's participation organisation, which must
    already have access to the person. From a plan: the plan's action must apply for 参加支援事業 and be about
    this person (the caller fetched the plan through the support-plan selectors)."""
    organization = _participation_staff(user)
    errors: list[str] = []
    person = data.person
    if not data.wishes.strip():
        errors.append(_("本人の希望を入力してください。"))
    if not holds_standing_ground(person.pk, organization.pk):  # an emergency's hours are no ground for months
        errors.append(_("%(organization)sはこの方の記録を持っていません（本人同意などで共有されていません）。")
                      % {"organization": organization.name})  # fmt: skip
    action = data.plan_action
    source = Source.PLAN if action is not None else data.source
    if action is not None:
        if action.application != Application.PARTICIPATION:
            errors.append(_("この支援プランの役割分担は参加支援事業の申込みではありません。"))
        if action.plan.person_id != person.pk:
            errors.append(_("支援プランの本人と参加支援の本人が違います。"))
        if not action_open(action):
            errors.append(
                _(
                    "この役割分担からは参加支援を始められません（支援プランが終了している、または本人同意の範囲外です）。"
                )
            )
    elif source == Source.PLAN:
        errors.append(_("支援プランからの場合は、参加支援を申し込む役割分担を選んでください。"))
    if (
        data.household is not None
        and not HouseholdMember.objects.filter(household=data.household, person=person).exists()
    ):
        errors.append(_("本人がこの世帯の世帯員ではありません。"))
    if data.worker is not None and not any(
        m.organization_id == organization.pk for m in casework_memberships(data.worker)
    ):
        errors.append(_("担当者は%(organization)sの職員から選んでください。") % {"organization": organization.name})
    errors += _district_errors(data.district, organization.municipality_id)
    errors += _weekdays_errors(data.weekdays, _("参加できる曜日"))
    errors += _hours_errors(data.available_from, data.available_until, _("参加できる時間"))
    _not_future(data.started_on, errors, _("開始日"))
    if errors:
        raise ParticipationError(errors)
    today = timezone.localdate()
    started = data.started_on or today
    household = data.household or (action.plan.household if action is not None else None)
    support = ParticipationSupport.objects.create(
        municipality_id=organization.municipality_id, organization=organization, person=person, household=household,
        occurred_at=datetime.combine(started, time(9), timezone.get_current_timezone()) if data.started_on
        else timezone.now(), staff=user, source=source, plan_action=action, worker=data.worker or user,
        wishes=data.wishes.strip(), can_do=data.can_do.strip(), cannot_do=data.cannot_do.strip(),
        interests=data.interests.strip(),
        district=data.district or person.district or (household.district if household else None),
        weekdays=data.weekdays, available_from=data.available_from, available_until=data.available_until,
        transport=data.transport, travel_outside_town=data.travel_outside_town,
        needs_accessibility=data.needs_accessibility, needs_staff_support=data.needs_staff_support,
        free_only=data.free_only, age=_age(person, started), health=data.health.strip(),
    )  # fmt: skip
    _audit(user, support, Action.CREATE, f"参加支援を開始（{support.get_source_display()}）",
           {"source": [None, source], "plan_action": [None, action.pk if action else None]}, request)  # fmt: skip
    return support


@transaction.atomic
def support_close(*, user: User, support: ParticipationSupport, closed_on: date, reason: str,
                  request: HttpRequest | None = None) -> ParticipationSupport:  # fmt: skip
    """End the support (with why); its open matches must be ended first."""
    _holder_staff(user, support)
    errors: list[str] = []
    if not reason.strip():
        errors.append(_("終了の理由を入力してください。"))
    _not_future(closed_on, errors, _("終了日"))
    if closed_on < timezone.localtime(support.occurred_at).date():
        errors.append(_("終了日が支援の開始日より前です。"))
    if support.matches.exclude(state=MatchState.ENDED).exists():
        errors.append(_("終了していないマッチングがあります。先に終了してください。"))
    if errors:
        raise ParticipationError(errors)
    support = transition(
        support, expect={"status": SupportStatus.OPEN},
        values={"status": SupportStatus.CLOSED, "closed_on": closed_on, "close_reason": reason.strip()},
        refused=lambda _c: ParticipationError(_("この参加支援はすでに終了しています。")),
    )  # fmt: skip
    bump_version(support)
    _audit(
        user, support, Action.UPDATE, "参加支援を終了", {"status": [SupportStatus.OPEN, SupportStatus.CLOSED]}, request
    )
    return support


@transaction.atomic
def match_propose(
    *, user: User, support: ParticipationSupport, resource: Resource, note: str = "", proposed_on: date | None = None,
    request: HttpRequest | None = None,
) -> ParticipationMatch:  # fmt: skip
    """提案: a resource for the person, with its score and reasons as they are now (kept on the match).
    ``proposed_on``: the day it was proposed, when recorded later (not after today, not before the support)."""
    _holder_staff(user, support)
    current = locked(support)
    resource = locked(resource)
    errors: list[str] = []
    if not current.is_open:
        errors.append(_("終了した参加支援にはマッチングできません。"))
    if resource.municipality_id != current.municipality_id:
        errors.append(_("この自治体の社会資源ではありません。"))
    if resource.closed_on is not None:
        errors.append(_("「%(name)s」は%(on)sで受け入れを終了しています。")
                      % {"name": resource.name, "on": to_wareki(resource.closed_on)})  # fmt: skip
    _not_future(proposed_on, errors, _("提案日"))
    if proposed_on is not None and proposed_on < timezone.localtime(current.occurred_at).date():
        errors.append(_("提案日が参加支援の開始日より前です。"))
    if current.matches.filter(resource=resource).exclude(state=MatchState.ENDED).exists():
        errors.append(_("「%(name)s」とはすでにマッチングしています。") % {"name": resource.name})
    scored = matching.score(matching.needs_of(current), resource, occupancy([resource.pk]).get(resource.pk, 0))
    if not errors and scored.excluded:
        errors.append(_("「%(name)s」は提案できません: %(why)s。") % {"name": resource.name, "why": scored.excluded})
    if errors:
        raise ParticipationError(errors)
    match = ParticipationMatch.objects.create(
        municipality_id=current.municipality_id, organization_id=current.organization_id, person_id=current.person_id,
        household_id=current.household_id, staff=user, support=current, resource=resource,
        occurred_at=datetime.combine(proposed_on, time(10), timezone.get_current_timezone()) if proposed_on
        else timezone.now(), score=scored.score, explanation=scored.explanation, note=note.strip(),
    )  # fmt: skip
    _audit(user, match, Action.CREATE, f"社会資源を提案（{resource.name}・{scored.score}点）",
           {"resource": [None, resource.pk], "state": [None, MatchState.PROPOSED]}, request)  # fmt: skip
    return match


@dataclass
class StateInput:
    to: MatchState
    on: date
    note: str = ""
    end_reason: EndReason | str = ""


def _state_date(match: ParticipationMatch) -> date:
    """The date the match's current state began (its proposal's day for 提案)."""
    field = states.DATE_FIELD.get(MatchState(match.state))
    return getattr(match, field) if field else timezone.localtime(match.occurred_at).date()


@transaction.atomic
def match_advance(*, user: User, match: ParticipationMatch, data: StateInput,
                  request: HttpRequest | None = None) -> ParticipationMatch:  # fmt: skip
    """利用調整: move the match on by the rule (``states``) on the date it happened — 見学・体験, 参加中, 定着, or
    終了 with a reason. A visit or participation needs the resource open and a place left; a date may not be
    after today nor before the state it leaves began. Of two simultaneous changes only the first happens."""
    _holder_staff(user, match)
    current = locked(match)
    resource = locked(current.resource)
    source = MatchState(current.state)
    errors: list[str] = []
    if data.to not in states.targets(source):
        errors.append(
            _("「%(from)s」から「%(to)s」には進めません。") % {"from": source.label, "to": MatchState(data.to).label}
        )
    _not_future(data.on, errors, _("日付"))
    if data.on < _state_date(current):
        since = to_wareki(_state_date(current))
        errors.append(_("日付（%(on)s）が「%(from)s」になった日（%(since)s）より前です。")
                      % {"on": to_wareki(data.on), "from": source.label, "since": since})  # fmt: skip
    if data.to == MatchState.ENDED:
        if data.end_reason not in EndReason.values:
            errors.append(_("終了の理由を一覧から選んでください。"))
        elif data.end_reason == EndReason.OTHER and not data.note.strip():
            errors.append(_("「その他」の場合は理由を書いてください。"))
    elif data.to in states.HOLDING and source not in states.HOLDING:
        if resource.closed_on is not None and resource.closed_on <= data.on:
            errors.append(_("「%(name)s」は%(on)sで受け入れを終了しています。")
                          % {"name": resource.name, "on": to_wareki(resource.closed_on)})  # fmt: skip
        if resource.capacity is not None and occupancy([resource.pk]).get(resource.pk, 0) >= resource.capacity:
            errors.append(_("「%(name)s」は定員（%(capacity)d人）に達しています。")
                          % {"name": resource.name, "capacity": resource.capacity})  # fmt: skip
    if errors:
        raise ParticipationError(errors)
    values: dict[str, Any] = {"state": data.to, states.DATE_FIELD[data.to]: data.on}
    if data.to == MatchState.ENDED:
        values.update(end_reason=str(data.end_reason), end_note=data.note.strip())
    elif data.note.strip():
        values["note"] = (current.note + "\n" if current.note else "") + data.note.strip()
    match = transition(match, expect={"state": source}, values=values,
                       refused=lambda c: ParticipationError(_("このマッチングは他の職員が「%(state)s」に変更しました。")
                                                            % {"state": c.get_state_display()}))  # fmt: skip
    bump_version(match)
    _audit(user, match, Action.UPDATE, f"マッチングの状態を変更（{source.label} → {MatchState(data.to).label}）",
           {"state": [source, data.to]}, request)  # fmt: skip
    return match


@dataclass
class FollowUpInput:
    about: FollowUpAbout
    content: str
    on: date
    worries: str = ""
    next_step: str = ""


@transaction.atomic
def follow_up_record(*, user: User, match: ParticipationMatch, data: FollowUpInput,
                     request: HttpRequest | None = None) -> ParticipationFollowUp:  # fmt: skip
    """フォローアップ・定着支援 with the person or with the host, once the host has received the person."""
    _holder_staff(user, match)
    current = locked(match)
    errors: list[str] = []
    if data.about not in FollowUpAbout.values:
        errors.append(_("相手（本人・受け入れ先）を選んでください。"))
    if not data.content.strip():
        errors.append(_("内容を入力してください。"))
    if not current.received:
        errors.append(_("見学・体験または参加が始まってからフォローアップを記録してください。"))
    _not_future(data.on, errors, _("フォローアップの日"))
    first = current.trial_on or current.started_on
    if first is not None and data.on < first:
        errors.append(_("フォローアップの日（%(on)s）が受け入れの始まった日（%(first)s）より前です。")
                      % {"on": to_wareki(data.on), "first": to_wareki(first)})  # fmt: skip
    if errors:
        raise ParticipationError(errors)
    at = timezone.now() if data.on == timezone.localdate() else timezone.make_aware(
        datetime.combine(data.on, time(12)))  # fmt: skip
    follow_up = ParticipationFollowUp.objects.create(
        municipality_id=current.municipality_id, organization_id=current.organization_id, person_id=current.person_id,
        household_id=current.household_id, occurred_at=at, staff=user, match=current, about=data.about,
        content=data.content.strip(), worries=data.worries.strip(), next_step=data.next_step.strip(),
    )  # fmt: skip
    _audit(user, follow_up, Action.CREATE, f"フォローアップを記録（{follow_up.get_about_display()}）",
           {"about": [None, data.about]}, request)  # fmt: skip
    return follow_up
