from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tsunagu.core.models import User
from tsunagu.core.params import PageParam, parse_id
from tsunagu.notifications.selectors import notice_page_for_user
from tsunagu.notifications.services import notices_mark_read

PAGE = PageParam()  # 404 for a page number that is not one (tsunagu.core.params)


def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's お知らせ, newest first; ``?unread=1`` shows only the unread."""
    user: User = request.user  # type: ignore[assignment]
    page = PAGE.get(request.GET)
    unread_only = request.GET.get("unread") == "1"
    items, more = notice_page_for_user(user=user, page=page, unread_only=unread_only, request=request)
    return render(
        request,
        "notifications/notice_list.html",
        {"items": items, "page": page, "more": more, "unread_only": unread_only},
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
