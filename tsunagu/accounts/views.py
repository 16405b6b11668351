import base64
from typing import cast
from urllib.parse import urlencode

import django_otp
import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.forms import LoginForm, TwoFactorTokenForm
from tsunagu.accounts.selectors import (
    confirmers_for_municipality,
    memberships_pending_for_user,
    two_factor_device_for_user,
    two_factor_pending_device_for_user,
    two_factor_required_for_user,
    two_factor_verified,
)
from tsunagu.accounts.services import (
    TokenCheck,
    TokenResult,
    membership_confirm,
    membership_decline,
    two_factor_code_verify,
    two_factor_device_confirm,
    two_factor_device_start,
)
from tsunagu.accounts.sessions import session_login_stamp
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import Membership, Role, User

# --- Signing in and out ----------------------------------------------------------------------------
# Logins, failed logins and logouts are audited here, in the views that see each of them, rather than
# in auth signals (STYLE: no logic in signals). A locked-out attempt reaches form_invalid too: the axes
# backend refuses it inside authenticate(), so this one place records every failure, locked or not.


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        session_login_stamp(request=self.request)
        audit_record(user=cast(User, self.request.user), action=Action.LOGIN, request=self.request)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "").strip()
        # A form sent with an empty field never reached authenticate(): not an attempt worth a record.
        if username and self.request.POST.get("password"):
            login_failure_record(request=self.request, username=username)
        return super().form_invalid(form)


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    """The failed attempt, and the lock-out if this attempt set it off, in the log of the account's town.

    A username no account has belongs to no town: the deployment's auditors read it (docs/accounts.md).
    The lock-out is written here rather than from axes' ``user_locked_out`` signal, which fires again on
    every attempt while locked: axes counts the failures of an attempt whose password it checked
    (``axes_failures_since_start``), and one refused because locked it does not count.
    """
    account = User.objects.filter(username=username).select_related("municipality").first()
    locked = bool(getattr(request, "axes_locked_out", False))
    failures = getattr(request, "axes_failures_since_start", None)
    locked_now = locked and failures is not None
    audit_record(
        user=None,
        username=username,
        action=Action.LOGIN_FAILED,
        obj=account,
        municipality=account.municipality if account else None,
        summary="失敗の繰り返しによりログインを停止中"
        if locked and not locked_now
        else "ユーザー名またはパスワードの誤り",
        request=request,
    )
    if locked_now:
        cool_off = get_cool_off(request)
        minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
        audit_record(
            user=None,
            username=username,
            action=Action.LOCKOUT,
            obj=account,
            municipality=account.municipality if account else None,
            summary=f"{failures}回続けて失敗したため、{minutes}分間ログインを停止",
            request=request,
        )


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(user=cast(User, request.user), action=Action.LOGOUT, request=request)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password, with the current one: audited, and the user's other sessions end with it."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:password-change-done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = cast(User, self.request.user)
        with transaction.atomic():
            # Saves the new hash and keeps this session (update_session_auth_hash); every other session of
            # the user no longer matches the hash and ends at its next request.
            response = super().form_valid(form)
            audit_record(
                user=user,
                action=Action.UPDATE,
                obj=user,
                summary="パスワードの変更（本人）",
                changes={"password": ["", "（変更）"]},
                request=self.request,
            )
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        if "old_password" in form.errors:
            # Someone at a signed-in desk guessing the password: a failure the auditor should see.
            audit_record(
                user=cast(User, self.request.user),
                action=Action.LOGIN_FAILED,
                summary="パスワードの変更: 現在のパスワードの誤り",
                request=self.request,
            )
        return super().form_invalid(form)


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page django-axes shows instead of the login form once a username is locked (AXES_LOCKOUT_CALLABLE).

    The same page for any username, known or not: it must not tell whether an account exists.
    """
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return render(request, "accounts/login_locked_out.html", {"minutes": minutes}, status=429)


# --- Two-factor authentication ---------------------------------------------------------------------
SETUP_DEVICE_SESSION_KEY = "tsunagu_two_factor_setup_device"


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is confirmed: the page the user was sent away from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _token_error(result: TokenResult) -> str:
    if result.check is TokenCheck.THROTTLED:
        return _("確認コードの誤りが続いたため、{seconds}秒ほど待ってから入力してください。").format(
            seconds=result.retry_after_seconds
        )
    return _("確認コードが正しくありません。スマートフォンの時刻が正しいか確認してください。")


def _mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key for the session that now holds more trust, as at the password step.
    request.session.cycle_key()
    django_otp.login(request, device)


def _grouped_secret(device: TOTPDevice) -> str:
    """The secret as the app's "enter a key" screen wants it, in groups of four to be typed without slips."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: show its secret as a QR code and text, then confirm one code."""
    user = cast(User, request.user)
    if two_factor_verified(user=user) or not two_factor_required_for_user(user=user):
        return HttpResponseRedirect(_next_url(request))
    if two_factor_device_for_user(user=user) is not None:
        # A second device needs the first one: the password alone must never be enough to add one.
        return redirect(f"{reverse('core:two-factor-verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor_pending_device_for_user(user=user, device_id=request.session.get(SETUP_DEVICE_SESSION_KEY))
    if device is None:
        device = two_factor_device_start(user=user)
        request.session[SETUP_DEVICE_SESSION_KEY] = device.pk
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor_device_confirm(
            user=user, device_id=device.pk, token=form.cleaned_data["token"], request=request
        )
        if result.accepted and result.device is not None:
            del request.session[SETUP_DEVICE_SESSION_KEY]
            _mark_verified(request, result.device)
            messages.success(request, _("二要素認証を設定しました。次回からログインの際に確認コードを入力します。"))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _token_error(result))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5),
            "secret": _grouped_secret(device),
            "next": _next_url(request),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask the code from the registered app, once per session, after the password."""
    user = cast(User, request.user)
    if two_factor_verified(user=user) or not two_factor_required_for_user(user=user):
        return HttpResponseRedirect(_next_url(request))
    if two_factor_device_for_user(user=user) is None:
        return redirect(f"{reverse('core:two-factor-setup')}?{urlencode({'next': _next_url(request)})}")
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor_code_verify(user=user, token=form.cleaned_data["token"], request=request)
        if result.accepted and result.device is not None:
            _mark_verified(request, result.device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _token_error(result))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


# --- Casework roles waiting for a supervisor's confirmation (docs/accounts.md) ------------------------
# Lazy: built once at import, shown in the language of each request.
_LEVELS = {
    "organization": gettext_lazy("この機関の監督者として"),
    "division": gettext_lazy("所管課の監督者として"),
    "administrator": gettext_lazy("別のシステム管理者として（監督者のいない機関）"),
}


def _may_confirm_anything(user: User) -> bool:
    return (
        Membership.objects.confirmed()
        .filter(user=user, municipality_id=user.municipality_id, role__in=[Role.SUPERVISOR, Role.ADMINISTRATOR])
        .exists()
    )


@require_http_methods(["GET"])
def memberships_pending(request: HttpRequest) -> HttpResponse:
    """The casework roles the signed-in supervisor (or administrator) may confirm or decline."""
    user = cast(User, request.user)
    if not user.is_active or not _may_confirm_anything(user):
        raise Http404
    confirmers = confirmers_for_municipality(municipality_id=user.municipality_id)
    rows = [(m, _LEVELS[confirmers.of(m)[0]]) for m in memberships_pending_for_user(user=user)]
    return render(request, "accounts/memberships_pending.html", {"rows": rows})


@require_http_methods(["POST"])
def membership_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    user = cast(User, request.user)
    if not user.is_active or not _may_confirm_anything(user):
        raise Http404
    try:
        if answer == "confirm":
            membership = membership_confirm(user=user, membership_id=pk, request=request)
            messages.success(
                request, _("{name} さんの役割を確認しました。今から有効です。").format(name=membership.user)
            )
        else:
            membership_decline(user=user, membership_id=pk, request=request)
            messages.success(request, _("役割の申請を承認せず削除しました。"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("core:memberships-pending")
