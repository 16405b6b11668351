"""Pages of アウトリーチ: the worker's list (with the district table), 気になる情報 (record, list, page), the
target with its signals, contacts and stages, and the step to support. Thin: parse, fetch through the
selectors (404 outside access), call one service, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access.forms import ConsentForm
from tsunagu.access.models import ConsentGiver, ConsentMethod
from tsunagu.access.policy import casework_organization_ids
from tsunagu.access.services import ConsentInput
from tsunagu.core.models import District, User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdParam
from tsunagu.outreach import collaborate, districts, selectors, services, stages
from tsunagu.outreach.forms import ConnectForm, ContactForm, InformationForm, PlanForm, StageForm, TargetForm
from tsunagu.outreach.models import OutreachTarget, Stage
from tsunagu.people import selectors as people

PAGE_SIZE = 50
PERSON, HOUSEHOLD, INFORMATION, DISTRICT, COMMISSIONER = (
    IdParam("person"),
    IdParam("household"),
    IdParam("information"),
    IdParam("district"),
    IdParam("commissioner"),
)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not casework_organization_ids(user):
        raise Http404
    return user


def _holder(user: User, record: Any) -> bool:
    return record.organization_id in casework_organization_ids(user)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _form_refused(form: Any) -> services.OutreachError:
    return services.OutreachError([str(m) for errors in form.errors.values() for m in errors])


def target_list(request: HttpRequest) -> HttpResponse:
    """担当者の一覧: the next action due first, days since the last contact, the stage; by district."""
    user = _user(request)
    everyone = request.GET.get("worker") == "all"
    district_id, commissioner_id = DISTRICT.get(request.GET), COMMISSIONER.get(request.GET)
    stage = request.GET.get("stage", "")
    if stage and stage not in Stage.values:
        stage = ""
    listed = selectors.target_list_for_user(user=user, worker=None if everyone else user, district_id=district_id,
                                            stage=stage, commissioner_district_id=commissioner_id,
                                            request=request)  # fmt: skip
    page = page_of(request, listed, PAGE_SIZE)
    today = timezone.localdate()
    settings = districts.settings_by_district(user.municipality_id)
    rows = [(t, selectors.days_since(t.last_contact_at, today), t.next_action_on is not None and
             t.next_action_on <= today,
             None if t.location_hidden else districts.commissioner_district_of(settings, t.district_id))
            for t in page.rows]  # fmt: skip
    table = selectors.district_table_for_user(user=user)
    commissioners = {k: districts.commissioner_district_of(settings, k) for k in settings}
    return render(request, "outreach/target_list.html", {
        "rows": rows, "page": page, "everyone": everyone, "stage": stage, "district_id": district_id,
        "commissioner_id": commissioner_id, "stages": Stage.choices,
        "open_stages": [(s.value, s.label) for s in stages.OPEN],
        "districts": District.objects.filter(municipality_id=user.municipality_id).order_by("order", "name"),
        "commissioner_districts": districts.commissioner_districts(user.municipality_id),
        "district_table": [(row, commissioners.get(row.district.pk, "") if row.district else "") for row in table],
        "district_map": districts.district_map_for_user(user=user, rows=table, settings=settings),
        "outreach_staff": services.outreach_membership_organization(user) is not None,
    })  # fmt: skip


def information_list(request: HttpRequest) -> HttpResponse:
    """気になる情報 not yet gathered into a target (the holder's inbox)."""
    user = _user(request)
    page = page_of(request, selectors.information_list_for_user(user=user, request=request), PAGE_SIZE)
    return render(request, "outreach/information_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def information_create(request: HttpRequest) -> HttpResponse:
    """Record 気になる情報 (about a registered person or household with ``?person=`` / ``?household=``)."""
    user = _user(request)
    person_id, household_id = PERSON.get(request.GET), HOUSEHOLD.get(request.GET)
    person = people.person_get_for_user(user=user, pk=person_id, request=request).person if person_id else None
    household = (
        people.household_get_for_user(user=user, pk=household_id, request=request).household if household_id else None
    )
    form = InformationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            info = services.information_record(user=user, data=form.to_input(person=person, household=household),
                                               request=request)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("気になる情報を記録しました（%(organization)sが受け持ちます）。")
                             % {"organization": info.organization.name})  # fmt: skip
            if _holder(user, info):
                return redirect("outreach:information-detail", pk=info.pk)
            return redirect("core:home")
    status = 400 if form.errors else 200
    return render(request, "outreach/information_form.html", {"form": form, "person": person, "household": household},
                  status=status)  # fmt: skip


def information_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.information_get_for_user(user=user, pk=pk, request=request)
    info = view.record
    holder = _holder(user, info)
    open_targets = []
    if holder and info.target_id is None:
        open_targets = list(
            selectors.targets_visible(user).filter(organization_id=info.organization_id).exclude(stage=Stage.ENDED)
            .select_related("person").order_by("-occurred_at", "-id")[:50]
        )  # fmt: skip
    return render(request, "outreach/information_detail.html", {
        "info": info, "grounds": view.grounds, "holder": holder, "source_visible": selectors.source_visible(user, info),
        "open_targets": open_targets,
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest) -> HttpResponse:
    """Open a target from 気になる情報 (``?information=``), directly (``?person=`` / ``?household=``), or from a
    支援会議 decision (the same, with ``?meeting=`` naming the meeting and decision)."""
    user = _user(request)
    organization = services.outreach_membership_organization(user)
    if organization is None:
        raise Http404
    information = []
    info_id = INFORMATION.get(request.GET)
    if info_id:
        information = [selectors.information_get_for_user(user=user, pk=info_id, request=request).record]
    person_id, household_id = PERSON.get(request.GET), HOUSEHOLD.get(request.GET)
    person = people.person_get_for_user(user=user, pk=person_id, request=request).person if person_id else None
    household = (
        people.household_get_for_user(user=user, pk=household_id, request=request).household if household_id else None
    )
    first = information[0] if information else None
    initial = {"worry": first.content, "description": first.description, "address": first.address,
               "district": first.district_id, "worker": user.pk} if first else {"worker": user.pk}  # fmt: skip
    # From a 支援会議 decision (アウトリーチの割当): the decision's page links here with ?person=, ?household=
    # and ?meeting= (its text); meetings and outreach do not import each other.
    initial["meeting_source"] = request.GET.get("meeting", "")[:200]
    form = TargetForm(request.POST or None, user=user, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_open(
                user=user, data=form.to_input(information=information, person=person, household=household),
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("アウトリーチの対象を開きました。"))
            return redirect("outreach:target-detail", pk=target.pk)
    status = 400 if form.errors else 200
    return render(request, "outreach/target_form.html", {
        "form": form, "information": first, "person": person, "household": household,
    }, status=status)  # fmt: skip


def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.target_get_for_user(user=user, pk=pk, request=request)
    target: OutreachTarget = view.record
    holder = _holder(user, target)
    signals = selectors.signals_for_target(user=user, target=target, request=request)
    context: dict[str, Any] = {
        "target": target, "grounds": view.grounds, "holder": holder,
        "signals": selectors.signals_by_source(signals), "source_visible": holder,
        "contacts": selectors.contacts_of_target(user=user, target=target, request=request)[:200],
        "history": selectors.stage_changes_of_target(user=user, target=target, request=request),
        "days_since_contact": selectors.days_since(target.last_contact_at),
        "days_to_first_contact": selectors.days_to_first_contact(target),
        "case": collaborate.case_of_target(user, target),
    }  # fmt: skip
    if holder and target.is_open:
        context.update(
            contact_form=ContactForm(), stage_form=StageForm(stage=Stage(target.stage)),
            plan_form=PlanForm(organization=target.organization,
                               initial={"next_action": target.next_action, "next_action_on": target.next_action_on}),
            unassigned=list(selectors.information_list_for_user(user=user, request=request)[:20]),
        )  # fmt: skip
    return render(request, "outreach/target_detail.html", context)


@require_POST
def target_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    target = selectors.target_check_for_user(user=user, pk=pk)
    form = ContactForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        contact = services.contact_record(user=user, target=target, data=form.to_input(), request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, gettext("接触を記録しました（%(result)s）。") % {"result": contact.get_result_display()}
        )
    return redirect("outreach:target-detail", pk=pk)


@require_POST
def target_stage(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    target = selectors.target_check_for_user(user=user, pk=pk)
    form = StageForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        target = services.target_stage_change(user=user, target=target, data=form.to_input(), request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("「%(stage)s」にしました。") % {"stage": target.get_stage_display()})
    return redirect("outreach:target-detail", pk=pk)


@require_POST
def target_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    target = selectors.target_check_for_user(user=user, pk=pk)
    form = PlanForm(request.POST, organization=target.organization)
    try:
        if not form.is_valid():
            raise _form_refused(form)
        data = form.cleaned_data
        services.target_plan(user=user, target=target, next_action=data["next_action"],
                             next_action_on=data["next_action_on"], worker=data["worker"], request=request)  # fmt: skip
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("次の行動を記録しました。"))
    return redirect("outreach:target-detail", pk=pk)


@require_POST
def target_identify(request: HttpRequest, pk: int) -> HttpResponse:
    """本人と結び付ける: the person (and household) by id, each fetched through the people selectors."""
    user = _user(request)
    target = selectors.target_check_for_user(user=user, pk=pk)
    try:
        person_id, household_id = PERSON.get(request.POST), HOUSEHOLD.get(request.POST)
        if person_id is None:
            raise services.OutreachError(gettext("結び付ける本人を選んでください。"))
        person = people.person_check_for_user(user=user, pk=person_id).person
        household = people.household_check_for_user(user=user, pk=household_id).household if household_id else None
        services.target_identify(user=user, target=target, person=person, household=household, request=request)
    except Http404:
        messages.error(request, gettext("その方（世帯）は見つかりません。"))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("本人と結び付けました。"))
    return redirect("outreach:target-detail", pk=pk)


@require_POST
def target_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Gather another 気になる情報 into the target."""
    user = _user(request)
    target = selectors.target_check_for_user(user=user, pk=pk)
    try:
        info_id = INFORMATION.get(request.POST)
        if info_id is None:
            raise services.OutreachError(gettext("結び付ける気になる情報を選んでください。"))
        info = selectors.information_check_for_user(user=user, pk=info_id)
        services.information_attach(user=user, target=target, information=info, request=request)
    except Http404:
        messages.error(request, gettext("その気になる情報は見つかりません。"))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, gettext("気になる情報を結び付けました。"))
    return redirect("outreach:target-detail", pk=pk)


def _consent_input(form: ConsentForm) -> ConsentInput:
    data = form.cleaned_data
    return ConsentInput(
        purpose=data["purpose"], method=ConsentMethod(data["method"]), given_on=data["given_on"],
        organizations=list(data["organizations"]), all_plan_agencies=data["all_plan_agencies"],
        given_by=ConsentGiver(data["given_by"]), representative_name=data["representative_name"],
        representative_relationship=data["representative_relationship"], document=data["document"],
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def target_connect(request: HttpRequest, pk: int) -> HttpResponse:
    """支援につなぐ: first the consent (into the consent register), then the consultation and referral, both
    prefilled from the target. ``step=consent`` posts the consent form, anything else the referral."""
    user = _user(request)
    view = selectors.target_get_for_user(user=user, pk=pk, request=request)
    target: OutreachTarget = view.record
    if not _holder(user, target):
        raise Http404
    posted = request.method == "POST"
    step = request.POST.get("step") if posted else ""
    consent_form = ConsentForm(request.POST if step == "consent" else None, request.FILES or None, user=user)
    initial = {"reason": target.worry, "shared_information": target.worry,
               "due_on": timezone.localdate() + timedelta(days=7)}  # fmt: skip
    connect_form = ConnectForm(request.POST if posted and step != "consent" else None, municipality=target.municipality,
                               initial=initial)  # fmt: skip
    if step == "consent" and consent_form.is_valid():
        try:
            services.target_consent_record(user=user, target=target, data=_consent_input(consent_form), request=request)
        except ValidationError as error:
            add_service_errors(consent_form, error)
        else:
            messages.success(request, gettext("本人同意を記録しました。"))
            return redirect("outreach:target-connect", pk=pk)
    elif posted and step != "consent" and connect_form.is_valid():
        try:
            target = services.target_connect(user=user, target=target, data=connect_form.to_input(), request=request)
        except ValidationError as error:
            add_service_errors(connect_form, error)
        else:
            messages.success(request, gettext("支援につなぎました。引き続き寄り添います。"))
            return redirect("outreach:target-detail", pk=pk)
    status = 400 if consent_form.errors or connect_form.errors else 200
    return render(request, "outreach/target_connect.html", {
        "target": target, "consent_form": consent_form, "connect_form": connect_form,
        "refused_all": services.every_contact_refused(target),
        "case": collaborate.case_of_target(user, target),
    }, status=status)  # fmt: skip


@require_POST
def target_case_open(request: HttpRequest, pk: int) -> HttpResponse:
    """多機関協働ケースを開く: person, household and worry from the target (collaboration's rules decide)."""
    user = _user(request)
    target = selectors.target_check_for_user(user=user, pk=pk)
    try:
        case = collaborate.target_case_open(user=user, target=target, request=request)
    except ValidationError as error:
        _refused(request, error)
        return redirect("outreach:target-connect", pk=pk)
    messages.success(request, gettext("多機関協働ケースを開きました。引き続き寄り添います。"))
    return redirect("collaboration:case-detail", pk=case.pk)
