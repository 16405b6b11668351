"""Pages of 地域づくり: the programmes' counts for a 年度 (or a month), places and their sessions, recording
a session (counts only), linking a known person, the platform's sectors and partners, and the coordinator's
log. Thin: parse, fetch through the selectors (404 outside scope), call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.community import counts, selectors, services, staff
from tsunagu.community.forms import LogForm, ParticipationForm, PartnerForm, PersonPickForm, PlaceForm, SessionForm
from tsunagu.core.japanese.wareki import fiscal_year, fiscal_year_label
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdParam
from tsunagu.people import selectors as people
from tsunagu.people.search import PersonQuery

PAGE_SIZE = 50
# The 年度 and month of the counts: ``?fy=2025&month=4`` (a month of that 年度).
FISCAL_YEAR, MONTH, PROGRAM = IdParam("fy"), IdParam("month"), IdParam("program")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return staff.community_user(user)


def _period(request: HttpRequest) -> counts.Period:
    year = FISCAL_YEAR.get(request.GET) or fiscal_year(timezone.localdate())
    try:
        return counts.period_of(year, month=MONTH.get(request.GET))
    except counts.CountError as error:
        raise Http404 from error


def index(request: HttpRequest) -> HttpResponse:
    """地域づくり事業: each programme's 拠点数・参加者数・参加機関数 for the 年度 (or month) chosen."""
    user = _user(request)
    period = _period(request)
    result = counts.community_counts(municipality_id=user.municipality_id, period=period)
    this_year = fiscal_year(timezone.localdate())
    return render(request, "community/index.html", {
        "result": result, "period": period,
        "years": [(y, fiscal_year_label(y)) for y in range(this_year, this_year - 5, -1)],
        "months": [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3], "month": MONTH.get(request.GET),
    })  # fmt: skip


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One programme: its duties from the plan, its places, and its counts month by month in the 年度."""
    user = _user(request)
    program = staff.community_programs(user.municipality_id).filter(pk=pk).first()
    if program is None:
        raise Http404
    period = _period(request)
    by_month = []
    for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
        monthly = counts.community_counts(municipality_id=user.municipality_id,
                                          period=counts.period_of(period.fiscal_year, month=month))  # fmt: skip
        by_month.append((month, next(r for r in monthly.programs if r.program.pk == program.pk)))
    year = counts.community_counts(municipality_id=user.municipality_id, period=counts.period_of(period.fiscal_year))
    return render(request, "community/program_detail.html", {
        "program": program, "period": counts.period_of(period.fiscal_year), "by_month": by_month,
        "year": next(r for r in year.programs if r.program.pk == program.pk),
        "places": selectors.place_list_for_user(user=user, program_id=program.pk),
    })  # fmt: skip


def place_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    include_closed = request.GET.get("closed") == "1"
    rows = selectors.place_list_for_user(user=user, program_id=PROGRAM.get(request.GET), include_closed=include_closed)
    return render(request, "community/place_list.html", {
        "page": page_of(request, rows, PAGE_SIZE), "include_closed": include_closed,
        "programs": staff.community_programs(user.municipality_id),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PlaceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(user=user, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("拠点・居場所を登録しました。"))
            return redirect("community:place-detail", place.pk)
    return render(request, "community/place_form.html", {"form": form})


def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    place = selectors.place_get_for_user(user=user, pk=pk)
    page = page_of(request, selectors.session_list_for_place(user=user, place=place), PAGE_SIZE)
    return render(request, "community/place_detail.html", {
        "place": place, "page": page, "writer": staff.writing_organization(user, place.program) is not None,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an activity: date, content, head count (by age band where known), volunteers, partners."""
    user = _user(request)
    place = selectors.place_get_for_user(user=user, pk=pk)
    form = SessionForm(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_record(user=user, place=place, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("活動を記録しました。"))
            return redirect("community:session-detail", session.pk)
    return render(request, "community/session_form.html", {"form": form, "place": place})


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's counts; its known participants as far as the reader may read them (audited)."""
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    known = list(selectors.participations_of_session(user=user, session=session, request=request)[:200])
    writer = staff.writing_organization(user, session.place.program) is not None
    pick = PersonPickForm(request.GET or None)
    candidates: list[Any] = []
    if writer and pick.is_valid() and pick.cleaned_data["name"].strip():
        # The people search of the access core: only people the user may read, the search itself audited.
        linked = {p.person_id for p in known}
        query = PersonQuery(name=pick.cleaned_data["name"])
        candidates = [p for p in people.person_search_for_user(user=user, query=query, request=request)[:20]
                      if p.pk not in linked]  # fmt: skip
    return render(request, "community/session_detail.html", {
        "session": session, "known": known, "form": ParticipationForm(), "writer": writer, "pick": pick,
        "candidates": candidates, "searched": bool(pick.is_bound and pick.data.get("name", "").strip()),
    })  # fmt: skip


@require_POST
def participation_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a known person (one the reader may see; 404 otherwise) to the session."""
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    form = ParticipationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("community:session-detail", session.pk)
    person = people.person_check_for_user(user=user, pk=form.cleaned_data["person"]).person
    try:
        services.participation_link(user=user, session=session, person=person, note=form.cleaned_data["note"],
                                    request=request)  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("参加を記録しました。"))
    return redirect("community:session-detail", session.pk)


def participation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A known person's participation: read through the access core (its grounds shown), 404 otherwise."""
    user: User = request.user  # type: ignore[assignment]
    view = selectors.participation_get_for_user(user=user, pk=pk, request=request)
    return render(request, "community/participation_detail.html", {"record": view.record, "grounds": view.grounds})


def platform(request: HttpRequest) -> HttpResponse:
    """多分野協働のプラットフォーム: the plan's sectors and the partners in each."""
    user = _user(request)
    services.platform_sectors_ensure(municipality=user.municipality)
    return render(request, "community/platform.html", {
        "sectors": selectors.sector_list_for_user(user=user),
        "unsorted": selectors.partner_list_for_user(user=user).filter(sector__isnull=True).order_by("name"),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    services.platform_sectors_ensure(municipality=user.municipality)
    form = PartnerForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_create(user=user, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("参加機関を登録しました。"))
            return redirect("community:platform")
    return render(request, "community/partner_form.html", {"form": form})


def log_list(request: HttpRequest) -> HttpResponse:
    """生活支援コーディネーターの活動記録, newest first."""
    user = _user(request)
    return render(request, "community/log_list.html", {"page": page_of(request, selectors.log_list_for_user(user=user),
                                                                        PAGE_SIZE)})  # fmt: skip


@require_http_methods(["GET", "POST"])
def log_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = LogForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_record(user=user, data=form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("活動記録を登録しました。"))
            return redirect("community:log-list")
    return render(request, "community/log_form.html", {"form": form})
