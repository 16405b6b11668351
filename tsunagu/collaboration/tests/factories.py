"""Building 多機関協働 cases for tests through the real services (so grants, transitions and audit entries are
real too)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.collaboration import assessment_forms, services
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import CaseState, CollaborationCase
from tsunagu.core.models import Organization, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.models import Household, Person


def answers_for(fields: list[assessment_forms.FieldDefinition]) -> dict[str, Any]:
    """Every field filled with its first option (or a text): a sheet that passes the required checks."""
    result: dict[str, Any] = {}
    for f in fields:
        if f.type == "checks":
            result[f.key] = {"value": [f.options[0]], "note": f"{f.label}の特記事項"}
        elif f.type == "choice":
            result[f.key] = {"value": f.options[0], "note": ""}
        else:
            result[f.key] = {"value": f"{f.label}の記入", "note": ""}
    return result


def assessment_input(case: CollaborationCase) -> services.AssessmentInput:
    form = assessment_forms.current()
    return services.AssessmentInput(
        household_answers=answers_for(form.fields_of("household")),
        member_answers={case.person_id: answers_for(form.fields_of("member"))},
    )


def coordinator_at(organization: Organization, username: str) -> User:
    return user_create(
        municipality=organization.municipality, username=username, password="correct-horse-battery",
        display_name=username, memberships=[(organization, Role.COORDINATOR)],
    )  # fmt: skip


def consent_for(user: User, person: Person, *organizations: Organization):
    return consent_record(
        user=user, person=person,
        data=ConsentInput(purpose="多機関協働による支援のため", method=ConsentMethod.WRITTEN,
                          given_on=timezone.localdate(), organizations=list(organizations)),
    )  # fmt: skip


def open_case(coordinator: User, person: Person, household: Household, **fields: Any) -> CollaborationCase:
    return services.case_open(
        user=coordinator, data=services.CaseOpenInput(person=person, household=household, **fields)
    )


def move(user: User, case: CollaborationCase, target: CaseState, **fields: Any) -> CollaborationCase:
    return services.case_transition(user=user, case=case, data=services.TransitionInput(target, **fields))


def walk_to(user: User, case: CollaborationCase, state: CaseState) -> CollaborationCase:
    """Move a consented case along the main line up to ``state`` (assessment, a plan the decision decides,
    evaluation as needed)."""
    line = [CaseState.ASSESSMENT, CaseState.PLANNING, CaseState.DECIDED, CaseState.SUPPORTING, CaseState.EVALUATING,
            CaseState.CLOSED]  # fmt: skip
    for step in line[: line.index(state) + 1]:
        if step == CaseState.PLANNING:
            services.assessment_record(user=user, case=case, data=assessment_input(case))
        if step == CaseState.DECIDED:
            from tsunagu.support_plans.services import case_draft
            from tsunagu.support_plans.tests.factories import case_plan

            if case_draft(case) is None:  # a case back in プラン作成 has its next version as a draft already
                case_plan(user, case)
            case = move(user, case, step, decided_on=timezone.localdate() - timedelta(days=1),
                        decision_reference="第3回重層的支援会議")  # fmt: skip
            continue
        if step == CaseState.CLOSED:
            from tsunagu.support_plans.tests.factories import evaluate_plan

            evaluate_plan(user, case)
            reason = next(r for r in closure_reasons_ensure(case.municipality_id) if r.needs_lead_agency)
            lead = Organization.objects.get(municipality_id=case.municipality_id, name="琴浦町地域包括支援センター")
            case = move(user, case, step, closure_reason=reason, lead_organization=lead)
            continue
        case = move(user, case, step)
    return case
