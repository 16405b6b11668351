"""PDF print of the 相談受付・申込票.

A print is an export: the record leaves the system on paper or as a file, and nobody can tell afterwards
who holds the copy. So a print is fetched through the same access core as the HTML page (404 outside it,
never 403), and it writes an EXPORT entry of its own rather than passing as one more read — the audit
log must be able to answer "who took this person's record out, and when".
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tsunagu.access.policy import casework_user
from tsunagu.audit.models import Action
from tsunagu.consultations.prints import consultation_intake_pdf
from tsunagu.people.selectors import location_hidden_for_user
from tsunagu.people.timeline_views import pdf_response
from tsunagu.printing.language import official_print
from tsunagu.records.selectors import record_get_for_user


@require_GET
@official_print
def consultation_print(request: HttpRequest, pk: int) -> HttpResponse:
    """相談受付・申込票 (PDF) of a consultation the user may read."""
    user = casework_user(request)
    consultation = record_get_for_user(
        user=user, kind="consultation", pk=pk, request=request, action=Action.EXPORT,
        summary="相談受付・申込票を印刷（PDF）",
    ).record  # fmt: skip
    # A protected (DV) location — the person's own or one inherited from their household — goes on paper
    # only for the protecting agency and the staff it named, as on the pages.
    hidden = consultation.person is not None and location_hidden_for_user(user=user, person=consultation.person)
    pdf = consultation_intake_pdf(consultation, location_hidden=hidden)
    return pdf_response(pdf, f"consultation-{consultation.pk}.pdf")
