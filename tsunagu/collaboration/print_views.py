"""PDF print of the インテーク・アセスメントシート.

A print is an export (as the 相談受付・申込票's, ``consultations/print_views.py``): fetched through the same
access core as the page (404 outside it), and written to the audit log as an EXPORT of the assessment and
of each member's sections that went on paper.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tsunagu.audit.models import Action
from tsunagu.collaboration import selectors
from tsunagu.collaboration.prints import assessment_pdf
from tsunagu.collaboration.views import _user
from tsunagu.people.timeline_views import pdf_response
from tsunagu.printing.language import official_print
from tsunagu.records.selectors import record_get_for_user


@require_GET
@official_print
def assessment_print(request: HttpRequest, pk: int) -> HttpResponse:
    """インテーク・アセスメントシート (PDF) of an assessment the user may read."""
    user = _user(request)
    assessment = record_get_for_user(
        user=user, kind="assessment", pk=pk, request=request, action=Action.EXPORT,
        summary="インテーク・アセスメントシートを印刷（PDF）",
    ).record  # fmt: skip
    sheet = selectors.assessment_sheet(user=user, assessment=assessment, request=request, action=Action.EXPORT)
    return pdf_response(assessment_pdf(sheet), f"assessment-{assessment.pk}.pdf")
