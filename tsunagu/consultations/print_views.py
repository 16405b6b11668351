"""PDF prints of the 相談受付・申込票 and the 経過一覧.

A print is an export: the record leaves the system on paper or as a file, and nobody can tell afterwards
who holds the copy. So a print is fetched through the same access core as the HTML page (404 outside it,
never 403), and it writes an EXPORT entry of its own rather than passing as one more read — the audit
log must be able to answer "who took this person's record out, and when".
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tsunagu.access import selectors as access
from tsunagu.access.policy import casework_organization_ids
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations import selectors
from tsunagu.consultations.pdf import consultation_intake_pdf, timeline_pdf
from tsunagu.core.models import User


def _casework_user(request: HttpRequest) -> User:
    """The signed-in user, if they do casework somewhere; 404 for everyone else (as the HTML pages do)."""
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # inline: opens in the browser's viewer to print; the ASCII name carries no personal data.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data must not stay in a shared PC's browser cache or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def consultation_print(request: HttpRequest, pk: int) -> HttpResponse:
    """相談受付・申込票 (PDF) of a consultation the user may read."""
    user = _casework_user(request)
    consultation = selectors.consultation_get_for_user(user=user, pk=pk, request=request, audit=False)
    own = consultation.organization_id in casework_organization_ids(user)
    show_protected_address = False
    if consultation.person_id is not None:
        decision = access.decide_for_user(user=user, person_id=consultation.person_id)
        show_protected_address = decision.may_see_protected_address
    pdf = consultation_intake_pdf(consultation, show_protected_address=show_protected_address)
    audit_record(
        user=user,
        action=Action.EXPORT,
        organization=consultation.organization if own else None,
        obj=consultation,
        person_id=consultation.person_id,
        summary="相談受付・申込票を印刷（PDF）",
        basis="own_record" if own else "shared",
        request=request,
    )
    return _pdf_response(pdf, f"consultation-{consultation.pk}.pdf")


@require_GET
def timeline_print(request: HttpRequest, pk: int) -> HttpResponse:
    """経過一覧 (PDF) of a person the user may see: the timeline read is audited, and so is the export."""
    user = _casework_user(request)
    view = access.person_get_for_user(user=user, pk=pk, request=request, audit=False)
    timeline = selectors.timeline_for_person(user=user, person=view.person, request=request)
    pdf = timeline_pdf(view.person, timeline)
    grant = view.decision.strongest
    audit_record(
        user=user,
        action=Action.EXPORT,
        organization=grant.organization,
        obj=view.person,
        person_id=view.person.pk,
        summary=f"経過一覧を印刷（PDF）: {len(timeline.items)}件",
        basis=grant.basis,
        basis_source=grant.source,
        request=request,
    )
    return _pdf_response(pdf, f"timeline-{view.person.pk}.pdf")
