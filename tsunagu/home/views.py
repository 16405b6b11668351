from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.core.models import User
from tsunagu.core.selectors import memberships_for_user
from tsunagu.home.sections import sections_for_user
from tsunagu.plans.selectors import plan_current_for_user, program_list_for_user


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's work by role (counts linking to their lists), their organisations and the plan."""
    user: User = request.user  # type: ignore[assignment]
    plan = plan_current_for_user(user=user)
    programs = list(program_list_for_user(user=user)) if plan else []
    roles = {m.role for m in memberships_for_user(user=user) if not m.is_pending}
    return render(
        request,
        "home/home.html",
        {
            "plan": plan,
            "programs": programs,
            "municipality": user.municipality,
            "sections": sections_for_user(user, roles, request),
        },
    )
