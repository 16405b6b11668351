"""Pages of 包括的相談支援: intake, the consultation, referrals, progress records, inboxes and the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access import selectors as access
from tsunagu.access.policy import casework_organization_ids, consent_covers, visible_person
from tsunagu.access.services import acting_organization
from tsunagu.consultations import selectors, services
from tsunagu.consultations.defaults import routing_rules_ensure
from tsunagu.consultations.destinations import referral_organizations
from tsunagu.consultations.forms import (
    CaseNoteForm,
    ConsultationFilterForm,
    ConsultationForm,
    DeclineForm,
    ReferralForm,
    intake_programs,
    own_program,
    program_menu,
)
from tsunagu.consultations.models import (
    ConsentVariant,
    Consultation,
    Counterpart,
    Means,
    Outcome,
    Referral,
    ReferralBasis,
    ReferralStatus,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.consultations.routing import routing_input_for, suggest
from tsunagu.core.models import Organization, User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdListParam, IdParam
from tsunagu.people import selectors as people
from tsunagu.people.models import HouseholdMember
from tsunagu.people.timeline_views import render_household_timeline, render_person_timeline
from tsunagu.plans.selectors import program_list_for_user

PAGE_SIZE = 50
REFERRALS_PAGE_SIZE = 100
# The query string's ids (the intake form's person, and what its suggestions fragment is asked about).
PERSON, HOUSEHOLD, ISSUES = IdParam("person"), IdParam("household"), IdListParam("issues")
# 「この提案でつなぐ」: the suggestion chosen, as ids only (the reason is worked out again from the rules).
PROGRAM, ORGANIZATION = IdParam("program"), IdParam("organization")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def inbox(request: HttpRequest) -> HttpResponse:
    """相談・つなぎの一覧: new consultations, referrals waiting on each side, next steps this week."""
    user = _user(request)
    programs = program_menu(user)
    form = ConsultationFilterForm(
        request.GET or None, user=user, programs=programs, issues=selectors.issue_list_for_user(user=user)
    )
    filters = selectors.ConsultationFilters()
    if form.is_bound and form.is_valid():
        filters = form.to_filters()
    page = page_of(
        request, selectors.consultation_list_for_user(user=user, filters=filters, request=request), PAGE_SIZE
    )
    panels = {
        name: _panel(rows)
        for name, rows in (
            ("incoming", selectors.referrals_waiting_for_user(user=user, request=request)),
            ("outgoing", selectors.referrals_sent_waiting_for_user(user=user, request=request)),
            ("next_steps", selectors.next_steps_due_for_user(user=user, request=request)),
        )
    }
    context = {"form": form, "consultations": page.rows, "page": page, "today": timezone.localdate()}
    return render(request, "consultations/inbox.html", {**context, "panel_size": PANEL_SIZE, **panels})


# The inbox's side panels show the most urgent rows; the rest is a list of its own (未受理のつなぎ). A panel
# that grew with the city's data made the inbox cost grow with it (100 rows each: 103 ms p50 against 66).
PANEL_SIZE = 20


@dataclass(frozen=True)
class Panel:
    rows: list[Any]
    more: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def _panel(rows: selectors.AuditedRecords) -> Panel:
    fetched = rows.page_slice(0, PANEL_SIZE)  # one more than shown, which is not audited
    return Panel(rows=fetched[:PANEL_SIZE], more=len(fetched) > PANEL_SIZE)


@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    """相談受付・申込票: for a person the user may see (?person=) or anonymous."""
    user = _user(request)
    person_id = PERSON.get(request.POST) or PERSON.get(request.GET)
    person_view = None
    households: list = []
    consents: list = []
    if person_id:
        person_view = people.person_get_for_user(user=user, pk=person_id, request=request)
        households = [m.household for m in people.households_of_person(user=user, person=person_view.person)]
        # Only consents this agency may rely on: taken here, or naming it.
        acting = acting_organization(user).pk
        consents = [c for c in access.consents_of_person(person_id=person_view.person.pk) if consent_covers(c, acting)]
    issues = selectors.issue_list_for_user(user=user)
    programs = intake_programs(program_list_for_user(user=user))
    # 事業 starts at the acting organisation's own programme; worked out only for the empty form.
    program = own_program(programs, acting_organization(user)) if request.method == "GET" else None
    form = ConsultationForm(
        request.POST or None, user=user, programs=programs, issues=issues,
        person=person_view.person if person_view else None, households=households, consents=consents,
        program=program,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form has no anonymous fields when a person is given (ConsultationForm).
        is_anonymous = bool(data.get("is_anonymous"))
        person = person_view.person if person_view and not is_anonymous else None
        household = data["household"] if person else None
        try:
            consultation = services.consultation_record(
                user=user,
                data=services.ConsultationInput(
                    program=data["program"], received_at=form.received_at, route=Route(data["route"]),
                    consent_variant=ConsentVariant(data["consent_variant"]), issues=list(data["issues"]),
                    main_issue=data["main_issue"], outcome=Outcome(data["outcome"]), person=person,
                    person_decision=person_view.decision if person_view and person else None, household=household,
                    household_visible=household is not None and household in households,
                    is_anonymous=is_anonymous, anonymous_description=data.get("anonymous_description", ""),
                    consent=data["consent"] if data["consent_variant"] == ConsentVariant.WITH_CONSENT else None,
                    visitor=Visitor(data["visitor"]), visitor_name=data["visitor_name"],
                    visitor_relationship=data["visitor_relationship"], visitor_phone=data["visitor_phone"],
                    issue_note=data["issue_note"], words=data["words"], wishes=data["wishes"],
                    urgency=Urgency(data["urgency"]), outcome_note=data["outcome_note"],
                ),
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("相談を受け付けました。つなぎ先の提案を確認してください。"))
            return redirect("consultations:consultation-detail", pk=consultation.pk)
    # A refused intake is the form again with everything typed, answered 400 (as every refused form).
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "person": person_view.person if person_view else None, "issues": issues},
        status=400 if form.errors else 200,
    )


def _visible_members(user: User, household_id: int) -> list[HouseholdMember]:
    """Members the user may see: a suggestion must not reveal a hidden member (e.g. "a child under 6")."""
    # One query: the access core's condition on each member, not a second query for their grants.
    members = HouseholdMember.objects.filter(household_id=household_id).filter(visible_person(user, "person_id"))
    return list(members.select_related("person"))


def _suggestions(user: User, consultation: Consultation) -> Any:
    routing_rules_ensure(consultation.municipality)
    household_members = _visible_members(user, consultation.household_id) if consultation.household_id else []
    data = routing_input_for(
        consultation.person,
        household_members,
        [i.code for i in consultation.issues.all()],
        consultation.received_at.date(),
    )
    return suggest(municipality=consultation.municipality, data=data, exclude_organization=consultation.organization)


def _referral_initial(
    request: HttpRequest, user: User, consultation: Consultation, routing: Any
) -> tuple[dict[str, Any], str]:
    """The referral form's first values, and what would stop the proposed basis ("" when nothing would).

    A week to answer and the basis the consultation allows; after 「この提案でつなぐ」 also the suggestion's
    programme and organisation (ids in the query string, never text) and the rule's reason, worked out here
    again from the suggestions, with the basis that covers that organisation (``referral_basis_for``)."""
    initial: dict[str, Any] = {"due_on": timezone.localdate() + timedelta(days=7)}
    program = organization = None
    program_id = PROGRAM.get(request.GET)
    if program_id is not None:
        program = program_list_for_user(user=user).filter(pk=program_id).first()
    if program is not None:
        initial["to_program"] = program
        suggestion = next((s for s in routing.suggestions if s.program.pk == program.pk), None) if routing else None
        if suggestion is not None:
            initial["reason"] = pgettext("alternatives", "／").join(suggestion.reasons)
        organization_id = ORGANIZATION.get(request.GET)
        offered = referral_organizations(
            municipality_id=consultation.municipality_id, sender=consultation.organization, program=program
        )
        if organization_id is not None:
            organization = offered.filter(pk=organization_id).first()
        elif suggestion is not None and len(suggestion.organizations) == 1:
            organization = offered.filter(pk=suggestion.organizations[0].pk).first()
        if organization is not None:
            initial["to_organization"] = organization.pk
    proposal = services.referral_basis_for(consultation=consultation, organization=organization)
    initial.update(basis=proposal.basis, to_meeting=proposal.to_meeting)
    return initial, proposal.problem


def _detail(request: HttpRequest, user: User, consultation: Consultation, referral_form: ReferralForm | None = None,
            note_form: CaseNoteForm | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    own = consultation.organization_id in casework_organization_ids(user)
    referrals = selectors.referrals_of_consultation(user=user, consultation=consultation, request=request)
    notes = selectors.case_notes_of_consultation(user=user, consultation=consultation, request=request)
    routing = _suggestions(user, consultation) if own else None
    referral_problem = ""
    if referral_form is None and own:
        initial, referral_problem = _referral_initial(request, user, consultation, routing)
        referral_form = ReferralForm(
            user=user, programs=program_menu(user), sender=consultation.organization, initial=initial
        )
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "own": own,
            "routing": routing,
            "referrals": referrals,
            "notes": notes,
            "referral_form": referral_form,
            "referral_problem": referral_problem,
            "note_form": note_form or CaseNoteForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _detail(request, user, selectors.consultation_get_for_user(user=user, pk=pk, request=request).record)


@require_POST
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    consultation = selectors.consultation_check_for_user(user=user, pk=pk)
    form = ReferralForm(request.POST, user=user, programs=program_menu(user), sender=consultation.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_send(
                user=user,
                consultation=consultation,
                data=services.ReferralInput(
                    to_organization=data["to_organization"], to_program=data["to_program"],
                    to_meeting=data["to_meeting"], reason=data["reason"],
                    shared_information=data["shared_information"], basis=ReferralBasis(data["basis"]),
                    due_on=data["due_on"],
                ),
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            to = referral.to_organization.name
            messages.success(request, gettext("%(organization)sへつなぎました。") % {"organization": to})
            return redirect("consultations:consultation-detail", pk=pk)
    # The page is shown again, with what was typed: that is a read of the consultation.
    consultation = selectors.consultation_get_for_user(user=user, pk=pk, request=request).record
    return _detail(request, user, consultation, referral_form=form, status=400)


@require_POST
def referral_organizations_field(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral form's つなぎ先 for the programme just chosen (htmx). A POST: it carries the form, and
    what is typed in a form never goes into a URL. Shows no personal data; the consultation only names the
    sender, who is never offered."""
    user = _user(request)
    consultation = selectors.consultation_check_for_user(user=user, pk=pk)
    form = ReferralForm(request.POST, user=user, programs=program_menu(user), sender=consultation.organization)
    form.is_valid()  # the programme is read from the cleaned form; the other fields' errors wait for 「つなぐ」
    return render(request, "consultations/_referral_organization.html", {"field": form["to_organization"]})


def _referral_page(request: HttpRequest, user: User, referral: Referral, note_form: CaseNoteForm | None = None,
                   status: int = 200) -> HttpResponse:  # fmt: skip
    """The referral, read through the access core by the caller, with the ways on from it.

    The person's page and timeline are linked when the access core lets the user see the person (the
    receiver once it has accepted: the grant the acceptance gave; before, only what the referral shares),
    the consultation when the user may read it; neither link shows anything the referral does not."""
    receiving = referral.to_organization_id in casework_organization_ids(user)
    person_readable = (
        referral.person_id is not None and access.decide_for_user(user=user, person_id=referral.person_id).allowed
    )
    return render(
        request,
        "consultations/referral_detail.html",
        {
            "referral": referral,
            "receiving": receiving,
            "person_readable": person_readable,
            "consultation_readable": selectors.consultations_visible(user).filter(pk=referral.consultation_id).exists(),
            "may_note": receiving and referral.status == ReferralStatus.ACCEPTED and person_readable,
            "decline_form": DeclineForm(),
            "note_form": note_form or CaseNoteForm(),
            "today": timezone.localdate(),
        },
        status=status,
    )


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _referral_page(request, user, selectors.referral_get_for_user(user=user, pk=pk, request=request).record)


@require_POST
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_check_for_user(user=user, pk=pk)
    try:
        if request.POST.get("action") == "accept":
            services.referral_accept(user=user, referral=referral, request=request)
            # The page it returns to links the person, the timeline and the consultation, with the form for
            # the first progress record.
            messages.success(request, gettext("つなぎを受理しました。この方の記録を閲覧し、支援経過を記録できます。"))
        else:
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""  # the service says what is missing
            services.referral_decline(user=user, referral=referral, reason=reason, request=request)
            messages.success(request, gettext("つなぎを辞退しました。つないだ機関に理由が伝わります。"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("consultations:referral-detail", pk=pk)


@require_POST
def referral_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving organisation's progress record, posted from the referral page (the first one usually right
    after 受理); a refused one shows the referral page again with everything typed."""
    user = _user(request)
    referral = selectors.referral_check_for_user(user=user, pk=pk)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            services.referral_note_add(user=user, referral=referral, data=_note_input(form), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("支援経過を記録しました。"))
            return redirect("consultations:referral-detail", pk=pk)
    referral = selectors.referral_get_for_user(user=user, pk=pk, request=request).record
    return _referral_page(request, user, referral, note_form=form, status=400)


def referrals_open(request: HttpRequest) -> HttpResponse:
    """Every referral not yet accepted, by age: nobody is lost between agencies."""
    user = _user(request)
    page = page_of(request, selectors.referrals_not_accepted(user=user, request=request), REFERRALS_PAGE_SIZE)
    return render(
        request,
        "consultations/referrals_open.html",
        {"referrals": page.rows, "page": page, "today": timezone.localdate()},
    )


def _note_input(form: CaseNoteForm) -> services.CaseNoteInput:
    data = form.cleaned_data
    return services.CaseNoteInput(
        occurred_at=form.occurred_at, means=Means(data["means"]), counterpart=Counterpart(data["counterpart"]),
        content=data["content"], counterpart_detail=data["counterpart_detail"], next_step=data["next_step"],
        next_step_on=data["next_step_on"],
    )  # fmt: skip


@require_POST
def consultation_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    consultation = selectors.consultation_check_for_user(user=user, pk=pk)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(
                user=user, data=_note_input(form), person=consultation.person, household=consultation.household,
                consultation=consultation, request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("支援経過を記録しました。"))
            return redirect("consultations:consultation-detail", pk=pk)
    # Refused: the page again with the form as typed (a long note is not lost) and its messages on it.
    consultation = selectors.consultation_get_for_user(user=user, pk=pk, request=request).record
    return _detail(request, user, consultation, note_form=form, status=400)


@require_POST
def household_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress record about the household as a whole (no one member), posted from its timeline, by anyone
    who may see the household (as a note about a person, by anyone who may see them); a refused one
    re-renders the timeline with everything typed."""
    user = _user(request)
    household = people.household_check_for_user(user=user, pk=pk).household
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(user=user, data=_note_input(form), household=household, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("支援経過を記録しました。"))
            return redirect("people:household-timeline", pk=pk)
    return render_household_timeline(request, pk, bound_forms={"case_note": form}, status=400)


@require_POST
def person_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress record about a person, posted from the person's timeline; a refused one re-renders the
    timeline with everything typed."""
    user = _user(request)
    person = people.person_check_for_user(user=user, pk=pk).person
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(user=user, data=_note_input(form), person=person, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("支援経過を記録しました。"))
            return redirect("people:person-timeline", pk=pk)
    return render_person_timeline(request, pk, bound_forms={"case_note": form}, status=400)


@require_POST
def suggestions_preview(request: HttpRequest) -> HttpResponse:
    """The intake form asks (htmx) for routing suggestions as issues are ticked, before anything is saved.

    A POST (with the form's CSRF token): what it is asked about is the intake under way, which must not
    land in a URL and so in server and proxy logs. The form posts only the person, the household and the
    ticked issues (hx-params); it reads nothing else.
    """
    user = _user(request)
    issues = {i.pk: i for i in selectors.issue_list_for_user(user=user)}
    codes = [issues[i].code for i in ISSUES.get(request.POST) if i in issues]
    person = None
    members: list = []
    person_id = PERSON.get(request.POST)
    if person_id:
        # The suggestions are worked out from the person (age, household): a read of the person.
        person = people.person_get_for_user(user=user, pk=person_id, request=request).person
        household_id = HOUSEHOLD.get(request.POST)
        memberships = people.households_of_person(user=user, person=person)
        if household_id and any(m.household_id == household_id for m in memberships):
            members = _visible_members(user, household_id)
    routing_rules_ensure(user.municipality)
    organization_id = casework_organization_ids(user)[0]
    routing = suggest(
        municipality=user.municipality,
        data=routing_input_for(person, members, codes, timezone.localdate()),
        exclude_organization=Organization.objects.get(pk=organization_id),
    ) if codes else None  # fmt: skip
    return render(request, "consultations/_suggestions.html", {"routing": routing, "preview": True})
