"""Pages that are about the service rather than anyone's work: the health check, the favicon, the 429 page.

Signing in and the second factor are in ``tsunagu.accounts.views``, the home page in ``tsunagu.home.views``.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database status for the load balancer and monitoring; no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": exc.__class__.__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that link no icon (the administration's); resolved per
    request, because the hashed static name exists only once collectstatic has run."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def too_many_requests(request: HttpRequest, *, retry_after_seconds: int = 0) -> HttpResponse:
    """The page for a request refused by a rate limit (429, templates/429.html), with Retry-After.

    Django has no handler for 429 as it has for 403, 404 and 500: a view or middleware that limits a rate
    returns this. The API answers 429 in its own JSON shape instead.
    """
    minutes = -(-retry_after_seconds // 60) if retry_after_seconds > 0 else 0
    response = render(request, "429.html", {"retry_after_minutes": minutes}, status=429)
    if retry_after_seconds > 0:
        response["Retry-After"] = str(retry_after_seconds)
    return response
