"""How the API's authentication appears in the OpenAPI schema."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tsunagu.api.authentication.ApiTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "個人のAPIトークン: `Token <トークン>`（/accounts/tokens/ で発行）",
        }


class BrowserSessionScheme(SessionScheme):
    target_class = "tsunagu.api.authentication.BrowserSessionAuthentication"
