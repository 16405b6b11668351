"""One error shape for the whole API, with messages in Japanese (English by ``Accept-Language``).

``{"error": {"status": 404, "code": "not_found", "message": "…", "fields": {"name": ["…"]}}}``

A service's ``ValidationError`` (Django's, raised with the same messages the pages show) becomes 400 with
its field messages; ``Http404`` from a selector is 404 exactly as on the pages, whoever asks.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tsunagu.core.versioning import EditConflict


class ErrorDetailOutput(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="項目ごとのメッセージ（全体に関わるものは __all__）",
    )  # fmt: skip
    current_version = serializers.IntegerField(required=False, help_text="409: 記録の現在の版（ETag と同じ）")


# The body of every error answer (``_body`` below), as the schema declares it (``tsunagu.api.schema``).
class ErrorOutput(serializers.Serializer):
    error = ErrorDetailOutput()


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy("更新には If-Match ヘッダー（直前に取得した ETag）が必要です。")


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    if isinstance(detail, list):
        return {"__all__": [str(m) for m in detail]}
    return {}


def _body(status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None,
          **extra: Any) -> dict[str, Any]:  # fmt: skip
    error: dict[str, Any] = {"status": status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    error.update(extra)
    return {"error": error}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, EditConflict):
        body = _body(409, "conflict", exc.summary(), exc.message_dict, current_version=exc.current_version)
        return Response(body, status=status.HTTP_409_CONFLICT, headers={"ETag": f'"{exc.current_version}"'})
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        message = " ".join(m for ms in fields.values() for m in ms)
        return Response(_body(400, "invalid", message, fields), status=400)
    if isinstance(exc, Http404 | exceptions.NotFound | exceptions.PermissionDenied):
        # Outside the user's scope is "not found", never "forbidden": a stranger learns nothing.
        return Response(_body(404, "not_found", str(exceptions.NotFound.default_detail)), status=404)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = exc.get_codes() if not isinstance(exc.get_codes(), dict | list) else exc.default_code
        if isinstance(exc, exceptions.ValidationError):
            fields = _fields(detail)
            message = " ".join(m for ms in fields.values() for m in ms) or str(exc.default_detail)
            response.data = _body(response.status_code, "invalid", message, fields)
        else:
            response.data = _body(response.status_code, str(code), str(detail))
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: a URL under /api/ that matches no endpoint (``/api/v1/people/abc/``) answers in the
    API's error shape, as any other 404 of the API; a page gets Django's page."""
    if request.path_info.startswith("/api/"):
        body = _body(404, "not_found", str(exceptions.NotFound.default_detail))
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    return page_not_found(request, exception)
