from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.core.models import User
from tsunagu.plans.selectors import plan_current_for_user, program_list_for_user


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's organisations and the plan they work under."""
    user: User = request.user  # type: ignore[assignment]
    plan = plan_current_for_user(user=user)
    programs = list(program_list_for_user(user=user)) if plan else []
    return render(
        request,
        "home/home.html",
        {"plan": plan, "programs": programs, "municipality": user.municipality},
    )
