"""The person's and the household's timeline (経過一覧) and its print, built from every registered record kind.

Each kind renders its own rows (``RecordKind.timeline_template`` / ``print_row``) and may offer a form to
add a record from the timeline (``add_form``, posted to the kind's own ``add_url``): nothing here names
a kind, so a new capability's records appear without a change to this module.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tsunagu.access.policy import acting_organizations, casework_user
from tsunagu.people import selectors
from tsunagu.people.models import Relationship
from tsunagu.printing.language import official_print
from tsunagu.printing.timeline import TimelineRow, TimelineSubject, timeline_pdf
from tsunagu.records.registry import kinds
from tsunagu.records.selectors import (
    HiddenRecords,
    TimelineItem,
    hidden_records_of_person,
    timeline_export_for_user,
    timeline_for_user,
)

PAGE_SIZE = 50


def render_person_timeline(
    request: HttpRequest, pk: int, *, bound_forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The person's timeline page; a kind's view re-renders it with its bound form when a record is refused,
    so that nothing typed is lost."""
    user = casework_user(request)
    view = selectors.person_get_for_user(user=user, pk=pk, request=request)
    page = timeline_for_user(
        user=user, person_ids=[pk], before=request.GET.get("before", ""), size=PAGE_SIZE, subject=view.person,
        subject_person_id=pk, request=request,
    )  # fmt: skip
    adders = [
        (kind, kind.add_url, (bound_forms or {}).get(kind.key) or kind.add_form())
        for kind in kinds() if kind.add_form and kind.add_url
    ]  # fmt: skip
    # Records the reader may not see are counted only for a person whose location they may see: for a
    # protected (DV) person, which agencies support her and how much is kept as it was (docs/records.md).
    hidden: HiddenRecords | None = None
    if not view.location_hidden:
        hidden = hidden_records_of_person(user=user, person_id=pk)
    return render(
        request,
        "people/timeline.html",
        {"person": view.person, "decision": view.decision, "page": page, "adders": adders, "hidden": hidden,
         "own_organizations": acting_organizations(user), "today": timezone.localdate()},
        status=status,
    )  # fmt: skip


@require_GET
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """経過一覧 of a person across every agency whose records the user may read; printable."""
    return render_person_timeline(request, pk)


def render_household_timeline(
    request: HttpRequest, pk: int, *, bound_forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The household's timeline page; as ``render_person_timeline``, a refused record comes back as typed."""
    user = casework_user(request)
    view = selectors.household_get_for_user(user=user, pk=pk, request=request)
    members = [m.member.person for m in view.visible_members]
    page = timeline_for_user(
        user=user, person_ids=[m.pk for m in members], household_id=view.household.pk,
        before=request.GET.get("before", ""), size=PAGE_SIZE, subject=view.household, request=request,
    )  # fmt: skip
    adders = [
        (kind, kind.household_add_url, (bound_forms or {}).get(kind.key) or kind.add_form())
        for kind in kinds() if kind.add_form and kind.household_add_url
    ]  # fmt: skip
    return render(
        request,
        "people/timeline.html",
        {"household": view.household, "members": members, "page": page, "adders": adders,
         "today": timezone.localdate()},
        status=status,
    )  # fmt: skip


@require_GET
def household_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's 経過一覧: every visible member's records and the household's own, in one order."""
    return render_household_timeline(request, pk)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # inline: opens in the browser's viewer to print; the ASCII name carries no personal data.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data must not stay in a shared PC's browser cache or a proxy.
    response["Cache-Control"] = "no-store"
    return response


def _print_rows(items: list[TimelineItem], names: dict[int, str] | None = None) -> list[TimelineRow]:
    """Each record as its kind prints it; on a household's print, under its agency, whom it is about."""
    rows = []
    for item in items:
        row = item.kind.print_row(item.record)
        about = (names or {}).get(item.person_id or 0)
        rows.append(TimelineRow(
            at=item.at, organization=item.organization + (f"\n（{about}）" if about else ""), kind=row.kind,
            content=row.content, counterpart=row.counterpart, staff=row.staff, next_step=row.next_step,
        ))  # fmt: skip
    return rows


@require_GET
@official_print
def person_timeline_print(request: HttpRequest, pk: int) -> HttpResponse:
    """経過一覧 (PDF) of a person the user may see: the person read and the export of every record are audited."""
    user = casework_user(request)
    person = selectors.person_get_for_user(user=user, pk=pk, request=request).person
    items = timeline_export_for_user(user=user, person_ids=[pk], subject=person, subject_person_id=pk, request=request)
    subject = TimelineSubject(person.full_name, person.full_name_kana, person.birth_date)
    return pdf_response(timeline_pdf(subject, _print_rows(items)), f"timeline-{person.pk}.pdf")


@require_GET
@official_print
def household_timeline_print(request: HttpRequest, pk: int) -> HttpResponse:
    """経過一覧 (PDF) of a household: the members the user may see and the household's own records, as the
    page shows them; the household read and the export are audited. No address: the page prints who, not
    where (a protected member's location never reaches paper this way)."""
    user = casework_user(request)
    view = selectors.household_get_for_user(user=user, pk=pk, request=request)
    visible = view.visible_members
    members = [m.member.person for m in visible]
    items = timeline_export_for_user(
        user=user, person_ids=[m.pk for m in members], household_id=view.household.pk, subject=view.household,
        request=request,
    )  # fmt: skip
    # Named by its 世帯主 when the user may see them, else by its first member shown.
    head = next((m.member.person for m in visible if m.member.relationship == Relationship.HEAD), members[0])
    subject = TimelineSubject(
        f"{head.full_name} 世帯", head.full_name_kana, None,
        members=tuple(f"{m.member.person.full_name}（{m.member.get_relationship_display()}）" for m in visible),
        hidden_members=view.hidden_member_count,
    )  # fmt: skip
    rows = _print_rows(items, {p.pk: p.full_name for p in members})
    return pdf_response(timeline_pdf(subject, rows), f"household-timeline-{view.household.pk}.pdf")
