"""Pages of a meeting's 資料: attach (to the meeting or an item), open the file, remove. Thin: fetch through the
selectors (404 for those who may not), call one service, go back to the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tsunagu.access.policy import casework_user
from tsunagu.core.pages import add_service_errors
from tsunagu.meetings import law
from tsunagu.meetings import selectors as meeting_selectors
from tsunagu.meetings import views as meeting_views
from tsunagu.meetings.attachments import selectors, services
from tsunagu.meetings.attachments.forms import AttachmentForm

# What the file's response may do: nothing but show it, as a consent's scan (people.access_views).
_POLICY = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_POLICIES = {"pdf": f"{_POLICY}; object-src 'self'"}


@require_POST
def meeting_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = meeting_views._user(request)
    meeting = meeting_selectors.meeting_check_for_user(user=user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(user=user, meeting=meeting, title=form.cleaned_data["title"],
                                    upload=form.cleaned_data["file"], request=request)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
            if not law.may_open_agenda(user, meeting):  # the page shows no 資料 form to put it on
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("資料を添付しました。"))
            return redirect("meetings:meeting-detail", pk)
    return meeting_views._detail(request, user, pk, status=400, attachment_form=form)


@require_POST
def item_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = meeting_views._user(request)
    view = meeting_selectors.agenda_item_check_for_user(user=user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(user=user, meeting=view.item.meeting, item=view.item,
                                    title=form.cleaned_data["title"], upload=form.cleaned_data["file"],
                                    request=request)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("資料を添付しました。"))
            return redirect("meetings:agenda-item-detail", pk)
    return meeting_views._item(request, user, pk, status=400, attachment_form=form)


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself, for those who may read it (``selectors``); audited; 404 for anyone else."""
    found = selectors.attachment_get_for_user(user=casework_user(request), pk=pk, request=request)
    response = FileResponse(found.file, content_type=found.scan_type.content_type, filename=found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = _POLICIES.get(found.scan_type.key, f"{_POLICY}; sandbox")
    return response


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = meeting_views._user(request)
    row = selectors.attachment_check_for_user(user=user, pk=pk)
    back = (
        redirect("meetings:agenda-item-detail", row.agenda_item_id)
        if row.agenda_item_id
        else redirect("meetings:meeting-detail", row.meeting_id)
    )
    try:
        services.attachment_remove(user=user, attachment=row, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(request, gettext("資料を取り下げました（記録は残ります）。"))
    return back
