from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tsunagu.notifications.selectors import unread_count


def notices(request: HttpRequest) -> dict[str, object]:
    """The header's unread count: one COUNT query, and only on a page that shows it."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"notices_unread": SimpleLazyObject(lambda: unread_count(user=user))}
