"""Reads of the plan, always scoped to the user's municipality.

The plan is not personal data, but it is still one municipality's: nothing here crosses to another.
"""

from __future__ import annotations

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


def plan_current_for_municipality(*, municipality: Municipality) -> Plan | None:
    """The plan in force: the one with the latest start year, or the one loaded last.

    A plan without a start year sorts last on every database (PostgreSQL puts NULL first when descending).
    """
    newest_first = F("start_fiscal_year").desc(nulls_last=True)
    return Plan.objects.filter(municipality=municipality).order_by(newest_first, "-loaded_at").first()


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
