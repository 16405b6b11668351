"""Pages of information requests: asking from an agenda item, the request (members and the asked
organisation), answering, withdrawing, and the list of requests to one's organisations. Thin: parse, fetch
through the selectors (404 outside), call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors
from tsunagu.meetings import law
from tsunagu.meetings import selectors as meeting_selectors
from tsunagu.meetings.information import selectors, services
from tsunagu.meetings.information.forms import AnswerForm, RequestForm

LIST_SIZE = 100


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """情報提供を求める, from an agenda item: its chair (or the convener's member) only; others 404."""
    user = _user(request)
    view = meeting_selectors.agenda_item_check_for_user(user=user, pk=pk)
    if not law.may_ask(user, view.item.meeting):
        raise Http404
    form = RequestForm(request.POST or None, municipality_id=view.item.municipality_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.request_create(
                user=user, item=view.item, request=request,
                data=services.RequestInput(organization=data["organization"], content=data["content"],
                                           due_on=data["due_on"]),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("資料・情報の提供を求めました。"))
            return redirect("meetings:information-request-detail", row.pk)
    view = meeting_selectors.agenda_item_get_for_user(user=user, pk=pk, request=request)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/information/request_form.html", {"item": view.item, "form": form},
                  status=status)  # fmt: skip


def _detail(request: HttpRequest, user: User, pk: int, status: int = 200, answer_form=None) -> HttpResponse:
    view = selectors.request_get_for_user(user=user, pk=pk, request=request)
    context = {"view": view, "row": view.row, "item": view.row.agenda_item, "answer_form": answer_form or AnswerForm()}
    return render(request, "meetings/information/request_detail.html", context, status=status)


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _user(request), pk)


@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.request_check_for_user(user=user, pk=pk)
    if not view.is_asked:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.request_answer(user=user, request_row=view.row, answer=form.cleaned_data["answer"],
                                    request=request)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("回答を記録しました。"))
            return redirect("meetings:information-request-detail", pk)
    return _detail(request, user, pk, status=400, answer_form=form)


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.request_check_for_user(user=user, pk=pk)
    if not view.is_member:
        raise Http404
    try:
        services.request_withdraw(user=user, request_row=view.row, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, user, pk, status=400)
    messages.success(request, gettext("資料・情報の提供の求めを取り下げました。"))
    return redirect("meetings:information-request-detail", pk)


def request_inbox(request: HttpRequest) -> HttpResponse:
    """自機関への資料・情報の提供の求め: open first by due date, then the last answered. No person named."""
    user = _user(request)
    open_rows = list(selectors.inbox_for_user(user=user)[:LIST_SIZE])
    answered = list(selectors.inbox_for_user(user=user, open_only=False).exclude(answered_on__isnull=True)[:20])
    return render(request, "meetings/information/inbox.html", {"open_rows": open_rows, "answered": answered})
