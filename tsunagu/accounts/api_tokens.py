"""Personal API tokens: a member of staff issues and revokes their own (``docs/api.md``).

The page is behind the sign-in and ``TwoFactorRequiredMiddleware``, so a token is only ever issued from a
session that passed two-factor authentication where the user's role requires it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tsunagu.api.models import ApiToken
from tsunagu.api.services import MAX_DAYS, api_token_issue, api_token_revoke
from tsunagu.core.models import User
from tsunagu.core.pages import add_service_errors


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("例: 訪問用タブレット、統計システム連携"))
    days = forms.IntegerField(label=_("有効期間（日）"), min_value=1, max_value=MAX_DAYS, initial=90)


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST if request.POST.get("action") == "issue" else None)
    issued = ""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            api_token_revoke(user=user, token_key=str(request.POST.get("token_key", "")), request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("APIトークンを取り消しました。以後このトークンは使えません。"))
        return redirect("core:api-tokens")
    if form.is_bound and form.is_valid():
        try:
            _token, issued = api_token_issue(
                user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("-created")
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "issued": issued})
