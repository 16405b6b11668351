from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tsunagu.core.models import User
from tsunagu.plans.selectors import plan_current_for_user, program_list_for_user


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's organisations and the plan they work under."""
    user: User = request.user  # type: ignore[assignment]
    plan = plan_current_for_user(user=user)
    programs = list(program_list_for_user(user=user)) if plan else []
    return render(
        request,
        "core/home.html",
        {"plan": plan, "programs": programs, "municipality": user.municipality},
    )


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
