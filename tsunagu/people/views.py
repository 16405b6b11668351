"""Pages for people and households: parse → fetch through the access core → one service → render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access import selectors as access
from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors, page_of
from tsunagu.core.params import IdParam, parse_id
from tsunagu.core.versioning import EditConflict
from tsunagu.people import address_viewers, consent_documents, merge, naming, selectors, services
from tsunagu.people.forms import (
    AddressViewerForm,
    HouseholdForm,
    HouseholdMemberForm,
    MergeForm,
    PersonEditForm,
    PersonForm,
    PersonNameForm,
    PersonSearchForm,
    RegisterPersonForm,
)
from tsunagu.people.models import NameKind, Relationship
from tsunagu.people.search import PersonQuery
from tsunagu.people.services import KEPT_FROM_OTHERS_INHERITED, SHOWN_TO_PROTECTING_AGENCY
from tsunagu.records.selectors import panels_for_user

PAGE_SIZE = 50
OTHER = IdParam("other")  # 名寄せ: the record to merge into this one


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _casework_only(user: User) -> None:
    """Pages about people exist only for staff with a casework role (not administrators or auditors)."""
    if not casework_organization_ids(user):
        raise Http404


def person_search(request: HttpRequest) -> HttpResponse:
    """本人検索: by kana or kanji name (prefix), birth date, phone or 宛名番号, among records the user may see."""
    user = _user(request)
    _casework_only(user)
    form = PersonSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        query = PersonQuery(**form.cleaned_data)
        if not query.is_empty:
            page = page_of(
                request, selectors.person_search_for_user(user=user, query=query, request=request), PAGE_SIZE
            )
    return render(
        request,
        "people/person_search.html",
        {
            "form": form,
            "results": page.rows if page else [],
            "searched": page is not None,
            "page": page,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def person_register(request: HttpRequest) -> HttpResponse:
    """新規登録, showing likely duplicates among visible records before anything is saved."""
    user = _user(request)
    _casework_only(user)
    form = RegisterPersonForm(request.POST or None, user=user)
    candidates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        candidates = selectors.duplicates_for_user(user=user, data=data, request=request)
        if candidates and not form.cleaned_data["confirm_new_person"]:
            messages.warning(request, _("同じ方が登録されている可能性があります。候補を確認してください。"))
        else:
            try:
                person = services.person_register(user=user, data=data, request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)sさんを登録しました。") % {"name": person.full_name})
                return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "candidates": candidates, "today": timezone.localdate(), "creating": True},
        status=400 if form.errors else 200,  # refused: the form again with what was typed (400, as every form)
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.person_get_for_user(user=user, pk=pk, request=request)
    person = view.person
    consents = list(access.consents_of_person(person_id=person.pk))
    viewers = selectors.address_viewers_of(view=view)
    may_name_viewers = viewers is not None and address_viewers.may_name_viewers(user=user, person=person)
    memberships = selectors.households_of_person(user=user, person=person)
    household_names = naming.household_names_for_user(
        user=user, households=[m.household for m in memberships], subject=person, request=request
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "decision": view.decision,
            "location": view.location,
            "care_notes_visible": view.care_notes_visible,
            "address_viewers": viewers,
            "may_name_viewers": may_name_viewers,
            "viewer_form": AddressViewerForm(user=user) if may_name_viewers else None,
            "memberships": [(m, household_names[m.household_id]) for m in memberships],
            "consents": consents,
            "readable_documents": consent_documents.readable_consent_documents(view=view, consents=consents),
            "grants": access.grants_of_person(person_id=person.pk) if view.decision.holds_own_record else None,
            "name_form": PersonNameForm(),
            "merges": selectors.merges_into_person(person=person),
            "is_supervisor": access.is_supervisor(user=user),
            "panels": panels_for_user(
                user=user, person_ids=[person.pk], subject=person, subject_person_id=person.pk, request=request
            ),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """本人情報の変更. A save from a form opened before somebody else saved the person is refused with
    409 Conflict: the page keeps what was typed, names the fields that changed with their current values,
    and now starts from the current version, so that saving again, after looking, succeeds."""
    user = _user(request)
    view = selectors.person_get_for_user(user=user, pk=pk, request=request, editing=True)
    person = view.person
    # A location this user may not change is not put into the form at all (nor is its reason).
    kept: tuple[str, ...] = ()
    if not view.location.changeable:
        kept = SHOWN_TO_PROTECTING_AGENCY if person.address_protected else KEPT_FROM_OTHERS_INHERITED
    initial = {name: getattr(person, name) for name in PersonForm.base_fields if name not in kept}
    initial["version"] = person.version
    form = PersonEditForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                user=user, person=person, data=form.to_input(), expected_version=form.cleaned_data["version"],
                request=request,
            )  # fmt: skip
        except EditConflict as conflict:
            form.moved_on(conflict)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("変更を保存しました。"))
            return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "decision": view.decision,
            "location": view.location,
            "today": timezone.localdate(),
        },
        status=400 if status == 200 and form.errors else status,  # refused: as every form, 400
    )


@require_POST
def person_name_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.person_check_for_user(user=user, pk=pk, editing=True)
    form = PersonNameForm(request.POST)
    if form.is_valid():
        try:
            services.person_name_add(
                user=user, person=view.person, kind=NameKind(form.cleaned_data["kind"]),
                family_name=form.cleaned_data["family_name"], given_name=form.cleaned_data["given_name"],
                family_name_kana=form.cleaned_data["family_name_kana"],
                given_name_kana=form.cleaned_data["given_name_kana"] or "", request=request,
            )  # fmt: skip
            messages.success(request, _("別名を追加しました。"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, _("別名を追加できません: ") + " ".join(problems))
    return redirect("people:person-detail", pk=pk)


@require_POST
def person_address_viewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor of the protecting agency names a member of staff who may see the protected location."""
    user = _user(request)
    view = selectors.person_check_for_user(user=user, pk=pk)
    form = AddressViewerForm(request.POST, user=user)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, _("指名できません: ") + " ".join(problems))
        return redirect("people:person-detail", pk=pk)
    try:
        named = address_viewers.address_viewer_add(
            user=user, person=view.person, viewer=form.cleaned_data["user"], reason=form.cleaned_data["reason"],
            request=request,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)sさんを指名しました。") % {"name": named.user.display_name or named.user.username}
        )
    return redirect("people:person-detail", pk=pk)


@require_POST
def person_address_viewer_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.person_check_for_user(user=user, pk=pk)
    viewer_id = parse_id(request.POST.get("viewer"))
    try:
        if viewer_id is None:
            raise ValidationError(_("指名が見つかりません（すでに取り消されています）。"))
        address_viewers.address_viewer_revoke(user=user, person=view.person, viewer_id=viewer_id, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("指名を取り消しました。"))
    return redirect("people:person-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new household, starting from a person the user may see."""
    user = _user(request)
    view = selectors.person_get_for_user(user=user, pk=pk, request=request, editing=True)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = view.person
        try:
            household = services.household_create(
                user=user,
                members=[
                    services.MemberInput(person=person, relationship=Relationship(form.cleaned_data["relationship"]))
                ],
                # Stored as the person's; a protected location stays hidden on the household's page too.
                address=person.address,
                postal_code=person.postal_code,
                district=person.district,
                resident_household_number=form.cleaned_data["resident_household_number"],
                notes=form.cleaned_data["notes"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("世帯を登録しました。世帯員を追加できます。"))
            return redirect("people:household-detail", pk=household.pk)
    status = 400 if form.errors else 200  # refused: the form again with what was typed (400, as every form)
    return render(request, "people/household_form.html", {"form": form, "person": view.person}, status=status)


def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.household_get_for_user(user=user, pk=pk, request=request)
    search_form = PersonSearchForm(request.GET or None)
    candidates: list = []
    if request.GET.get("name") and search_form.is_valid():
        member_ids = {m.member.person_id for m in view.visible_members}
        query = PersonQuery(name=search_form.cleaned_data["name"])
        candidates = [p for p in selectors.person_search_for_user(user=user, query=query, request=request)[:20]
                      if p.pk not in member_ids]  # fmt: skip
    return render(
        request,
        "people/household_detail.html",
        {
            "view": view,
            "household": view.household,
            "search_form": search_form,
            "candidates": candidates,
            "member_form": HouseholdMemberForm(),
            "household_name": naming.household_name_of_view(view),
            "panels": panels_for_user(
                user=user,
                person_ids=[m.member.person_id for m in view.visible_members],
                household_id=view.household.pk,
                subject=view.household,
                request=request,
            ),
            "today": timezone.localdate(),
        },
    )


@require_POST
def household_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = selectors.household_check_for_user(user=user, pk=pk, editing=True)
    form = HouseholdMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("世帯員を追加できません: 入力を確認してください。"))
        return redirect("people:household-detail", pk=pk)
    member = selectors.person_check_for_user(user=user, pk=form.cleaned_data["person"])
    try:
        services.household_member_add(
            user=user,
            household=view.household,
            member=services.MemberInput(
                person=member.person,
                relationship=Relationship(form.cleaned_data["relationship"]),
                relationship_note=form.cleaned_data["relationship_note"],
                lives_together=form.cleaned_data["lives_together"],
                is_key_person=form.cleaned_data["is_key_person"],
            ),
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)sさんを世帯員に追加しました。") % {"name": member.person.full_name})
    return redirect("people:household-detail", pk=pk)


def _supervisor_only(user: User) -> None:
    if not access.is_supervisor(user=user):
        raise Http404


@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """名寄せ: a supervisor merges another record of the same person into this one."""
    user = _user(request)
    _supervisor_only(user)
    kept = selectors.person_get_for_user(user=user, pk=pk, request=request)
    other_id = OTHER.get(request.POST) or OTHER.get(request.GET)
    other = None
    if other_id and other_id != pk:
        other = selectors.person_get_for_user(user=user, pk=other_id, request=request)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and other is not None and form.is_valid():
        try:
            merge.person_merge(
                user=user, kept=kept.person, merged=other.person, reason=form.cleaned_data["reason"], request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("記録%(number)sを統合しました。取り消すことができます。") % {"number": other.person.pk}
            )
            return redirect("people:person-detail", pk=pk)
    candidates = []
    if other is None:
        person = kept.person
        data = services.PersonInput(
            family_name=person.family_name, family_name_kana=person.family_name_kana,
            given_name_kana=person.given_name_kana, birth_date=person.birth_date, phone=person.phone,
            phone2=person.phone2, resident_number=person.resident_number,
            address=person.address if kept.location.visible else "",
        )  # fmt: skip
        candidates = selectors.duplicates_for_user(user=user, data=data, exclude_pk=pk, request=request)
    return render(
        request,
        "people/person_merge.html",
        {"kept": kept, "other": other, "form": form, "candidates": candidates, "today": timezone.localdate()},
        status=400 if form.errors else 200,  # refused: the form again with what was typed (400, as every form)
    )


@require_POST
def person_unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _supervisor_only(user)
    record = selectors.person_merge_get_for_user(user=user, pk=pk)
    try:
        merge.person_unmerge(user=user, merge=record, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("統合を取り消しました。記録%(number)sは元に戻りました。") % {"number": record.merged_id}
        )
    return redirect("people:person-detail", pk=record.kept_id)
