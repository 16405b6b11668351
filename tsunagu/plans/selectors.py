"""Reads of the plan, always scoped to the user's municipality.

The plan is not personal data, but it is still one municipality's: nothing here crosses to another.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.http import Http404

from tsunagu.core.models import Division, Municipality, Organization, User
from tsunagu.plans.models import Plan, Program, ProgramImplementingBody


def _programs_with_columns(qs: QuerySet[Program]) -> QuerySet[Program]:
    """Everything a catalogue row shows, in a constant number of queries."""
    return qs.select_related("responsible_division").prefetch_related(
        "duties",
        "indicators",
        Prefetch(
            "implementing_body_links",
            queryset=ProgramImplementingBody.objects.select_related("organization"),
        ),
    )


def _in_force(plans: QuerySet[Plan]) -> Plan | None:
    """The plan in force: the one with the latest start year, or the one loaded last.

    A plan without a start year sorts last on every database (PostgreSQL puts NULL first when descending).
    """
    newest_first = F("start_fiscal_year").desc(nulls_last=True)
    return plans.order_by(newest_first, "-loaded_at").first()


def plan_current_for_municipality(*, municipality: Municipality) -> Plan | None:
    return _in_force(Plan.objects.filter(municipality=municipality))


def plan_current_for_user(*, user: User) -> Plan | None:
    return plan_current_for_municipality(municipality=user.municipality)


def program_list_for_user(*, user: User, category: str | None = None, domain: str | None = None) -> QuerySet[Program]:
    plan = plan_current_for_user(user=user)
    if plan is None:
        return Program.objects.none()
    qs = Program.objects.filter(municipality=user.municipality, plan=plan)
    if category:
        qs = qs.filter(category=category)
    if domain:
        qs = qs.filter(domain=domain)
    return _programs_with_columns(qs.order_by("order"))


def program_get_for_user(*, user: User, pk: int) -> Program:
    """A programme of any of the user's municipality's plans (a consultation names the one it was
    received under, even after a new plan), with every column; 404 otherwise."""
    try:
        return _programs_with_columns(Program.objects.filter(municipality=user.municipality)).get(pk=pk)
    except Program.DoesNotExist as exc:
        raise Http404 from exc


def programs_of_plan(*, plan: Plan) -> QuerySet[Program]:
    return _programs_with_columns(plan.programs.order_by("order"))


def organization_list_for_user(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(municipality=user.municipality).select_related("division")


def organization_get_for_user(*, user: User, pk: int) -> Organization:
    """An organisation of the user's municipality, or 404."""
    try:
        return organization_list_for_user(user=user).get(pk=pk)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc


def division_list_for_user(*, user: User) -> QuerySet[Division]:
    return Division.objects.filter(municipality=user.municipality)


def division_get_for_user(*, user: User, pk: int) -> Division:
    try:
        return division_list_for_user(user=user).get(pk=pk)
    except Division.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class EmergencyReviewPlan:
    """What the plan in force says about reviewing emergency access (``tsunagu.access.reviews`` applies it):
    the organisation it names as reviewer, and each implementing body's 所管課 (one per programme it runs)."""

    reviewer_id: int | None
    divisions_of: dict[int, frozenset[int]]


def emergency_review_plan(*, municipality_id: int) -> EmergencyReviewPlan:
    """Read in two queries, whatever the size of the plan. No plan: no reviewer and no 所管課 named."""
    plan = _in_force(Plan.objects.filter(municipality_id=municipality_id).only("pk", "emergency_reviewer_id"))
    if plan is None:
        return EmergencyReviewPlan(reviewer_id=None, divisions_of={})
    divisions: dict[int, set[int]] = {}
    links = ProgramImplementingBody.objects.filter(program__plan=plan).values_list(
        "organization_id", "program__responsible_division_id"
    )
    for organization_id, division_id in links:
        divisions.setdefault(organization_id, set()).add(division_id)
    return EmergencyReviewPlan(
        reviewer_id=plan.emergency_reviewer_id,
        divisions_of={pk: frozenset(ids) for pk, ids in divisions.items()},
    )
