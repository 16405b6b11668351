"""Session and second-factor checks on every request: the absolute session limit (audited) and 2FA."""

from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from tsunagu.accounts.selectors import two_factor_device_for_user, two_factor_required_for_user, two_factor_verified
from tsunagu.accounts.sessions import session_is_past_absolute_limit
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import User


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the whole page follows: an htmx request would otherwise swap the login page into a fragment."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SessionAbsoluteLimitMiddleware:
    """Sign out a session older than SESSION_ABSOLUTE_SECONDS, however active it was (see accounts.sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_is_past_absolute_limit(request=request):
            user = cast(User, request.user)
            audit_record(
                user=user, action=Action.LOGOUT, summary="ログインからの上限時間による自動ログアウト", request=request
            )
            logout(request)
            # Stored in the message cookie, since logout emptied the session.
            messages.info(request, _("一定時間が経過したため、再度ログインしてください"))
            return _redirect(request, redirect_to_login(request.get_full_path())["Location"])
        return self.get_response(request)


# Pages a signed-in user reaches before the second factor: signing in and out, the two factor pages, and
# what carries no personal data.
_TWO_FACTOR_EXEMPT = frozenset(
    {"core:login", "core:logout", "core:two-factor-setup", "core:two-factor-verify", "healthz", "set_language"}
)
# While no device is set up yet, the user may also change the password they just used.
_TWO_FACTOR_SETUP_EXEMPT = frozenset({"core:password-change", "core:password-change-done"})


class TwoFactorRequiredMiddleware:
    """Send a signed-in user whose role needs a second factor to set it up, or to confirm a code, first.

    Must come after django_otp's OTPMiddleware, which tells whether this session confirmed a code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or two_factor_verified(user=user):
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in _TWO_FACTOR_EXEMPT or request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        user = cast(User, user)
        if not two_factor_required_for_user(user=user):
            return None
        if two_factor_device_for_user(user=user) is None:
            if view_name in _TWO_FACTOR_SETUP_EXEMPT:
                return None
            target = reverse("core:two-factor-setup")
        else:
            target = reverse("core:two-factor-verify")
        return _redirect(request, f"{target}?{urlencode({'next': request.get_full_path()})}")
