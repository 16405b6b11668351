from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.core.models import User
from tsunagu.plans.models import Domain, Section
from tsunagu.plans.selectors import (
    division_get_for_user,
    division_list_for_user,
    organization_get_for_user,
    organization_list_for_user,
    plan_current_for_user,
    program_list_for_user,
)


def _group_by_section(programs: list) -> list[tuple[Section, list]]:
    """The seed's tables: 包括的相談支援事業, 地域づくり事業, 新たな機能 — in that order."""
    return [(section, rows) for section in Section if (rows := [p for p in programs if p.section == section])]


def program_catalogue(request: HttpRequest) -> HttpResponse:
    """事業一覧: the plan's tables with every column, optionally narrowed to one domain."""
    user: User = request.user  # type: ignore[assignment]
    domain = request.GET.get("domain") or None
    if domain not in Domain.values:
        domain = None
    programs = list(program_list_for_user(user=user, domain=domain))
    context = {
        "plan": plan_current_for_user(user=user),
        "sections": _group_by_section(programs),
        "domains": Domain.choices,
        "selected_domain": domain,
        "program_count": len(programs),
    }
    template = "plans/_catalogue_tables.html" if request.htmx else "plans/catalogue.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def plan_detail(request: HttpRequest) -> HttpResponse:
    """The plan's text: purpose, position and period, outline."""
    user: User = request.user  # type: ignore[assignment]
    return render(request, "plans/plan_detail.html", {"plan": plan_current_for_user(user=user)})


def organization_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "plans/organization_list.html",
        {
            "divisions": division_list_for_user(user=user),
            "organizations": organization_list_for_user(user=user),
        },
    )


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation and the programmes it implements (or, for a division, is responsible for)."""
    user: User = request.user  # type: ignore[assignment]
    organization = organization_get_for_user(user=user, pk=pk)
    implemented = program_list_for_user(user=user).filter(implementing_body_links__organization=organization)
    responsible = (
        program_list_for_user(user=user).filter(responsible_division=organization.division)
        if organization.division_id
        else None
    )
    return render(
        request,
        "plans/organization_detail.html",
        {"organization": organization, "implemented": implemented, "responsible": responsible},
    )


def division_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    division = division_get_for_user(user=user, pk=pk)
    return render(
        request,
        "plans/division_detail.html",
        {
            "division": division,
            "programs": program_list_for_user(user=user).filter(responsible_division=division),
            "organizations": organization_list_for_user(user=user).filter(division=division),
        },
    )
