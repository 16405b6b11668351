"""The plan as plain data (for ``plan_export`` and for other tools that read the plan)."""

from __future__ import annotations

from typing import Any

from tsunagu.plans.models import Category, DecisionKind, Domain, MeetingBasis, OperatingForm, Plan, Section
from tsunagu.plans.selectors import programs_of_plan


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    municipality = plan.municipality
    programs = []
    for program in programs_of_plan(plan=plan):
        programs.append(
            {
                "code": program.code,
                "order": program.order + 1,
                "section": program.section,
                "section_label": str(Section(program.section).label),
                "category": program.category,
                "category_label": str(Category(program.category).label),
                "law_article": program.law_article,
                "domain": program.domain,
                "domain_label": str(Domain(program.domain).label),
                "domain_label_in_plan": program.domain_label,
                "name": program.name,
                "target_population": program.target_population,
                "service_area": program.service_area,
                "duties": [duty.text for duty in program.duties.all()],
                "implementing_bodies": [link.organization.name for link in program.implementing_body_links.all()],
                "responsible_division": program.responsible_division.name,
                "operating_form": program.operating_form,
                "operating_form_label": str(OperatingForm(program.operating_form).label),
                "indicators": [
                    {
                        "code": indicator.code,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "description": indicator.description,
                        "targets": indicator.targets,
                    }
                    for indicator in program.indicators.all()
                ],
            }
        )
    return {
        "municipality": {
            "code": municipality.code,
            "name": municipality.name,
            "name_kana": municipality.name_kana,
            "prefecture": municipality.prefecture,
        },
        "plan": {
            "title": plan.title,
            "legal_basis": plan.legal_basis,
            "period": plan.period_text,
            "start_fiscal_year": plan.start_fiscal_year,
            "end_fiscal_year": plan.end_fiscal_year,
            "parent_plan": plan.parent_plan,
            "purpose": plan.purpose,
            "position": plan.position,
            "outline": plan.outline,
            "platform_sectors": plan.platform_sectors,
        },
        "emergency_review": {"reviewer": plan.emergency_reviewer.name if plan.emergency_reviewer else None},
        "divisions": [d.name for d in municipality.divisions.all()],
        "organizations": [
            {
                "name": o.name,
                "short_name": o.short_name,
                "kind": o.kind,
                "division": o.division.name if o.division else None,
            }
            for o in municipality.organizations.select_related("division")
        ],
        "programs": programs,
        "meeting_types": [
            {
                "code": t.code,
                "name": t.name,
                "legal_basis": str(MeetingBasis(t.legal_basis).label),
                "convener": t.convener.name,
                "consent_required": t.consent_required,
                "decisions": [str(DecisionKind(d).label) for d in t.decisions],
                "member_organizations": [o.name for o in t.member_organizations.order_by("order", "pk")],
            }
            for t in plan.meeting_types.select_related("convener")
        ],
    }
