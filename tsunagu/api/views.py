"""The base of every API view: who may call (a personal token or the signed-in browser), how often, and
the helpers for ETag / If-Match. Each app's ``api.py`` builds on it with explicit serializers and calls
the same selectors and services as its pages (``docs/api.md``)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from tsunagu.api.authentication import ApiTokenAuthentication, BrowserSessionAuthentication
from tsunagu.api.errors import PreconditionRequired
from tsunagu.api.models import ApiToken
from tsunagu.api.schema import ApiAutoSchema


class TokenRateThrottle(UserRateThrottle):
    """Requests per token (per signed-in user for the browser): one runaway integration cannot starve the
    town hall."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.token_key}"}
        return super().get_cache_key(request, view)


class ApiView(APIView):
    authentication_classes = [ApiTokenAuthentication, BrowserSessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenRateThrottle]
    schema = ApiAutoSchema()  # the shared error answers, in the OpenAPI schema

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        # The API authenticates itself (token or session); the site's login redirect is for pages.
        return login_not_required(super().as_view(**initkwargs))


_ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag(version)
    return response


def flag_param(request: Request, name: str) -> bool:
    """A boolean query parameter as the schema declares it: ``true``/``false`` (or 1/0); anything else is a 400
    naming the parameter, never read as false in silence."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return False
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ValidationError({name: [_("true か false を指定してください。")]})


def if_match_version(request: Request) -> int:
    """The version the client last read, from ``If-Match``: required for every update (428 without)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired
    match = _ETAG.match(header)
    if match is None:
        raise PreconditionRequired(_('If-Match には、取得したときの ETag（例: "3"）をそのまま指定してください。'))
    return int(match[1])
