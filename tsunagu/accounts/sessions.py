"""The absolute session limit: however active, a session ends SESSION_ABSOLUTE_SECONDS after its login.

The idle limit is Django's own (SESSION_COOKIE_AGE renewed on every request); this one needs the time of
login, which the login view writes into the session.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

LOGIN_AT_SESSION_KEY = "tsunagu_login_at"


def session_login_stamp(*, request: HttpRequest) -> None:
    """Record that the session's user signed in now. Called by the login view, after the session key changed."""
    request.session[LOGIN_AT_SESSION_KEY] = int(timezone.now().timestamp())


def session_is_past_absolute_limit(*, request: HttpRequest) -> bool:
    """Whether the signed-in session is older than SESSION_ABSOLUTE_SECONDS.

    A session with no stamp (signed in before this limit existed, or by a test's force_login) starts its
    clock now, so the limit applies to it too, counted from its first request.
    """
    now = int(timezone.now().timestamp())
    stamp = request.session.get(LOGIN_AT_SESSION_KEY)
    if not isinstance(stamp, int):
        request.session[LOGIN_AT_SESSION_KEY] = now
        return False
    return now - stamp > settings.SESSION_ABSOLUTE_SECONDS
