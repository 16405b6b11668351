from django.conf import settings
from django.http import HttpRequest

from tsunagu.core.models import Role
from tsunagu.core.selectors import memberships_for_user


def navigation(request: HttpRequest) -> dict[str, object]:
    """Demo-mode flag, the signed-in user's organisations and roles, and which menus they have."""
    context: dict[str, object] = {"settings_demo_mode": settings.DEMO_MODE}
    user = request.user
    if user.is_authenticated:
        memberships = list(memberships_for_user(user=user))
        roles = {m.role for m in memberships}
        context.update(
            current_memberships=memberships,
            nav_casework=bool(roles & {Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR}),
            nav_supervisor=Role.SUPERVISOR in roles,
            nav_auditor=Role.AUDITOR in roles,
            nav_administrator=Role.ADMINISTRATOR in roles,
        )
    return context
