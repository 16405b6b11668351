"""Writing training sessions: holding one (with who attended), changing it, and its materials.

Only staff in a confirmed casework role at the coordinator organisation (``selectors.may_manage``) write.
Every function is keyword-only and atomic; every problem of the input is collected into one
``ValidationError`` in Japanese (on its field where it has one) and nothing is written. Each write is
audited with its values (master data: no resident is named).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tsunagu.audit.models import Action
from tsunagu.audit.selectors import edit_conflict
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import Organization, User
from tsunagu.core.versioning import bump_version, save_if_version
from tsunagu.training import selectors
from tsunagu.training.models import TrainingAttendee, TrainingMaterial, TrainingParticipation, TrainingSession

# A session of a town's agencies: anything past this is a typing error, and an INTEGER column stays safe.
MAX_OTHER_ATTENDEES = 10_000
SESSION_FIELDS = ("held_on", "theme", "place", "description")


@dataclass(frozen=True)
class ParticipationInput:
    organization: Organization
    other_attendees: int = 0
    staff: list[User] = field(default_factory=list)


@dataclass(frozen=True)
class SessionInput:
    held_on: date | None
    theme: str
    place: str = ""
    description: str = ""
    participations: list[ParticipationInput] = field(default_factory=list)


def _require_manager(user: User, organizer: Organization | None = None) -> Organization:
    organizer = organizer or selectors.coordinator_organization(municipality_id=user.municipality_id)
    if organizer is None:
        raise ValidationError(_("研修を主催する機関（多機関協働事業の所管課）が計画にありません。"))
    if not selectors.may_manage(user, organizer):
        raise ValidationError(_("研修を登録・変更できるのは%(org)sの職員です。") % {"org": organizer.name})
    return organizer


def _errors(user: User, data: SessionInput, session: TrainingSession | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.held_on is None:
        add("held_on", _("開催日を入力してください。"))
    if not data.theme.strip():
        add("theme", _("テーマを入力してください。"))
    elif len(data.theme) > 200:
        add("theme", _("テーマは200文字以内で入力してください。"))
    if len(data.place) > 200:
        add("place", _("場所は200文字以内で入力してください。"))
    staff_of = {
        (member.pk, org.pk)
        for member, org in selectors.attendee_choices(municipality_id=user.municipality_id, session=session)
    }
    seen_orgs: set[int] = set()
    seen_users: dict[int, str] = {}
    for p in data.participations:
        org = p.organization
        if org.municipality_id != user.municipality_id:
            add("participations", _("他の自治体の機関は選べません（%(org)s）。") % {"org": org.name})
            continue
        if org.pk in seen_orgs:
            add("participations", _("%(org)sが二度入力されています。") % {"org": org.name})
        seen_orgs.add(org.pk)
        if p.other_attendees < 0:
            add("participations", _("%(org)sのその他の参加者数は0以上の数で入力してください。") % {"org": org.name})
        elif p.other_attendees > MAX_OTHER_ATTENDEES:
            add("participations", _("%(org)sのその他の参加者数が多すぎます（%(max)s人まで）。")
                % {"org": org.name, "max": f"{MAX_OTHER_ATTENDEES:,}"})  # fmt: skip
        if not p.staff and p.other_attendees == 0:
            add(
                "participations",
                _("%(org)sの参加者がいません（職員を選ぶか人数を入力してください）。") % {"org": org.name},
            )
        for member in p.staff:
            label = member.display_name or member.get_username()
            if (member.pk, org.pk) not in staff_of:
                add("participations", _("%(user)sは%(org)sの職員ではありません。") % {"user": label, "org": org.name})
            elif member.pk in seen_users:
                add("participations", _("%(user)sが%(first)sと%(org)sの両方に入力されています。")
                    % {"user": label, "first": seen_users[member.pk], "org": org.name})  # fmt: skip
            else:
                seen_users[member.pk] = org.name
    return errors


def _attendance(session: TrainingSession) -> list[dict[str, Any]]:
    """Who attended, as the audit entry keeps it: organisation, staff ids, the count of others."""
    rows = TrainingParticipation.objects.filter(session=session).prefetch_related("attendees").order_by("id")
    return [
        {"organization": p.organization_id, "staff": sorted(a.user_id for a in p.attendees.all()),
         "others": p.other_attendees}
        for p in rows
    ]  # fmt: skip


def _write_attendance(session: TrainingSession, participations: list[ParticipationInput]) -> None:
    TrainingAttendee.objects.filter(session=session).delete()
    TrainingParticipation.objects.filter(session=session).delete()
    for p in participations:
        row = TrainingParticipation.objects.create(
            municipality_id=session.municipality_id, session=session, organization=p.organization,
            other_attendees=p.other_attendees,
        )  # fmt: skip
        TrainingAttendee.objects.bulk_create(
            TrainingAttendee(municipality_id=session.municipality_id, participation=row, session=session, user=u)
            for u in p.staff
        )


@transaction.atomic
def session_create(*, user: User, data: SessionInput, request: HttpRequest | None = None) -> TrainingSession:
    """Hold a session, organised by the coordinator organisation, with who attended."""
    organizer = _require_manager(user)
    errors = _errors(user, data)
    if errors:
        raise ValidationError(errors)
    assert data.held_on is not None
    session = TrainingSession.objects.create(
        municipality_id=user.municipality_id, held_on=data.held_on, theme=data.theme.strip(),
        place=data.place.strip(), description=data.description.strip(), organizer=organizer, created_by=user,
    )  # fmt: skip
    _write_attendance(session, data.participations)
    changes = {name: [None, getattr(session, name)] for name in SESSION_FIELDS}
    changes["attendance"] = [None, _attendance(session)]
    audit_record(
        user=user, action=Action.CREATE, organization=organizer, obj=session, changes=changes, request=request,
        summary=_("研修を登録（%(date)s %(theme)s）") % {"date": date_label(session.held_on), "theme": session.theme},
    )  # fmt: skip
    return session


@transaction.atomic
def session_update(
    *, user: User, session: TrainingSession, data: SessionInput, expected_version: int,
    request: HttpRequest | None = None,
) -> TrainingSession:  # fmt: skip
    """Change a session and replace who attended; of two people editing it, the second gets ``EditConflict``."""
    organizer = _require_manager(user, session.organizer)
    errors = _errors(user, data, session)
    if errors:
        raise ValidationError(errors)
    assert data.held_on is not None
    before = {name: getattr(session, name) for name in SESSION_FIELDS}
    attendance_before = _attendance(session)
    session.held_on, session.theme = data.held_on, data.theme.strip()
    session.place, session.description = data.place.strip(), data.description.strip()
    if not save_if_version(session, expected_version=expected_version, fields=SESSION_FIELDS):
        current = TrainingSession.objects.get(pk=session.pk)
        raise edit_conflict(record=current, since_version=expected_version, fields=SESSION_FIELDS)
    _write_attendance(session, data.participations)
    changes = {n: [before[n], getattr(session, n)] for n in SESSION_FIELDS if before[n] != getattr(session, n)}
    attendance = _attendance(session)
    if attendance != attendance_before:
        changes["attendance"] = [attendance_before, attendance]
    audit_record(
        user=user, action=Action.UPDATE, organization=organizer, obj=session, changes=changes, request=request,
        summary=_("研修を変更（%(theme)s）") % {"theme": session.theme},
    )  # fmt: skip
    return session


@dataclass(frozen=True)
class MaterialInput:
    title: str
    url: str = ""
    description: str = ""


@transaction.atomic
def material_add(
    *, user: User, session: TrainingSession, data: MaterialInput, request: HttpRequest | None = None
) -> TrainingMaterial:
    """A material of the session: a title, and a link (http/https) or a description or both."""
    organizer = _require_manager(user, session.organizer)
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("資料名を入力してください。")]
    url = data.url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        errors["url"] = [_("リンクは http:// か https:// で始まるアドレスを入力してください。")]
    if not url and not data.description.strip():
        errors["description"] = [_("リンクか説明のどちらかを入力してください。")]
    if errors:
        raise ValidationError(errors)
    material = TrainingMaterial.objects.create(
        municipality_id=session.municipality_id, session=session, title=data.title.strip(), url=url,
        description=data.description.strip(), added_by=user,
    )  # fmt: skip
    bump_version(session)
    audit_record(
        user=user, action=Action.CREATE, organization=organizer, obj=material, request=request,
        changes={"session": [None, session.pk], "title": [None, material.title], "url": [None, url]},
        summary=_("研修資料を追加（%(title)s）") % {"title": material.title},
    )  # fmt: skip
    return material


@transaction.atomic
def material_remove(*, user: User, material: TrainingMaterial, request: HttpRequest | None = None) -> None:
    session = material.session
    organizer = _require_manager(user, session.organizer)
    audit_record(
        user=user, action=Action.DELETE, organization=organizer, obj=material, request=request,
        changes={"title": [material.title, None], "url": [material.url, None]},
        summary=_("研修資料を削除（%(title)s）") % {"title": material.title},
    )  # fmt: skip
    material.delete()
    bump_version(session)
