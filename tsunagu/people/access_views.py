"""Consent register and emergency access pages: pages about a person, so they sit above the access core."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.access import reviews, selectors, services
from tsunagu.access.forms import ConsentForm, ConsentWithdrawForm, EmergencyAccessForm, EmergencyReviewForm
from tsunagu.access.models import Consent, ConsentGiver, ConsentMethod
from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.japanese.kana import kana_search_key
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors
from tsunagu.people import consent_documents
from tsunagu.people import selectors as people

# The consent form's second button, 「記録して相談を受け付ける」: where to go once it is recorded.
THEN_INTAKE = "intake"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    view = people.person_get_for_user(user=user, pk=pk, request=request, editing=True)
    form = ConsentForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = services.ConsentInput(
            purpose=form.cleaned_data["purpose"],
            method=ConsentMethod(form.cleaned_data["method"]),
            given_on=form.cleaned_data["given_on"],
            organizations=list(form.cleaned_data["organizations"]),
            all_plan_agencies=form.cleaned_data["all_plan_agencies"],
            given_by=ConsentGiver(form.cleaned_data["given_by"]),
            representative_name=form.cleaned_data["representative_name"],
            representative_relationship=form.cleaned_data["representative_relationship"],
            document=form.cleaned_data["document"],
        )
        try:
            services.consent_record(user=user, person=view.person, data=data, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("本人同意を記録しました。共有先の機関が閲覧できるようになりました。"))
            if request.POST.get("then") == THEN_INTAKE:
                # Consent taken with the resident at the desk: the intake comes next, with this consent.
                return redirect(reverse("consultations:consultation-create") + f"?person={pk}")
            return redirect("people:person-detail", pk=pk)
    status = 400 if form.errors else 200  # refused: the form again with what was typed (400, as every form)
    return render(request, "access/consent_form.html", {"form": form, "person": view.person}, status=status)


def _consent_for_user(user: User, pk: int, request: HttpRequest) -> tuple[Consent, people.PersonView]:
    consent = Consent.objects.filter(pk=pk, municipality_id=user.municipality_id).only("person_id").first()
    if consent is None:
        raise Http404
    view = people.person_get_for_user(user=user, pk=consent.person_id, request=request, editing=True)
    return selectors.consents_of_person(person_id=view.person.pk).get(pk=pk), view


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    consent, view = _consent_for_user(user, pk, request)
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                user=user,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("同意の撤回を記録しました。この同意による閲覧権限はすべて取り消されました。"))
            # The withdrawing user may have seen the person only through this consent.
            if selectors.decide_for_user(user=user, person_id=consent.person_id).allowed:
                return redirect("people:person-detail", pk=consent.person_id)
            return redirect("people:person-search")
    context = {"form": form, "consent": consent, "person": view.person}
    return render(request, "access/consent_withdraw.html", context, status=400 if form.errors else 200)


# What a scan's page may do: nothing but show it. An image is sandboxed (no script, no form, no origin);
# a PDF is not, because Chromium refuses to open its PDF viewer in a sandboxed document: its content was
# checked on upload (no JavaScript or embedded files), and it may load nothing and be framed by nobody.
_SCAN_POLICY = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_SCAN_POLICIES = {"pdf": f"{_SCAN_POLICY}; object-src 'self'"}


@require_http_methods(["GET"])
def consent_document(request: HttpRequest, pk: int) -> FileResponse:
    """同意書（スキャン）: the stored form itself, for the staff who may open it; audited; 404 for anyone else."""
    document = consent_documents.consent_document_get_for_user(user=_user(request), pk=pk, request=request)
    response = FileResponse(
        document.file, content_type=document.scan_type.content_type, filename=document.filename
    )  # inline, so the browser shows it; the name is the consent's id, never the uploaded name
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = _SCAN_POLICIES.get(document.scan_type.key, f"{_SCAN_POLICY}; sandbox")
    return response


@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """緊急時の閲覧: find one person by exact identifiers and open a time-limited grant, reviewed later."""
    user = _user(request)
    if not casework_organization_ids(user):
        raise Http404
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = people.emergency_person_lookup(
                user=user,
                request=request,
                kana_key=kana_search_key((data["family_name_kana"] or "") + (data["given_name_kana"] or "")),
                birth_date=data["birth_date"],
                resident_number=data["resident_number"],
            )
            if not found:
                raise services.AccessError(_("該当する方は見つかりません。入力を確認してください。"))
            if len(found) > 1:
                raise services.AccessError(_("複数の方が該当します。宛名番号で指定してください。"))
            grant = services.emergency_access_request(
                user=user, person=found[0], reason=data["reason"], hours=data["hours"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.warning(request, _("緊急時の閲覧を開始しました。監督者が後で確認します。"))
            return redirect("people:person-detail", pk=grant.person_id)
    return render(request, "access/emergency_form.html", {"form": form}, status=400 if form.errors else 200)


# Rows of the unreviewed lists: the oldest first, so the longest-waiting are never past the page.
REVIEW_LIST_SIZE = 200


def emergency_review_list(request: HttpRequest) -> HttpResponse:
    """緊急閲覧の確認: the emergency access the user may review, oldest first, with its age and the overdue flag."""
    user = _user(request)
    if not reviews.may_review_any(user):
        raise Http404
    now = timezone.now()
    grants = selectors.emergency_grants_to_review(user=user)
    counts = reviews.waiting_counts(grants, now=now)
    items = reviews.waiting(list(grants[:REVIEW_LIST_SIZE]), now=now)
    reviews.review_read_audit(
        user=user, grants=[i.grant for i in items], summary="緊急閲覧の確認待ち一覧を閲覧", request=request
    )
    context = {"items": items, "counts": counts, "limit_days": reviews.review_limit().days}
    return render(request, "access/emergency_review.html", context)


@require_http_methods(["GET", "POST"])
def emergency_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One emergency access for its reviewer: who used it, when, why, for whom, and what they read under it
    (from the audit log); the decision is recorded here. 404 for anyone who may not review it."""
    user = _user(request)
    grant = selectors.emergency_grant_to_review(user=user, pk=pk)
    form = EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.emergency_access_review(
                user=user, grant=grant, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"],
                request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)  # the page again, with the typed note
        else:
            messages.success(request, _("緊急閲覧の確認を記録しました。"))
            return redirect("access:emergency-review-list")
    reads = list(selectors.emergency_grant_reads(grant=grant)[: selectors.GRANT_READS_SHOWN])
    reviews.review_read_audit(
        user=user, grants=[grant], summary="緊急閲覧の確認のため閲覧（本人・理由・閲覧の記録）", request=request
    )
    [item] = reviews.waiting([grant])
    context = {"item": item, "grant": grant, "reads": reads, "reads_limit": selectors.GRANT_READS_SHOWN, "form": form}
    return render(request, "access/emergency_review_detail.html", context, status=400 if form.errors else 200)


def emergency_unreviewed(request: HttpRequest) -> HttpResponse:
    """For the auditor: every unreviewed emergency access of the town, oldest first, with who may review it.

    No personal data — not the person's name nor the reason (which speaks of the person) — so it writes
    no audit entry, like the audit log itself; the person's id is the one the audit log already shows.
    """
    user = _user(request)
    grants = selectors.emergency_grants_unreviewed_for_auditor(user=user)
    now = timezone.now()
    arrangement = reviews.review_arrangement(user.municipality_id)
    context = {
        "items": reviews.waiting(list(grants[:REVIEW_LIST_SIZE]), now=now, arrangement=arrangement),
        "counts": reviews.waiting_counts(grants, now=now),
        "limit_days": reviews.review_limit().days,
        "unreviewed_organizations": [arrangement.names[pk] for pk in arrangement.unreviewed_organization_ids()],
    }
    return render(request, "access/emergency_unreviewed.html", context)
