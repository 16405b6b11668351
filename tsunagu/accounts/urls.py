"""Signing in and out, the second factor and the password.

No ``app_name`` here: config/urls.py mounts these patterns, with the home page's, under the "core"
namespace their names have always had (``core:login``, ``core:two-factor-setup`` …), which the
templates, the middleware and settings.LOGIN_URL use.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from tsunagu.accounts import api_tokens, views

urlpatterns = [
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/tokens/", api_tokens.api_tokens, name="api-tokens"),
    path("accounts/memberships/pending/", views.memberships_pending, name="memberships-pending"),
    path(
        "accounts/memberships/<int:pk>/confirm/",
        views.membership_answer,
        {"answer": "confirm"},
        name="membership-confirm",
    ),
    path(
        "accounts/memberships/<int:pk>/decline/",
        views.membership_answer,
        {"answer": "decline"},
        name="membership-decline",
    ),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password-change-done",
    ),
]
