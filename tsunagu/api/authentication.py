"""Token authentication for the API: knox's hashed, expiring tokens, with each use recorded."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from tsunagu.api.services import api_token_used


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``. An expired or revoked token answers 401 with a Japanese message."""

    def authenticate(self, request: Any) -> Any:
        found = super().authenticate(request)
        if found is not None:
            user, token = found
            if user.municipality_id is None:
                raise exceptions.AuthenticationFailed(_("このアカウントはAPIを利用できません。"))
            api_token_used(token=token, request=request._request)
        return found

    def authenticate_credentials(self, token: bytes) -> Any:
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed as error:
            raise exceptions.AuthenticationFailed(
                _("APIトークンが無効です（期限切れ、取消済み、または誤り）。新しいトークンを発行してください。")
            ) from error


class BrowserSessionAuthentication(SessionAuthentication):
    """The signed-in browser (the docs page, htmx): CSRF-checked as every form is."""
