"""Building 参加支援 records for tests through the real services (grants, audit entries and states are real)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.utils import timezone

from tsunagu.core.models import District, Municipality, Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.participation import services
from tsunagu.participation.defaults import kinds_ensure
from tsunagu.participation.models import (
    FollowUpAbout,
    Host,
    MatchState,
    ParticipationMatch,
    ParticipationSupport,
    Resource,
    Transport,
)
from tsunagu.people.models import Person
from tsunagu.plans.models import ProgramImplementingBody

WORKSHOP = "町内就労支援継続Ｂ型作業所"


def runs_participation(organization: Organization) -> None:
    """Make ``organization`` an implementing body (実施機関) of its town's participation programme (plan data)."""
    program = services.participation_program(organization.municipality_id)
    assert program is not None
    ProgramImplementingBody.objects.get_or_create(
        program=program, organization=organization,
        defaults={"municipality_id": organization.municipality_id, "order": 99},
    )  # fmt: skip


def worker_at(organization: Organization, username: str, role: Role = Role.CASEWORKER) -> User:
    return user_create(
        municipality=organization.municipality, username=username, password="correct-horse-battery",
        display_name=username, memberships=[(organization, role)],
    )  # fmt: skip


def workshop(town: Municipality) -> Organization:
    return Organization.objects.get(municipality=town, name=WORKSHOP)


def district(town: Municipality, name: str) -> District:
    return District.objects.get_or_create(municipality=town, name=name)[0]


def host(user: User, name: str = "山田農園", sector: str = "農業") -> Host:
    found = Host.objects.filter(municipality_id=user.municipality_id, name=name).first()
    return found or services.host_create(user=user, data=services.HostInput(name=name, sector=sector,
                                                                            contact_name="山田", contact_phone="0858-00-1111"))  # fmt: skip


def resource(user: User, *, of: Host | None = None, kind: str = "work-experience", **fields: Any) -> Resource:
    values: dict[str, Any] = {"name": "農作業体験", "description": "野菜の収穫と袋詰め。初めての人には職員が付き添う。"}
    values.update(fields)
    kind_row = kinds_ensure(user.municipality_id).get(code=kind)
    return services.resource_create(user=user, data=services.ResourceInput(host=of or host(user), kind=kind_row,
                                                                           **values))  # fmt: skip


def support(user: User, person: Person, **fields: Any) -> ParticipationSupport:
    values: dict[str, Any] = {"wishes": "人の少ない場所で、体を動かすことから始めたい"}
    values.update(fields)
    return services.support_open(user=user, data=services.SupportInput(person=person, **values))


def young_man_needs() -> dict[str, Any]:
    return {
        "interests": "農作業、屋外、動物", "weekdays": "月火水木金", "available_from": time(9),
        "available_until": time(13), "transport": Transport.BICYCLE, "needs_staff_support": True,
        "can_do": "自転車で30分ほど", "cannot_do": "大勢の前で話すこと、夜の外出",
    }  # fmt: skip


def advance(user: User, match: ParticipationMatch, to: MatchState, on: date | None = None, **fields: Any):
    data = services.StateInput(to=to, on=on or timezone.localdate(), **fields)
    return services.match_advance(user=user, match=match, data=data)


def follow_up(user: User, match: ParticipationMatch, about: FollowUpAbout, content: str, **fields: Any):
    data = services.FollowUpInput(about=about, content=content, on=fields.pop("on", timezone.localdate()), **fields)
    return services.follow_up_record(user=user, match=match, data=data)
