"""``works_in_community``: whether the signed-in user is 地域づくり staff (``staff.community_memberships``), for the
menu's link — the pages themselves answer everyone else 404 by the rule, whatever the menu shows.

Worked out once when the user signs in and kept in the session (``remember_on_login``), so that the menu costs
no query on every page: the rule reads the plan's programmes and bodies (three or four queries). A session from
before has it worked out on its first page. A change of the plan or of the user's memberships shows in the menu
at the next sign-in.
"""

from __future__ import annotations

from typing import Any

from django import template

from tsunagu.community.staff import community_memberships

register = template.Library()

SESSION_KEY = "tsunagu_nav_community"


def _works_in_community(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "municipality_id", None):
        return False
    return bool(community_memberships(user))


def remember_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: keep in the session whether the menu shows 地域づくり."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _works_in_community(user)


@register.filter
def works_in_community(request: Any) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return _works_in_community(getattr(request, "user", None))
    if SESSION_KEY not in session:
        session[SESSION_KEY] = _works_in_community(getattr(request, "user", None))
    return bool(session[SESSION_KEY])
