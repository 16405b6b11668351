"""Where a referral may go: the organisations that run a programme of the plan (plan data, not a list here).

A programme the town contracts or subsidises names its implementing bodies (実施機関,
``ProgramImplementingBody``). One the town runs itself (直営, and the 直営 part of 直営・委託) is run by its
所管課 and the town's own centres under that division (地域包括支援センター under すこやか健康課); so is a
programme whose bodies the plan does not name. The referral form offers these, the referral service
refuses anything else, and neither ever offers the sending organisation itself.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from tsunagu.core.models import Organization, OrganizationKind
from tsunagu.plans.models import OperatingForm, Program, ProgramImplementingBody

RUN_DIRECTLY = (OperatingForm.DIRECT, OperatingForm.DIRECT_AND_COMMISSIONED)
TOWN_KINDS = (OrganizationKind.TOWN_DIVISION, OrganizationKind.TOWN_CENTRE)


def program_organizations(program: Program, *, exclude: Organization | None = None) -> QuerySet[Organization]:
    """The organisations that run ``program``, in the plan's order; one query, whatever the plan."""
    bodies = ProgramImplementingBody.objects.filter(program_id=program.pk)
    runs = Q(Exists(bodies.filter(organization_id=OuterRef("pk"))))
    by_the_town = Q(division_id=program.responsible_division_id, kind__in=TOWN_KINDS)
    if program.operating_form not in RUN_DIRECTLY:
        by_the_town &= ~Q(Exists(bodies))
    found = Organization.objects.filter(municipality_id=program.municipality_id).filter(runs | by_the_town)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("order", "name")


def referral_organizations(
    *, municipality_id: int, sender: Organization, program: Program | None
) -> QuerySet[Organization]:
    """What a referral from ``sender`` may be addressed to: the programme's organisations when one is chosen,
    else any organisation of the municipality; never the sender."""
    if program is not None:
        return program_organizations(program, exclude=sender)
    return Organization.objects.filter(municipality_id=municipality_id).exclude(pk=sender.pk).order_by("order", "name")
