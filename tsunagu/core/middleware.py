"""Response headers every signed-in page needs.

The middleware that ends old sessions and asks for the second factor is in ``tsunagu.accounts.middleware``:
it writes audit entries, and core sits below audit.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Pages seen after login may show personal data: no browser or proxy may keep a copy of them.

    Static files and the health check are not personal and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
