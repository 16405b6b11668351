"""The person's and the household's timeline (経過一覧) and its print, built from every registered record kind.

Each kind renders its own rows (``RecordKind.timeline_template`` / ``print_row``) and may offer a form to
add a record from the timeline (``add_form``, posted to the kind's own ``add_url``): nothing here names
a kind, so a new capability's records appear without a change to this module.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.models import User
from tsunagu.people import selectors
from tsunagu.printing.language import official_print
from tsunagu.printing.timeline import TimelineRow, TimelineSubject, timeline_pdf
from tsunagu.records.registry import kinds
from tsunagu.records.selectors import timeline_export_for_user, timeline_for_user

PAGE_SIZE = 50


def _casework_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def render_person_timeline(
    request: HttpRequest, pk: int, *, bound_forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The person's timeline page; a kind's view re-renders it with its bound form when a record is refused,
    so that nothing typed is lost."""
    user = _casework_user(request)
    view = selectors.person_get_for_user(user=user, pk=pk, request=request)
    page = timeline_for_user(
        user=user, person_ids=[pk], before=request.GET.get("before", ""), size=PAGE_SIZE, subject=view.person,
        subject_person_id=pk, request=request,
    )  # fmt: skip
    adders = [(kind, (bound_forms or {}).get(kind.key) or kind.add_form()) for kind in kinds() if kind.add_form]
    return render(
        request,
        "people/timeline.html",
        {"person": view.person, "decision": view.decision, "page": page, "adders": adders,
         "today": timezone.localdate()},
        status=status,
    )  # fmt: skip


@require_GET
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """経過一覧 of a person across every agency whose records the user may read; printable."""
    return render_person_timeline(request, pk)


@require_GET
def household_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's 経過一覧: every visible member's records and the household's own, in one order."""
    user = _casework_user(request)
    view = selectors.household_get_for_user(user=user, pk=pk, request=request)
    members = [m.member.person for m in view.visible_members]
    page = timeline_for_user(
        user=user, person_ids=[m.pk for m in members], household_id=view.household.pk,
        before=request.GET.get("before", ""), size=PAGE_SIZE, subject=view.household, request=request,
    )  # fmt: skip
    return render(
        request,
        "people/timeline.html",
        {"household": view.household, "members": members, "page": page, "today": timezone.localdate()},
    )


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # inline: opens in the browser's viewer to print; the ASCII name carries no personal data.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data must not stay in a shared PC's browser cache or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@official_print
def person_timeline_print(request: HttpRequest, pk: int) -> HttpResponse:
    """経過一覧 (PDF) of a person the user may see: the person read and the export of every record are audited."""
    user = _casework_user(request)
    person = selectors.person_get_for_user(user=user, pk=pk, request=request).person
    items = timeline_export_for_user(user=user, person_ids=[pk], subject=person, subject_person_id=pk, request=request)
    rows = []
    for item in items:
        row = item.kind.print_row(item.record)
        rows.append(TimelineRow(
            at=item.at, organization=item.organization, kind=row.kind, content=row.content,
            counterpart=row.counterpart, staff=row.staff, next_step=row.next_step,
        ))  # fmt: skip
    subject = TimelineSubject(person.full_name, person.full_name_kana, person.birth_date)
    return pdf_response(timeline_pdf(subject, rows), f"timeline-{person.pk}.pdf")
