from django.conf import settings
from django.http import HttpRequest

from tsunagu.core.models import CASEWORK_ROLES, Role
from tsunagu.core.selectors import memberships_for_user


def navigation(request: HttpRequest) -> dict[str, object]:
    """Demo-mode flag, the signed-in user's organisations and roles, and which menus they have.

    Menus follow the memberships in effect; one waiting for a supervisor's confirmation is listed (marked
    so) but opens nothing.
    """
    context: dict[str, object] = {"settings_demo_mode": settings.DEMO_MODE}
    user = request.user
    if user.is_authenticated:
        memberships = list(memberships_for_user(user=user))
        roles = {m.role for m in memberships if not m.is_pending}
        context.update(
            current_memberships=memberships,
            nav_casework=bool(roles & CASEWORK_ROLES),
            nav_supervisor=Role.SUPERVISOR in roles,
            nav_auditor=Role.AUDITOR in roles,
            nav_administrator=Role.ADMINISTRATOR in roles,
            # Who may confirm a casework role: a supervisor, or (for a new organisation) an administrator.
            nav_membership_confirm=bool(roles & {Role.SUPERVISOR, Role.ADMINISTRATOR}),
        )
    return context
