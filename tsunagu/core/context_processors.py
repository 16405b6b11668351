from django.conf import settings
from django.http import HttpRequest

from tsunagu.core.selectors import memberships_for_user


def navigation(request: HttpRequest) -> dict[str, object]:
    """Demo-mode flag, and the signed-in user's organisations and roles shown on every page."""
    context: dict[str, object] = {"settings_demo_mode": settings.DEMO_MODE}
    user = request.user
    if user.is_authenticated:
        context["current_memberships"] = memberships_for_user(user=user)
    return context
