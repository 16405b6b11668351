"""How to make outreach records in a state of the generated access matrix (``tsunagu.records.tests.matrix``),
each held by the arrangement's holding agency: that agency is made an implementing body of the outreach
programme, and its caseworker records 気になる情報 about the arrangement's person, opens a target from it,
records a failed visit and the stage change it causes."""

from __future__ import annotations

from tsunagu.access.services import acting_organization
from tsunagu.outreach.models import OutreachContact, OutreachInformation, OutreachStageChange, OutreachTarget
from tsunagu.outreach.tests.factories import contact, information, open_target, runs_outreach


def _target(arrangement) -> OutreachTarget:
    if "outreach_target" not in arrangement.made:
        runs_outreach(acting_organization(arrangement.holder))
        info = information(arrangement.holder, person=arrangement.person, household=arrangement.household)
        target = open_target(arrangement.holder, [info])
        contact(arrangement.holder, target)
        arrangement.made["outreach_target"] = target.pk
        arrangement.made["outreach_information"] = info.pk
    return OutreachTarget.objects.get(pk=arrangement.made["outreach_target"])


def outreach_target(arrangement) -> int:
    return _target(arrangement).pk


def outreach_information(arrangement) -> int:
    _target(arrangement)
    return OutreachInformation.objects.get(pk=arrangement.made["outreach_information"]).pk


def outreach_contact(arrangement) -> int:
    return OutreachContact.objects.filter(target=_target(arrangement)).values_list("pk", flat=True)[0]


def outreach_stage_change(arrangement) -> int:
    return (
        OutreachStageChange.objects.filter(target=_target(arrangement)).order_by("id").values_list("pk", flat=True)[0]
    )


EXAMPLES = {
    "outreach_target": outreach_target, "outreach_information": outreach_information,
    "outreach_contact": outreach_contact, "outreach_stage_change": outreach_stage_change,
}  # fmt: skip
