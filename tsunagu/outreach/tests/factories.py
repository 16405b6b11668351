"""Building outreach records for tests through the real services (so grants, stages and audit entries are
real too)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from tsunagu.core.models import Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.outreach import services
from tsunagu.outreach.models import Means, OutreachInformation, OutreachTarget, Result, SourceType, Urgency
from tsunagu.plans.models import ProgramImplementingBody


def runs_outreach(organization: Organization) -> None:
    """Make ``organization`` an implementing body (実施機関) of its town's outreach programme (plan data)."""
    program = services.outreach_program(organization.municipality_id)
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


def information(user: User, **fields: Any) -> OutreachInformation:
    data: dict[str, Any] = {
        "content": "新聞がたまっている。夜も電気がつかない日がある。", "source_type": SourceType.WELFARE_COMMISSIONER,
        "urgency": Urgency.SOON, "source_name": "民生委員 山田", "source_contact": "0858-00-0000",
        "description": "50代男性（一人暮らしの様子）", "address": "琴浦町大字八橋1番地",
    }  # fmt: skip
    data.update(fields)
    return services.information_record(user=user, data=services.InformationInput(**data))


def open_target(user: User, info: list[OutreachInformation] | None = None, **fields: Any) -> OutreachTarget:
    data = {"worry": "長くひきこもっている様子", **fields}
    return services.target_open(user=user, data=services.TargetInput(information=info or [], **data))


def contact(user: User, target: OutreachTarget, result: Result = Result.ABSENT, *, at: datetime | None = None,
            means: Means = Means.VISIT, **fields: Any):  # fmt: skip
    data = services.ContactInput(occurred_at=at or timezone.now() - timedelta(minutes=5), means=means, result=result,
                                 content=fields.pop("content", "玄関で声をかけた"), **fields)  # fmt: skip
    return services.contact_record(user=user, target=target, data=data)
