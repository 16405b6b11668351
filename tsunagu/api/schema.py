"""How the API appears in the OpenAPI schema: its authentication, and the error answers every view shares."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from tsunagu.api.errors import ErrorOutput


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


ERRORS = {
    400: "入力が正しくありません（fields に項目ごとのメッセージ）",
    401: "APIトークンがない、または無効（期限切れ・取消済み）",
    404: "見つかりません（閲覧できる範囲の外も同じく 404）",
    409: "ほかの人が先に更新しました（current_version に現在の版）",
    428: "If-Match（取得時の ETag）が必要です",
    429: "リクエストが多すぎます（トークンごとの上限）",
}


class ApiAutoSchema(AutoSchema):
    """Every ``ApiView`` answers errors in one shape (``tsunagu.api.errors``): declared here once, by what
    an operation takes, instead of on each endpoint. Any call may get 401, 404 (outside the caller's scope,
    or no casework role) and 429; one with a query, and every write (a service refuses an illegal step with
    a domain error), 400; an update (If-Match) 409 and 428."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        codes = [401, 404, 429]
        if self.method != "GET" or any(p["in"] != "path" for p in operation.get("parameters", [])):
            codes.append(400)
        if self.method in ("PUT", "PATCH"):
            codes += [409, 428]
        responses = operation["responses"]
        for code in sorted(codes):
            if str(code) not in responses:
                answer = OpenApiResponse(ErrorOutput, description=ERRORS[code])
                responses[str(code)] = self._get_response_for_code(answer, str(code))
        return operation
