"""Pages of training (研修): the sessions of a 年度 with their counts, a session, holding and changing one,
and its materials. Every user of the municipality reads them; only the coordinator organisation's staff
write (others get 404 on the writing pages). Another town's session is 404. Thin: parse, fetch through the
selectors, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.core.japanese.wareki import fiscal_year
from tsunagu.core.models import Organization, User
from tsunagu.core.pages import add_service_errors
from tsunagu.core.versioning import EditConflict
from tsunagu.training import selectors, services
from tsunagu.training.forms import CountsForm, MaterialForm, SessionForm
from tsunagu.training.models import TrainingSession


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _manager(request: HttpRequest, session: TrainingSession | None = None) -> User:
    user = _user(request)
    if not selectors.may_manage(user, session.organizer if session else None):
        raise Http404
    return user


def session_list(request: HttpRequest) -> HttpResponse:
    """研修: the sessions of one 年度 (the current by default) and its counts, or a period's inside it."""
    user = _user(request)
    today = timezone.localdate()
    years = selectors.fiscal_years_for_user(user=user, today=today)
    form = CountsForm(request.GET or None, years=years)
    year, start, end = fiscal_year(today), None, None
    if form.is_bound and form.is_valid():
        year, start, end = form.cleaned_data["fy"], form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        counts = selectors.training_counts(municipality_id=user.municipality_id, fiscal_year=year, start=start, end=end)
    except ValidationError as error:
        add_service_errors(form, error)
        counts = selectors.training_counts(municipality_id=user.municipality_id, fiscal_year=year)
    sessions = selectors.session_list_for_user(user=user, fiscal_year=year).filter(
        held_on__range=(counts.start, counts.end)
    )
    context = {
        "form": form, "counts": counts, "sessions": list(sessions), "may_manage": selectors.may_manage(user),
    }  # fmt: skip
    return render(request, "training/session_list.html", context, status=400 if form.errors else 200)


def _session_form(request: HttpRequest, user: User, session: TrainingSession | None = None) -> SessionForm:
    organizations = Organization.objects.filter(municipality_id=user.municipality_id).order_by("order", "id")
    return SessionForm(
        request.POST if request.method == "POST" else None, session=session, organizations=organizations,
        attendees=selectors.attendee_choices(municipality_id=user.municipality_id, session=session),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = _session_form(request, user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(user=user, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("研修を登録しました。"))
            return redirect("training:session-detail", session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "training/session_form.html", {"form": form, "session": None}, status=status)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _detail(
    request: HttpRequest, pk: int, material_form: MaterialForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    manage = selectors.may_manage(user, session.organizer)
    participations = list(session.participations.all())
    context = {
        "session": session, "participations": participations, "may_manage": manage,
        "staff_count": sum(len(p.attendees.all()) for p in participations),
        "other_count": sum(p.other_attendees for p in participations),
        "material_form": material_form or (MaterialForm() if manage else None),
    }  # fmt: skip
    return render(request, "training/session_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    _manager(request, session)
    form = _session_form(request, user, session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                user=user, session=session, data=form.to_input(), expected_version=form.cleaned_data["version"],
                request=request,
            )  # fmt: skip
        except EditConflict as conflict:
            form.moved_on(conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("研修を変更しました。"))
            return redirect("training:session-detail", session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "training/session_form.html", {"form": form, "session": session}, status=status)


@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = selectors.session_check_for_user(user=user, pk=pk)
    _manager(request, session)
    form = MaterialForm(request.POST)
    if form.is_valid():
        try:
            services.material_add(user=user, session=session, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("資料を追加しました。"))
            return redirect("training:session-detail", session.pk)
    return _detail(request, pk, material_form=form, status=400)


@require_POST
def material_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    material = selectors.material_check_for_user(user=user, pk=pk)
    _manager(request, material.session)
    session_pk = material.session_id
    services.material_remove(user=user, material=material, request=request)
    messages.success(request, gettext("資料を削除しました。"))
    return redirect("training:session-detail", session_pk)
