"""Writing a validated plan file into the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from tsunagu.core.models import Division, Municipality, Organization
from tsunagu.plans.models import Indicator, MeetingType, Plan, Program, ProgramDuty, ProgramImplementingBody
from tsunagu.plans.planfile import PlanFile, PlanFileError, PlanFileProblem


@dataclass(frozen=True)
class PlanLoadResult:
    plan: Plan
    created: bool
    programs_created: int
    programs_updated: int
    programs_removed: int


@transaction.atomic
def plan_load(*, plan_file: PlanFile) -> PlanLoadResult:
    """Load or update the municipality, divisions, organisations and plan that ``plan_file`` describes.

    Runs in one transaction: on any error nothing is written. Divisions and organisations not named in
    the file are kept (a town registers partner agencies outside the plan); programmes not named in the
    file are removed, unless records refer to them, in which case loading stops with a clear error.
    """
    m = plan_file.municipality
    municipality, _created = Municipality.objects.update_or_create(
        code=m.code, defaults={"name": m.name, "name_kana": m.name_kana, "prefecture": m.prefecture}
    )

    divisions: dict[str, Division] = {}
    for order, d in enumerate(plan_file.divisions):
        divisions[d.name], _created = Division.objects.update_or_create(
            municipality=municipality, name=d.name, defaults={"order": order}
        )

    organizations: dict[str, Organization] = {}
    for order, o in enumerate(plan_file.organizations):
        organizations[o.name], _created = Organization.objects.update_or_create(
            municipality=municipality,
            name=o.name,
            defaults={
                "short_name": o.short_name,
                "kind": o.kind,
                "division": divisions[o.division] if o.division else None,
                "order": order,
            },
        )

    p = plan_file.plan
    plan, created = Plan.objects.update_or_create(
        municipality=municipality,
        title=p.title,
        defaults={
            "legal_basis": p.legal_basis,
            "period_text": p.period_text,
            "start_fiscal_year": p.start_fiscal_year,
            "end_fiscal_year": p.end_fiscal_year,
            "purpose": p.purpose,
            "position": p.position,
            "outline": p.outline,
            "parent_plan": p.parent_plan,
            "platform_sectors": p.platform_sectors,
            # Unset when the file no longer names one: the agencies' own and 所管課 supervisors still review.
            "emergency_reviewer": organizations[plan_file.emergency_reviewer] if plan_file.emergency_reviewer else None,
            "source_name": plan_file.filename[-200:],
            "source_sha256": plan_file.sha256,
        },
    )

    existing = {program.code: program for program in plan.programs.all()}
    wanted = {g.code for g in plan_file.programs}
    removed = [program for code, program in existing.items() if code not in wanted]
    for obsolete in removed:
        try:
            obsolete.delete()
        except ProtectedError as exc:
            message = _("事業「%(name)s」は記録から参照されているため、計画から削除できません。") % {
                "name": obsolete.name
            }
            raise PlanFileError(plan_file.filename, [PlanFileProblem("programs", message)]) from exc

    created_count = updated_count = 0
    for order, g in enumerate(plan_file.programs):
        fields = {
            "order": order,
            "category": g.category,
            "domain": g.domain,
            "domain_label": g.domain_label,
            "name": g.name,
            "target_population": g.target_population,
            "service_area": g.service_area,
            "responsible_division": divisions[g.responsible_division],
            "operating_form": g.operating_form,
        }
        program = existing.get(g.code)
        if program is None:
            program = Program(municipality=municipality, plan=plan, code=g.code, **fields)
            created_count += 1
        else:
            for name, value in fields.items():
                setattr(program, name, value)
            updated_count += 1
        try:
            with transaction.atomic():
                program.save()
        except IntegrityError as exc:
            raise PlanFileError(
                plan_file.filename,
                [
                    PlanFileProblem(
                        f"programs[{order}]",
                        _("事業「%(name)s」を保存できません（名称の重複など）: %(error)s")
                        % {"name": g.name, "error": exc},
                    )
                ],
            ) from exc

        program.duties.all().delete()
        ProgramDuty.objects.bulk_create(
            ProgramDuty(municipality=municipality, program=program, order=i, text=text)
            for i, text in enumerate(g.duties)
        )
        program.implementing_body_links.all().delete()
        ProgramImplementingBody.objects.bulk_create(
            ProgramImplementingBody(
                municipality=municipality, program=program, organization=organizations[name], order=i
            )
            for i, name in enumerate(g.implementing_bodies)
        )
        program.indicators.exclude(code__in=[i.code for i in g.indicators]).delete()
        for i, indicator in enumerate(g.indicators):
            Indicator.objects.update_or_create(
                program=program,
                code=indicator.code,
                defaults={
                    "municipality": municipality,
                    "order": i,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "description": indicator.description,
                    "targets": indicator.targets,
                },
            )

    _meeting_types_load(plan_file, plan, organizations)

    return PlanLoadResult(
        plan=plan,
        created=created,
        programs_created=created_count,
        programs_updated=updated_count,
        programs_removed=len(removed),
    )


def _meeting_types_load(plan_file: PlanFile, plan: Plan, organizations: dict[str, Organization]) -> None:
    """Write the file's meeting types; one no longer named is removed unless meetings were held under it."""
    wanted = {t.code for t in plan_file.meeting_types}
    for obsolete in plan.meeting_types.exclude(code__in=wanted):
        try:
            obsolete.delete()
        except ProtectedError as exc:
            message = _("会議の種別「%(name)s」は開催記録から参照されているため、計画から削除できません。") % {
                "name": obsolete.name
            }
            raise PlanFileError(plan_file.filename, [PlanFileProblem("meeting_types", message)]) from exc
    for order, t in enumerate(plan_file.meeting_types):
        meeting_type, _created = MeetingType.objects.update_or_create(
            plan=plan, code=t.code,
            defaults={
                "municipality": plan.municipality, "order": order, "name": t.name, "legal_basis": t.legal_basis,
                "convener": organizations[t.convener], "consent_required": t.consent_required,
                "decisions": t.decisions,
            },
        )  # fmt: skip
        meeting_type.member_organizations.set([organizations[name] for name in t.member_organizations])
