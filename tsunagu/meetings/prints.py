"""PDF prints of a meeting's 議題一覧 and 議事録: who may print them is ``minutes.may_read_minutes`` (404 for
everyone else), each print audited as an export with the grounds of every item and the meeting. Japanese
whatever the screen language (``official_print``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tsunagu.access.policy import casework_user
from tsunagu.meetings.minutes import minutes_get_for_user
from tsunagu.meetings.printing import agenda_pdf, minutes_pdf
from tsunagu.people.timeline_views import pdf_response
from tsunagu.printing.language import official_print


@require_GET
@official_print
def agenda_print(request: HttpRequest, pk: int) -> HttpResponse:
    view = minutes_get_for_user(user=casework_user(request), pk=pk, summary="会議の議題一覧を印刷（PDF）",
                                request=request)  # fmt: skip
    return pdf_response(agenda_pdf(view), f"meeting-agenda-{pk}.pdf")


@require_GET
@official_print
def minutes_print(request: HttpRequest, pk: int) -> HttpResponse:
    view = minutes_get_for_user(user=casework_user(request), pk=pk, summary="会議の議事録を印刷（PDF）",
                                request=request)  # fmt: skip
    return pdf_response(minutes_pdf(view), f"meeting-minutes-{pk}.pdf")
