"""Pages of 支援プラン: drafting a version (from a case, or for a person under a programme's own plan type), the
plan with its goals, roles, monitoring and evaluations, the decision, the re-plan, the household's plans and an
organisation's roles. Thin: parse, fetch through the selectors (404 outside access), call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access.policy import casework_organization_ids
from tsunagu.access.selectors import consents_of_person
from tsunagu.collaboration import selectors as collaboration
from tsunagu.collaboration.assessment_forms import shown
from tsunagu.collaboration.models import CaseState, CollaborationCase
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdParam
from tsunagu.core.versioning import EditConflict
from tsunagu.people import selectors as people
from tsunagu.plans.selectors import organization_list_for_user
from tsunagu.support_plans import application_links, follow_up, plan_types, selectors, services
from tsunagu.support_plans.forms import (
    ActionForm,
    ApproveForm,
    GoalForm,
    PlanEvaluationForm,
    PlanForm,
    ProgressForm,
)
from tsunagu.support_plans.models import GoalTerm, PlanAction, PlanGoal, PlanStatus, ProgressStatus, SupportPlan

PAGE_SIZE = 50
ITEM = IdParam("item")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def _plan_form(request: HttpRequest, user: User, plan_type: plan_types.PlanType, person_id: int,
               **kwargs: Any) -> PlanForm:  # fmt: skip
    consents = consents_of_person(person_id=person_id).filter(withdrawn_on__isnull=True).order_by("-given_on")
    return PlanForm(request.POST or None, plan_type=plan_type, organizations=organization_list_for_user(user=user)
                    .order_by("name"), consents=consents, **kwargs)  # fmt: skip


def _create(request: HttpRequest, user: User, plan_type: plan_types.PlanType, form: PlanForm, **target: Any):
    try:
        plan = services.plan_create(user=user, plan_type=plan_type.code, data=form.to_input(), request=request,
                                    **target)  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, gettext("支援プラン（作成中）を保存しました。目標と役割分担を入れてください。"))
    return redirect("support_plans:plan-detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def case_plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The first version of a 多機関協働 case's plan; a case that has one goes to it."""
    user = _user(request)
    case: CollaborationCase = collaboration.case_get_for_user(user=user, pk=pk, request=request).record
    existing = selectors.plans_visible(user).filter(case=case).order_by("-number").first()
    if existing is not None:  # a case has one plan series: its versions come from 再プラン
        return render(request, "support_plans/plan_notice.html", {
            "plan": existing, "message": gettext("このケースにはすでにプランがあります。"),
        })  # fmt: skip
    plan_type = plan_types.case_type()
    form = _plan_form(request, user, plan_type, case.person_id)
    if request.method == "POST" and form.is_valid():
        done = _create(request, user, plan_type, form, person=case.person, case=case)
        if done is not None:
            return done
    return render(request, "support_plans/plan_form.html", {
        "form": form, "plan_type": plan_type, "case": case, "person": case.person,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def person_plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The first version of a programme's own plan for a person (``?type=``): 個別の支援計画, セルフプラン …"""
    user = _user(request)
    view = people.person_get_for_user(user=user, pk=pk, request=request)
    own_types = [t for t in plan_types.all_types() if not t.needs_case]
    code = request.POST.get("plan_type") or request.GET.get("type") or own_types[0].code
    plan_type = next((t for t in own_types if t.code == code), None)
    if plan_type is None:
        raise Http404
    households = people.households_of_person(user=user, person=view.person)
    household = households[0].household if households else None
    form = _plan_form(request, user, plan_type, view.person.pk)
    if request.method == "POST" and form.is_valid():
        done = _create(request, user, plan_type, form, person=view.person, household=household)
        if done is not None:
            return done
    return render(request, "support_plans/plan_form.html", {
        "form": form, "plan_type": plan_type, "person": view.person, "types": own_types,
    })  # fmt: skip


def _holder(user: User, plan: SupportPlan) -> bool:
    return plan.organization_id in casework_organization_ids(user)


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.plan_get_for_user(user=user, pk=pk, request=request)
    plan: SupportPlan = view.record
    plan_type = plan_types.get(plan.plan_type)
    parts = selectors.parts_of(plan)
    holder = _holder(user, plan)
    own = set(casework_organization_ids(user))
    organizations = organization_list_for_user(user=user).order_by("name")
    context: dict[str, Any] = {
        "plan": plan, "plan_type": plan_type, "grounds": view.grounds, "parts": parts, "holder": holder,
        "sections": [(s, shown(list(s.fields), plan.answers)) for s in plan_type.sections],
        "versions": selectors.versions_of(user=user, plan=plan, request=request),
        "progress": selectors.progress_of_plan(user=user, plan=plan, request=request),
        "evaluations": selectors.evaluations_of_plan(user=user, plan=plan, request=request),
        "goals": {term: [g for g in parts.goals if g.term == term] for term in GoalTerm.values},
        "to_acknowledge": [a for a in parts.actions if a.organization_id in own and a.acknowledged_at is None
                           and a.flagged_at is None and plan.status in (PlanStatus.DRAFT, PlanStatus.APPROVED)],
        "flagged": [a for a in parts.actions if a.flagged_at is not None],
    }  # fmt: skip
    # The programmes' own links on lines applying for them (参加支援を始める …): application_links.
    links = application_links.links_for(user, plan, parts.actions)
    for a in parts.actions:
        a.links = links.get(a.pk, [])  # type: ignore[attr-defined]
    if holder and plan.status == PlanStatus.DRAFT:
        context["goal_form"] = GoalForm()
        context["action_form"] = ActionForm(plan=plan, organizations=organizations)
        context["problems"] = services.approval_problems(plan)
        if plan_type.approval == "organization":
            context["approve_form"] = ApproveForm()
    writers = {plan.organization_id} | {a.organization_id for a in parts.actions if a.organization_id}
    if plan.status == PlanStatus.APPROVED and own & writers:
        mine = [a for a in parts.actions if holder or a.organization_id in own]
        context["progress_form"] = ProgressForm(actions=mine)
    if holder and plan.status == PlanStatus.APPROVED:
        case = plan.case
        context["can_evaluate"] = case is None or case.state == CaseState.EVALUATING
        context["can_replan"] = not plan_type.needs_case
    return render(request, "support_plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan: SupportPlan = selectors.plan_get_for_user(user=user, pk=pk, request=request).record
    if plan.status != PlanStatus.DRAFT or not _holder(user, plan):
        if plan.status != PlanStatus.DRAFT:
            message = gettext("決定済みの版は変更できません。再プランで新しい版を作成してください。")
        else:
            message = gettext("プランを作成した機関の職員だけが変更できます。")
        return render(request, "support_plans/plan_notice.html", {"plan": plan, "message": message})
    plan_type = plan_types.get(plan.plan_type)
    dates = list(plan.monitoring_dates.values_list("due_on", flat=True))
    assert plan.person_id is not None
    form = _plan_form(request, user, plan_type, plan.person_id, initial=PlanForm.initial_of(plan, dates))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(user=user, plan=plan, data=form.to_input(),
                                 version=form.cleaned_data["version"] or 0, request=request)  # fmt: skip
        except EditConflict as conflict:
            form.moved_on(conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("支援プランを保存しました。"))
            return redirect("support_plans:plan-detail", pk=pk)
    return render(request, "support_plans/plan_form.html", {
        "form": form, "plan_type": plan_type, "plan": plan, "person": plan.person, "case": plan.case,
    })  # fmt: skip


def _done(request: HttpRequest, pk: int, call, success: str) -> HttpResponse:
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("support_plans:plan-detail", pk=pk)


def _form_errors(form) -> services.PlanError:
    return services.PlanError([f"{form.fields[n].label if n in form.fields else ''}: {m}".lstrip(": ")
                               for n, errors in form.errors.items() for m in errors])  # fmt: skip


@require_POST
def plan_goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    form = GoalForm(request.POST)

    def call() -> None:
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        services.goal_add(user=user, plan=plan, term=GoalTerm(data["term"]), text=data["text"],
                          target_on=data["target_on"], request=request)  # fmt: skip

    return _done(request, pk, call, gettext("目標を追加しました。"))


@require_POST
def plan_goal_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    goal = PlanGoal.objects.filter(plan=plan, pk=ITEM.get(request.POST) or 0).select_related("plan").first()

    def call() -> None:
        if goal is None:
            raise services.PlanError(gettext("削除する目標を選んでください。"))
        services.goal_remove(user=user, goal=goal, request=request)

    return _done(request, pk, call, gettext("目標を削除しました。"))


@require_POST
def plan_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    form = ActionForm(request.POST, plan=plan, organizations=organization_list_for_user(user=user))

    def call() -> None:
        if not form.is_valid():
            raise _form_errors(form)
        services.action_add(user=user, plan=plan, data=form.to_input(), request=request)

    return _done(request, pk, call, gettext("役割分担を追加しました。"))


def _action(plan: SupportPlan, request: HttpRequest) -> PlanAction:
    """The line of 役割分担 a form names, of this plan only (an id of another plan's is not found)."""
    action = PlanAction.objects.filter(plan=plan, pk=ITEM.get(request.POST) or 0).select_related("plan").first()
    if action is None:
        raise services.PlanError(gettext("役割分担を選んでください。"))
    return action


@require_POST
def plan_action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    return _done(request, pk, lambda: services.action_remove(user=user, action=_action(plan, request), request=request),
                 gettext("役割分担を削除しました。"))  # fmt: skip


@require_POST
def plan_action_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    return _done(request, pk,
                 lambda: services.action_acknowledge(user=user, action=_action(plan, request), request=request),
                 gettext("役割を確認しました。"))  # fmt: skip


@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    form = ApproveForm(request.POST)

    def call() -> None:
        if not form.is_valid():
            raise _form_errors(form)
        services.plan_approve(user=user, plan=plan, decided_on=form.cleaned_data["decided_on"],
                              reference=form.cleaned_data["reference"], request=request)  # fmt: skip

    return _done(request, pk, call, gettext("この版を決定しました。"))


@require_POST
def plan_next_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    try:
        new = services.plan_next_version(user=user, plan=plan, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("support_plans:plan-detail", pk=pk)
    messages.success(request, gettext("再プラン: 新しい版（作成中）を作りました。"))
    return redirect("support_plans:plan-detail", pk=new.pk)


@require_POST
def plan_progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_check_for_user(user=user, pk=pk)
    form = ProgressForm(request.POST, actions=list(plan.actions.all()))

    def call() -> None:
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        follow_up.progress_record(user=user, plan=plan, action=data["action"], status=ProgressStatus(data["status"]),
                                  note=data["note"], request=request)  # fmt: skip

    return _done(request, pk, call, gettext("モニタリングを記録しました。"))


@require_http_methods(["GET", "POST"])
def plan_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """評価: each goal's result and reason, the overall result and what follows."""
    user = _user(request)
    plan: SupportPlan = selectors.plan_get_for_user(user=user, pk=pk, request=request).record
    parts = selectors.parts_of(plan)
    form = PlanEvaluationForm(request.POST or None, goals=parts.goals)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = follow_up.evaluation_record(user=user, plan=plan, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("評価を記録しました。"))
            if plan.case_id:
                return redirect("collaboration:case-detail", pk=plan.case_id)
            return redirect("support_plans:evaluation-detail", pk=evaluation.pk)
    return render(request, "support_plans/evaluation_form.html", {"plan": plan, "form": form, "parts": parts})


def progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.progress_get_for_user(user=user, pk=pk, request=request)
    return render(request, "support_plans/progress_detail.html", {"record": view.record, "grounds": view.grounds})


def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.evaluation_get_for_user(user=user, pk=pk, request=request)
    goals = list(view.record.goals.select_related("goal").order_by("goal__term", "goal__order", "goal_id"))
    return render(request, "support_plans/evaluation_detail.html", {
        "evaluation": view.record, "goals": goals, "grounds": view.grounds,
    })  # fmt: skip


def household_plans(request: HttpRequest, pk: int) -> HttpResponse:
    """Every plan of every type about the household, with who does what in each current version."""
    user = _user(request)
    view = people.household_get_for_user(user=user, pk=pk, request=request)
    page = page_of(request, selectors.plans_of_household(user=user, household_id=pk, request=request), PAGE_SIZE)
    rows = [(plan, plan_types.get(plan.plan_type)) for plan in page.rows]
    return render(request, "support_plans/household_plans.html", {
        "household": view.household, "rows": rows, "page": page, "hidden_members": view.hidden_member_count,
    })  # fmt: skip


def action_list(request: HttpRequest) -> HttpResponse:
    """役割分担の一覧: the roles the user's organisations hold in current plans, due and overdue."""
    user = _user(request)
    overdue = request.GET.get("overdue") == "1"
    page = page_of(request, selectors.actions_for_organization(user=user, request=request, overdue_only=overdue),
                   PAGE_SIZE)  # fmt: skip
    return render(request, "support_plans/action_list.html", {
        "rows": page.rows, "page": page, "overdue": overdue,
    })  # fmt: skip
