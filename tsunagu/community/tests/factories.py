"""Building 地域づくり records for tests through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from tsunagu.community import services
from tsunagu.community.models import ActivitySession, Place, PlaceKind
from tsunagu.community.staff import community_programs
from tsunagu.core.models import Organization, User
from tsunagu.plans.models import Program, ProgramImplementingBody

CARE_PREVENTION = "care-prevention-activities"  # 直営 by すこやか健康課: 地域包括 (caseworker A) runs it
CHILD_REARING = "child-rearing-hub"  # 委託: みどり保育園, 赤碕こども園


def program(municipality_id: int, code: str = CARE_PREVENTION) -> Program:
    return community_programs(municipality_id).get(code=code)


def runs_program(organization: Organization, code: str = CARE_PREVENTION) -> None:
    """Make ``organization`` an implementing body of its town's programme ``code`` (plan data)."""
    ProgramImplementingBody.objects.get_or_create(
        program=program(organization.municipality_id, code), organization=organization,
        defaults={"municipality_id": organization.municipality_id, "order": 99},
    )  # fmt: skip


def place(user: User, *, code: str = CARE_PREVENTION, **fields: Any) -> Place:
    data: dict[str, Any] = {
        "name": "八橋いきいきサロン", "kind": PlaceKind.CARE_PREVENTION, "opened_on": date(2024, 4, 1),
        "host_name": "八橋地区自治会", "schedule": "毎週水曜 10:00〜11:30",
    }  # fmt: skip
    data.update(fields)
    return services.place_create(user=user, data=services.PlaceInput(program=program(user.municipality_id, code),
                                                                     **data))  # fmt: skip


def session(user: User, at: Place, held_on: date, participants: int, **fields: Any) -> ActivitySession:
    data: dict[str, Any] = {"title": "いきいき百歳体操"}
    data.update(fields)
    return services.session_record(user=user, place=at, data=services.SessionInput(
        held_on=held_on, participants=participants, **data))  # fmt: skip
