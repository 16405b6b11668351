"""Pages of 多機関協働: the coordinator's list of cases, opening a case, the case with its steps, and the
インテーク・アセスメントシート. Thin: parse, fetch through the selectors (404 outside access), call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access.policy import casework_organization_ids
from tsunagu.collaboration import assessment_forms, selectors, services
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.ecomap import EDGE_LABELS, ecomap_for_user, ecomap_svg
from tsunagu.collaboration.forms import (
    AssessmentForm,
    CaseFilterForm,
    CaseOpenForm,
    EvaluationForm,
    ParticipantForm,
    TransitionForm,
)
from tsunagu.collaboration.models import CaseState, CollaborationCase, EvaluationResult
from tsunagu.collaboration.plan_seam import seam as plans
from tsunagu.consultations import selectors as consultations
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdParam
from tsunagu.people import selectors as people
from tsunagu.people.models import Person
from tsunagu.plans.selectors import organization_list_for_user

PAGE_SIZE = 50
REFERRAL, HOUSEHOLD = IdParam("referral"), IdParam("household")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def _days_in_state(case: CollaborationCase) -> int:
    return (timezone.localdate() - timezone.localtime(case.state_since).date()).days


def case_list(request: HttpRequest) -> HttpResponse:
    """多機関協働ケースの一覧: by state, how long in it, the next date and the organisations involved."""
    user = _user(request)
    form = CaseFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_bound and form.is_valid() else ""
    page = page_of(request, selectors.case_list_for_user(user=user, state=state, request=request), PAGE_SIZE)
    rows = [(case, _days_in_state(case)) for case in page.rows]
    counts = selectors.case_counts_for_user(user=user)
    return render(request, "collaboration/case_list.html", {
        "form": form, "rows": rows, "page": page.number, "has_next": page.has_next, "query_string": page.query_string,
        "counts": [(s, CaseState(s).label, n) for s, n in counts.items()], "state": state,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """Open a case from an accepted referral (``?referral=``) or directly for a household (``?household=``)."""
    user = _user(request)
    referral_id = REFERRAL.get(request.GET)
    household_id = HOUSEHOLD.get(request.GET)
    referral = None
    if referral_id:
        referral = consultations.referral_get_for_user(user=user, pk=referral_id, request=request).record
        household_id = referral.household_id
    if household_id is None:
        if referral is None:
            raise Http404
        household_view = None
    else:
        household_view = people.household_get_for_user(user=user, pk=household_id, request=request)
    member_ids = [m.member.person_id for m in household_view.visible_members] if household_view else []
    members = Person.objects.filter(pk__in=member_ids).order_by("pk")
    fixed = referral.person if referral is not None else None
    form = CaseOpenForm(request.POST or None, members=members, fixed_person=fixed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                user=user,
                data=services.CaseOpenInput(
                    person=data["person"], household=household_view.household if household_view else None,
                    focus_members=list(data["focus_members"]), summary=data["summary"], next_date=data["next_date"],
                    referral=referral,
                ),
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("多機関協働ケースを開きました。"))
            return redirect("collaboration:case-detail", pk=case.pk)
    if referral is not None and household_view is None:
        form.add_error(None, gettext("つなぎの対象の方に世帯が登録されていません。先に世帯を登録してください。"))
    return render(request, "collaboration/case_form.html", {
        "form": form, "referral": referral, "household": household_view.household if household_view else None,
    })  # fmt: skip


def _holder(user: User, case: CollaborationCase) -> bool:
    return case.organization_id in casework_organization_ids(user)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.case_get_for_user(user=user, pk=pk, request=request)
    case: CollaborationCase = view.record
    focus, hidden = selectors.focus_members_for_user(user=user, case=case, request=request)
    holder = _holder(user, case)
    organizations = organization_list_for_user(user=user).order_by("name")
    context: dict[str, Any] = {
        "case": case, "grounds": view.grounds, "focus_members": focus, "hidden_members": hidden,
        "participants": selectors.participants_of_case(case=case),
        "history": selectors.transitions_of_case(user=user, case=case, request=request),
        "assessments": selectors.assessments_of_case(user=user, case=case, request=request)[:20],
        "days_in_state": _days_in_state(case), "holder": holder,
        "plans": plans.plans_of_case(user=user, case=case, request=request),
    }  # fmt: skip
    if holder and case.state != CaseState.CLOSED:
        context["transition_form"] = TransitionForm(
            state=CaseState(case.state), reasons=closure_reasons_ensure(case.municipality_id),
            organizations=organizations,
        )  # fmt: skip
        context["participant_form"] = ParticipantForm(organizations=organizations.exclude(pk=case.organization_id))
        # A case whose plan was decided is evaluated goal by goal on the plan's page.
        if case.state == CaseState.EVALUATING and not plans.evaluation_missing(case):
            context["evaluation_form"] = EvaluationForm()
    return render(request, "collaboration/case_detail.html", context)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_check_for_user(user=user, pk=pk)
    form = TransitionForm(
        request.POST, state=CaseState(case.state), reasons=closure_reasons_ensure(case.municipality_id),
        organizations=organization_list_for_user(user=user),
    )  # fmt: skip
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("collaboration:case-detail", pk=pk)
    try:
        case = services.case_transition(user=user, case=case, data=form.to_input(), request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("「%(state)s」にしました。") % {"state": case.get_state_display()})
    return redirect("collaboration:case-detail", pk=pk)


@require_POST
def case_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_check_for_user(user=user, pk=pk)
    form = EvaluationForm(request.POST)
    try:
        if not form.is_valid():
            raise services.CollaborationError([str(m) for errors in form.errors.values() for m in errors])
        data = form.cleaned_data
        services.case_evaluate(
            user=user, case=case, result=EvaluationResult(data["result"]), note=data["note"], request=request
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("評価を記録しました。"))
    return redirect("collaboration:case-detail", pk=pk)


@require_POST
def case_participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_check_for_user(user=user, pk=pk)
    form = ParticipantForm(request.POST, organizations=organization_list_for_user(user=user))
    try:
        if not form.is_valid():
            raise services.CollaborationError([str(m) for errors in form.errors.values() for m in errors])
        participant = services.case_participant_add(user=user, case=case, data=form.to_input(), request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("%(name)sを参加機関に加えました。") % {"name": participant.organization.name})
    return redirect("collaboration:case-detail", pk=pk)


def _focus_people(case: CollaborationCase, visible: list[Person]) -> list[Person]:
    return [case.person, *[p for p in visible if p.pk != case.person_id]]


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """インテーク・アセスメントシート in the current form version, for the household and each member in focus."""
    user = _user(request)
    case: CollaborationCase = selectors.case_get_for_user(user=user, pk=pk, request=request).record
    visible, hidden = selectors.focus_members_for_user(user=user, case=case, request=request)
    definition = assessment_forms.current()
    form = AssessmentForm(request.POST or None, definition=definition, members=_focus_people(case, visible))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(user=user, case=case, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("アセスメントを記録しました。"))
            return redirect("collaboration:assessment-detail", pk=assessment.pk)
    return render(request, "collaboration/assessment_form.html", {
        "case": case, "form": form, "definition": definition, "hidden_members": hidden,
    })  # fmt: skip


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.assessment_get_for_user(user=user, pk=pk, request=request)
    sheet = selectors.assessment_sheet(user=user, assessment=view.record, request=request)
    return render(request, "collaboration/assessment_detail.html", {"sheet": sheet, "grounds": view.grounds})


def household_ecomap(request: HttpRequest, pk: int) -> HttpResponse:
    """エコマップ of a household: 404 as the household page; its members' read audited as that page's."""
    user = _user(request)
    view = people.household_get_for_user(user=user, pk=pk, request=request)
    ecomap = ecomap_for_user(user=user, view=view, request=request)
    members = {m.person_id: m for m in ecomap.members}
    organizations = {o.organization_id: o for o in ecomap.organizations}
    facts = [(organizations[e.organization_id], members.get(e.person_id or 0), e, EDGE_LABELS[e.kind])
             for e in ecomap.edges]  # fmt: skip
    return render(request, "collaboration/household_ecomap.html", {
        "household": view.household, "ecomap": ecomap, "svg": ecomap_svg(ecomap), "facts": facts,
    })  # fmt: skip
