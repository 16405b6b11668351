"""Pages of 参加支援: the 年度's counts, the resource registry (hosts, resources, 開拓), and the person's support
with the ranking, the matches (利用調整) and their follow-up. Thin: parse, fetch through the selectors (404
outside access), call one service, render."""

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
from tsunagu.core.japanese.wareki import fiscal_year
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdParam
from tsunagu.core.versioning import EditConflict
from tsunagu.participation import counts, edits, selectors, services, states
from tsunagu.participation.forms import (
    CloseForm,
    DevelopmentForm,
    FollowUpForm,
    HostEditForm,
    HostForm,
    ProposeForm,
    ResourceEditForm,
    ResourceForm,
    StateForm,
    SupportForm,
)
from tsunagu.participation.models import FollowUpAbout, ParticipationMatch, ParticipationSupport
from tsunagu.people import selectors as people
from tsunagu.support_plans import plan_types
from tsunagu.support_plans import selectors as plans

PAGE_SIZE = 50
ACTION, HOUSEHOLD, FISCAL_YEAR, MONTH = (
    IdParam("action"),
    IdParam("household"),
    IdParam("fiscal_year"),
    IdParam("month"),
)


def _staff(request: HttpRequest) -> User:
    """Anyone of the municipality's staff: the registry and the counts hold no personal data."""
    user: User = request.user  # type: ignore[assignment]
    if not user.municipality_id:
        raise Http404
    return user


def _casework(request: HttpRequest) -> User:
    user = _staff(request)
    if not casework_organization_ids(user):
        raise Http404
    return user


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _form_refused(form: Any) -> services.ParticipationError:
    return services.ParticipationError([str(m) for errors in form.errors.values() for m in errors])


def index(request: HttpRequest) -> HttpResponse:
    """参加支援事業: the 年度's (or a month's) 対象者数 and 協力事業者数, and the way to the registry and records."""
    user = _staff(request)
    year = FISCAL_YEAR.get(request.GET) or fiscal_year(timezone.localdate())
    month = MONTH.get(request.GET)
    try:
        figures = counts.participation_counts(municipality_id=user.municipality_id, fiscal_year=year, month=month)
    except ValidationError as error:
        _refused(request, error)
        figures = None
    return render(request, "participation/index.html", {
        "figures": figures, "year": year, "month": month, "years": range(fiscal_year(timezone.localdate()), 2019, -1),
        "months": [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3], "casework": bool(casework_organization_ids(user)),
    })  # fmt: skip


# --- The registry ------------------------------------------------------------------------------------


def resource_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    page = page_of(request, selectors.resources_for_user(user=user), PAGE_SIZE)
    taken = selectors.occupancy([r.pk for r in page.rows])
    rows = [(r, taken.get(r.pk, 0)) for r in page.rows]
    return render(request, "participation/resource_list.html", {
        "page": page, "rows": rows, "hosts": selectors.hosts_for_user(user=user)[:200],
        "editor": services.registry_organization(user) is not None,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    user = _casework(request)
    form = ResourceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(user=user, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("社会資源「%(name)s」を登録しました。") % {"name": resource.name})
            return redirect("participation:resource-detail", pk=resource.pk)
    return render(request, "participation/resource_form.html", {"form": form}, status=400 if form.errors else 200)


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    resource = selectors.resource_get_for_user(user=user, pk=pk)
    return render(request, "participation/resource_detail.html", {
        "resource": resource, "taken": selectors.occupancy([resource.pk]).get(resource.pk, 0),
        "editor": services.registry_organization(user) is not None, "close_form": CloseForm(
            initial={"closed_on": timezone.localdate()}),
    })  # fmt: skip


def _editor(request: HttpRequest) -> User:
    """A keeper of the registry (the programme's organisations and its 所管課); others get 404."""
    user = _casework(request)
    if services.registry_organization(user) is None:
        raise Http404
    return user


@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a resource; of two keepers saving at once the second sees what changed and nothing is saved."""
    user = _editor(request)
    resource = selectors.resource_get_for_user(user=user, pk=pk)
    form = ResourceEditForm(request.POST or None, user=user, initial=ResourceEditForm.initial_of(resource))
    if request.method == "POST" and form.is_valid():
        try:
            edits.resource_update(user=user, resource=resource, data=form.to_input(),
                                  expected_version=form.cleaned_data["version"], request=request)  # fmt: skip
        except EditConflict as conflict:
            form.moved_on(conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("社会資源「%(name)s」を変更しました。") % {"name": resource.name})
            return redirect("participation:resource-detail", pk=resource.pk)
    return render(request, "participation/resource_form.html", {"form": form, "resource": resource},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def host_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    host = selectors.host_get_for_user(user=user, pk=pk)
    initial = {name: getattr(host, name) for name in edits.HOST_FIELDS} | {"version": host.version}
    form = HostEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edits.host_update(user=user, host=host, data=form.to_input(), expected_version=form.cleaned_data["version"],
                              request=request)  # fmt: skip
        except EditConflict as conflict:
            form.moved_on(conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("受け入れ先「%(name)s」を変更しました。") % {"name": host.name})
            return redirect("participation:resource-list")
    return render(request, "participation/host_form.html", {"form": form, "host": host},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@require_POST
def resource_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _casework(request)
    resource = selectors.resource_get_for_user(user=user, pk=pk)
    form = CloseForm(request.POST)
    form.fields["reason"].required = False
    try:
        if not form.is_valid():
            raise _form_refused(form)
        services.resource_close(user=user, resource=resource, closed_on=form.cleaned_data["closed_on"], request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("受け入れの終了を記録しました。"))
    return redirect("participation:resource-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def host_create(request: HttpRequest) -> HttpResponse:
    user = _casework(request)
    form = HostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            host = services.host_create(user=user, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("受け入れ先「%(name)s」を登録しました。") % {"name": host.name})
            return redirect("participation:resource-list")
    return render(request, "participation/host_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def development_list(request: HttpRequest) -> HttpResponse:
    """開拓の記録: the log, and (for the registry's keepers) the form to add to it."""
    user = _staff(request)
    editor = services.registry_organization(user) is not None
    form = DevelopmentForm(request.POST or None, user=user) if editor else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.development_record(user=user, data=form.to_input(), request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("開拓の記録を追加しました。"))
                return redirect("participation:development-list")
    page = page_of(request, selectors.developments_for_user(user=user), PAGE_SIZE)
    status = 400 if form is not None and form.errors else 200
    return render(request, "participation/development_list.html", {"page": page, "form": form}, status=status)


# --- The person's participation support ---------------------------------------------------------------


def support_list(request: HttpRequest) -> HttpResponse:
    user = _casework(request)
    everyone = request.GET.get("status") == "all"
    page = page_of(request, selectors.support_list_for_user(user=user, open_only=not everyone, request=request),
                   PAGE_SIZE)  # fmt: skip
    return render(request, "participation/support_list.html", {
        "page": page, "everyone": everyone,
        "participation_staff": services.participation_membership_organization(user) is not None,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def person_support_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the person's support — from a plan's action asking for 参加支援 (``?action=``), or directly."""
    user = _casework(request)
    person = people.person_get_for_user(user=user, pk=pk, request=request).person
    if services.participation_membership_organization(user) is None:
        raise Http404
    action = None
    action_id = ACTION.get(request.GET)
    if action_id:
        action = plans.action_for_user(user=user, pk=action_id, request=request)  # 404 outside access
    household_id = HOUSEHOLD.get(request.GET)
    household = people.household_check_for_user(user=user, pk=household_id).household if household_id else None
    initial = {"wishes": action.content} if action is not None else {}
    form = SupportForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            support = services.support_open(
                user=user, data=form.to_input(person=person, household=household, plan_action=action), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("参加支援を開始しました。"))
            return redirect("participation:support-detail", pk=support.pk)
    return render(request, "participation/support_form.html", {"form": form, "person": person, "action": action},
                  status=400 if form.errors else 200)  # fmt: skip


def support_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The support, the resources ranked for the person with why, and the matches so far."""
    user = _casework(request)
    view = selectors.support_get_for_user(user=user, pk=pk, request=request)
    support: ParticipationSupport = view.record
    holder = support.organization_id in casework_organization_ids(user)
    context: dict[str, Any] = {
        "support": support, "grounds": view.grounds, "holder": holder,
        "matches": selectors.matches_of_support(user=user, support=support, request=request)[:100],
        "from_plan": _plan_line(request, user, support),
    }  # fmt: skip
    if holder and support.is_open:
        context.update(ranking=selectors.ranking_for(support)[:30], close_form=CloseForm(
            initial={"closed_on": timezone.localdate()}))  # fmt: skip
    return render(request, "participation/support_detail.html", context)


def _plan_line(request: HttpRequest, user: User, support: ParticipationSupport) -> dict[str, Any] | None:
    """The plan and role line the support came from, read through the plan (audited); a plan the user may not
    read (the consent that reached it withdrawn, another reader) is named as such, nothing of it shown."""
    if support.plan_action_id is None:
        return None
    try:
        action = plans.action_for_user(user=user, pk=support.plan_action_id, request=request)
    except Http404:
        return {"hidden": True}
    return {"action": action, "plan": action.plan, "type": plan_types.get(action.plan.plan_type)}


@require_POST
def support_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = _casework(request)
    support = selectors.support_check_for_user(user=user, pk=pk)
    form = ProposeForm(request.POST, municipality_id=support.municipality_id)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        match = services.match_propose(user=user, support=support, resource=form.cleaned_data["resource"],
                                       note=form.cleaned_data["note"], request=request)  # fmt: skip
    except ValidationError as error:
        _refused(request, error)
        return redirect("participation:support-detail", pk=pk)
    messages.success(request, gettext("「%(name)s」を提案しました（適合度%(score)d点）。")
                     % {"name": match.resource.name, "score": match.score})  # fmt: skip
    return redirect("participation:match-detail", pk=match.pk)


@require_POST
def support_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _casework(request)
    support = selectors.support_check_for_user(user=user, pk=pk)
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        services.support_close(user=user, support=support, closed_on=form.cleaned_data["closed_on"],
                               reason=form.cleaned_data["reason"], request=request)  # fmt: skip
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("参加支援を終了しました。"))
    return redirect("participation:support-detail", pk=pk)


def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _casework(request)
    view = selectors.match_get_for_user(user=user, pk=pk, request=request)
    match: ParticipationMatch = view.record
    holder = match.organization_id in casework_organization_ids(user)
    follow_ups = selectors.follow_ups_of_match(user=user, match=match, request=request)[:200]
    context: dict[str, Any] = {
        "match": match, "grounds": view.grounds, "holder": holder,
        "person_follow_ups": [f for f in follow_ups if f.about == FollowUpAbout.PERSON],
        "host_follow_ups": [f for f in follow_ups if f.about == FollowUpAbout.HOST],
    }  # fmt: skip
    if holder and states.targets(match.state):
        context["state_form"] = StateForm(state=match.state)
    if holder and match.received:
        context["follow_up_form"] = FollowUpForm()
    return render(request, "participation/match_detail.html", context)


@require_POST
def match_state(request: HttpRequest, pk: int) -> HttpResponse:
    user = _casework(request)
    match = selectors.match_check_for_user(user=user, pk=pk)
    form = StateForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        match = services.match_advance(user=user, match=match, data=form.to_input(), request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("「%(state)s」にしました。") % {"state": match.get_state_display()})
    return redirect("participation:match-detail", pk=pk)


@require_POST
def match_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    user = _casework(request)
    match = selectors.match_check_for_user(user=user, pk=pk)
    form = FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        follow_up = services.follow_up_record(user=user, match=match, data=form.to_input(), request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("フォローアップ（%(about)s）を記録しました。")
                         % {"about": follow_up.get_about_display()})  # fmt: skip
    return redirect("participation:match-detail", pk=pk)
