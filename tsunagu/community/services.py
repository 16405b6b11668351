"""Writes of 地域づくり: platform sectors (from the plan), partners, places, activity sessions, the link of
a known person to a session, and the coordinator's log.

Each function is keyword-only and atomic, validates everything before it writes, and writes its audit
entry; a refusal is ``CommunityError`` with Japanese messages on the fields, and saves nothing. The caller
fetched the place, session and person through the selectors (404 outside scope); these functions decide
what the user may *do*: staff of the organisations that run the place's programme (``staff``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.models import Basis
from tsunagu.access.policy import holds_standing_ground
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.community import staff
from tsunagu.community.models import (
    AGE_BANDS,
    ActivitySession,
    CoordinatorActivity,
    CoordinatorLogEntry,
    Partner,
    Place,
    PlaceKind,
    PlatformSector,
    SessionParticipation,
)
from tsunagu.core.models import District, Municipality, Organization, User
from tsunagu.people.models import Person
from tsunagu.plans.models import Category, Program
from tsunagu.plans.selectors import plan_current_for_municipality

# The largest head count a session takes (a typing error past it, not a festival).
MAX_COUNT = 100_000


class CommunityError(ValidationError):
    """A refused write of 地域づくり; the messages are shown as they are."""


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise CommunityError(errors)


def _writer(user: User, program: Program) -> Organization:
    organization = staff.writing_organization(user, program)
    if organization is None:
        raise CommunityError(staff.not_program_staff_message(program))
    return organization


def _audit(user: User, organization: Organization, obj: object, action: Action, summary: str,
           request: HttpRequest | None, person_id: int | None = None, basis: str = "") -> None:  # fmt: skip
    audit_record(
        user=user, organization=organization, action=action, obj=obj, person_id=person_id,  # type: ignore[arg-type]
        summary=summary, basis=basis, basis_source=f"community:{obj.pk}" if basis else "",  # type: ignore[attr-defined]
        request=request,
    )  # fmt: skip


@transaction.atomic
def platform_sectors_ensure(*, municipality: Municipality) -> list[PlatformSector]:
    """The plan's 多分野協働のプラットフォーム sectors as rows: those missing are added in the plan's order
    (nothing is written when all exist). A sector the plan no longer names stays, so partners keep theirs."""
    plan = plan_current_for_municipality(municipality=municipality)
    names = list(plan.platform_sectors) if plan is not None else []
    existing = set(PlatformSector.objects.filter(municipality=municipality).values_list("name", flat=True))
    PlatformSector.objects.bulk_create([
        PlatformSector(municipality=municipality, name=name, order=order)
        for order, name in enumerate(names, start=1) if name not in existing
    ])  # fmt: skip
    return list(PlatformSector.objects.filter(municipality=municipality).order_by("order", "name"))


@dataclass
class PartnerInput:
    name: str
    sector: PlatformSector | None = None
    organization: Organization | None = None
    contact: str = ""


@transaction.atomic
def partner_create(*, user: User, data: PartnerInput, request: HttpRequest | None = None) -> Partner:
    """A partner organisation of community work; any community staff member may add one."""
    organizations = staff.community_memberships(user)
    if not organizations:
        raise CommunityError(_("参加機関を登録できるのは、地域づくり事業を実施する機関の職員です。"))
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = [_("団体・機関名を入力してください。")]
    elif Partner.objects.filter(municipality_id=user.municipality_id, name=name).exists():
        errors["name"] = [_("同じ名前の参加機関がすでに登録されています。")]
    if data.sector is not None and data.sector.municipality_id != user.municipality_id:
        errors["sector"] = [_("分野が正しくありません。")]
    if data.organization is not None and data.organization.municipality_id != user.municipality_id:
        errors["organization"] = [_("機関が正しくありません。")]
    _refuse(errors)
    partner = Partner.objects.create(municipality_id=user.municipality_id, name=name, sector=data.sector,
                                     organization=data.organization, contact=data.contact.strip())  # fmt: skip
    _audit(user, organizations[0], partner, Action.CREATE, "参加機関を登録", request)
    return partner


@dataclass
class PlaceInput:
    program: Program
    name: str
    kind: PlaceKind
    opened_on: date
    host_organization: Organization | None = None
    host_name: str = ""
    coordinator: User | None = None
    district: District | None = None
    address: str = ""
    schedule: str = ""
    description: str = ""
    closed_on: date | None = None


@transaction.atomic
def place_create(*, user: User, data: PlaceInput, request: HttpRequest | None = None) -> Place:
    """A 拠点・居場所 under a 地域づくり事業 of the plan; written by the programme's staff (its organisations
    and 所管課), held by the writer's organisation."""
    program = data.program
    if program.municipality_id != user.municipality_id or program.category != Category.COMMUNITY:
        raise CommunityError({"program": [_("地域づくり事業の中から事業を選んでください。")]})
    organization = _writer(user, program)
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = [_("名称を入力してください。")]
    elif Place.objects.filter(municipality_id=user.municipality_id, name=name).exists():
        errors["name"] = [_("同じ名称の拠点・居場所がすでに登録されています。")]
    if not data.host_organization and not data.host_name.strip():
        errors["host_name"] = [_("運営する機関か、運営する団体の名前を入力してください。")]
    if data.host_organization is not None and data.host_organization.municipality_id != user.municipality_id:
        errors["host_organization"] = [_("運営する機関が正しくありません。")]
    if data.coordinator is not None and not staff.community_memberships(data.coordinator):
        errors["coordinator"] = [_("コーディネーターには、地域づくり事業を実施する機関の職員を選んでください。")]
    if data.district is not None and data.district.municipality_id != user.municipality_id:
        errors["district"] = [_("地区が正しくありません。")]
    if data.closed_on is not None and data.closed_on < data.opened_on:
        errors["closed_on"] = [_("廃止日は開設日より後の日付にしてください。")]
    _refuse(errors)
    place = Place.objects.create(
        municipality_id=user.municipality_id, program=program, organization=organization, name=name, kind=data.kind,
        host_organization=data.host_organization, host_name=data.host_name.strip(), coordinator=data.coordinator,
        district=data.district, address=data.address, schedule=data.schedule, description=data.description,
        opened_on=data.opened_on, closed_on=data.closed_on,
    )  # fmt: skip
    _audit(user, organization, place, Action.CREATE, "拠点・居場所を登録", request)
    return place


@dataclass
class SessionInput:
    held_on: date
    title: str
    participants: int | None
    note: str = ""
    volunteers: int = 0
    # The age bands' counts, by field name (``models.AGE_BANDS``); a band left out is not known.
    ages: dict[str, int | None] = field(default_factory=dict)
    partners: list[Partner] = field(default_factory=list)


def session_errors(place: Place, data: SessionInput) -> dict[str, list[str]]:
    """What is wrong with a session for ``place``, by field (empty: nothing)."""
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("活動の内容を入力してください。")]
    if data.participants is None:
        errors["participants"] = [_("参加者数を入力してください（名前は要りません）。")]
    elif data.participants < 0:
        errors["participants"] = [_("参加者数は0以上の数で入力してください。")]
    elif data.participants > MAX_COUNT:
        errors["participants"] = [_("参加者数が大きすぎます。入力を確かめてください。")]
    if data.volunteers is None or not 0 <= data.volunteers <= MAX_COUNT:
        errors["volunteers"] = [_("ボランティア数は0以上の数で入力してください。")]
    known = 0
    bands = dict(AGE_BANDS)
    for name, count in data.ages.items():
        if name not in bands:
            errors[name] = [_("年齢区分が正しくありません。")]
        elif count is not None and not 0 <= count <= MAX_COUNT:
            errors[name] = [_("%(band)sの人数は0以上の数で入力してください。") % {"band": bands[name]}]
        elif count is not None:
            known += count
    if data.participants is not None and data.participants >= 0 and known > data.participants:
        errors.setdefault("participants", []).append(
            _("年齢区分の人数の合計（%(known)s人）が参加者数（%(total)s人）を超えています。")
            % {"known": known, "total": data.participants}
        )
    if data.held_on > timezone.localdate():
        errors["held_on"] = [_("開催日に未来の日付は入力できません。")]
    elif data.held_on < place.opened_on or (place.closed_on is not None and data.held_on > place.closed_on):
        errors["held_on"] = [_("開催日が拠点の開設期間の外です。")]
    if any(p.municipality_id != place.municipality_id for p in data.partners):
        errors["partners"] = [_("参加機関が正しくありません。")]
    return errors


@transaction.atomic
def session_record(*, user: User, place: Place, data: SessionInput, request: HttpRequest | None = None
                   ) -> ActivitySession:  # fmt: skip
    """Record one activity at ``place``: counts only, no names. Refused (nothing saved) for a negative count,
    age bands adding up past the total, a date in the future or outside the place's period."""
    organization = _writer(user, place.program)
    _refuse(session_errors(place, data))
    assert data.participants is not None  # refused above when missing
    session = ActivitySession.objects.create(
        municipality_id=place.municipality_id, place=place, held_on=data.held_on, title=data.title.strip(),
        note=data.note, participants=data.participants, volunteers=data.volunteers, recorded_by=user,
        **data.ages,
    )  # fmt: skip
    if data.partners:
        session.partners.set(data.partners)
    _audit(user, organization, session, Action.CREATE, "活動の記録を登録", request)
    return session


@transaction.atomic
def participation_link(*, user: User, session: ActivitySession, person: Person, note: str = "",
                       request: HttpRequest | None = None) -> SessionParticipation:  # fmt: skip
    """Link a known person to a session (the caller fetched the person through ``person_check_for_user``).

    The link is a case record of the writer's organisation, which must have access to the person (it stays
    readable to it); refused twice for the same person, or past the session's head count."""
    organization = _writer(user, session.place.program)
    errors: list[str] = []
    if not holds_standing_ground(person.pk, organization.pk):  # an emergency's hours are no ground for a record
        errors.append(_("%(organization)sはこの方の記録を閲覧できないため、参加を記録できません。")
                      % {"organization": organization.name})  # fmt: skip
    linked = SessionParticipation.objects.filter(session=session)
    if linked.filter(person=person).exists():
        errors.append(_("この方はこの活動の参加者としてすでに記録されています。"))
    elif linked.count() >= session.participants:
        errors.append(
            _("名前の分かる参加者が参加者数（%(total)s人）を超えます。先に参加者数を直してください。")
            % {"total": session.participants}
        )
    if errors:
        raise CommunityError(errors)
    record = SessionParticipation.objects.create(
        municipality_id=session.municipality_id, organization=organization, person=person,
        occurred_at=datetime.combine(session.held_on, time.min, tzinfo=timezone.get_current_timezone()),
        staff=user, session=session, note=note.strip(),
    )  # fmt: skip
    _audit(user, organization, record, Action.CREATE, "活動への参加を記録", request, person_id=person.pk,
           basis=Basis.OWN_RECORD)  # fmt: skip
    return record


@dataclass
class LogInput:
    worked_on: date
    activity: CoordinatorActivity
    content: str
    program: Program | None = None
    place: Place | None = None
    district: District | None = None
    partners: list[Partner] = field(default_factory=list)


def coordinator_program(municipality_id: int) -> Program | None:
    """生活支援体制整備事業 (the programme that places the 生活支援コーディネーター), found by its duty in the plan."""
    programs = staff.community_programs(municipality_id)
    return programs.filter(duties__text__contains="生活支援コーディネーター").first() or programs.first()


@transaction.atomic
def log_record(*, user: User, data: LogInput, request: HttpRequest | None = None) -> CoordinatorLogEntry:
    """One entry of the coordinator's work log, by the coordinator (the writer) for the programme's staff."""
    program = data.program or coordinator_program(user.municipality_id)
    if program is None or program.category != Category.COMMUNITY or program.municipality_id != user.municipality_id:
        raise CommunityError({"program": [_("地域づくり事業の中から事業を選んでください。")]})
    organization = _writer(user, program)
    errors: dict[str, list[str]] = {}
    if not data.content.strip():
        errors["content"] = [_("内容を入力してください。")]
    if data.worked_on > timezone.localdate():
        errors["worked_on"] = [_("日付に未来の日付は入力できません。")]
    if data.place is not None and data.place.municipality_id != user.municipality_id:
        errors["place"] = [_("拠点が正しくありません。")]
    if any(p.municipality_id != user.municipality_id for p in data.partners):
        errors["partners"] = [_("関わった機関が正しくありません。")]
    _refuse(errors)
    entry = CoordinatorLogEntry.objects.create(
        municipality_id=user.municipality_id, program=program, organization=organization, coordinator=user,
        worked_on=data.worked_on, activity=data.activity, content=data.content.strip(), place=data.place,
        district=data.district,
    )  # fmt: skip
    if data.partners:
        entry.partners.set(data.partners)
    _audit(user, organization, entry, Action.CREATE, "生活支援コーディネーターの活動を記録", request)
    return entry
