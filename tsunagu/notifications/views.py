from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tsunagu.core.models import User
from tsunagu.core.pages import page_of
from tsunagu.core.params import parse_id
from tsunagu.notifications.selectors import PAGE_SIZE, notice_list_for_user
from tsunagu.notifications.services import notices_mark_read


def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's お知らせ, newest first; ``?unread=1`` shows only the unread."""
    user: User = request.user  # type: ignore[assignment]
    unread_only = request.GET.get("unread") == "1"
    # A page number that is none, or past the last page, answers 404 (core.pages.page_of).
    page = page_of(request, notice_list_for_user(user=user, unread_only=unread_only, request=request), PAGE_SIZE)
    return render(
        request, "notifications/notice_list.html", {"items": page.rows, "page": page, "unread_only": unread_only}
    )


@require_POST
def notice_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``notice``), or every unread one (``all``), read: the user's own only."""
    user: User = request.user  # type: ignore[assignment]
    if request.POST.get("all"):
        notices_mark_read(user=user)
    else:
        pk = parse_id(request.POST.get("notice"))
        if pk:
            notices_mark_read(user=user, notice_ids=[pk])
    return redirect("notifications:list")
