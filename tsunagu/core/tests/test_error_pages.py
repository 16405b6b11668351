"""The error pages (issue 10 §6): 403, 404, 429 and 500 in Japanese, in English when chosen, never Django's
debug page — demo users meet out-of-scope 404s often, and that page would list every URL pattern."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from config import urls as project_urls
from tsunagu.core.views import too_many_requests


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return too_many_requests(request, retry_after_seconds=90)


# This module is the URLconf of the tests below: the project's URLs and three that fail on purpose.
urlpatterns = [
    path("test-errors/forbidden/", _forbidden),
    path("test-errors/broken/", _broken),
    path("test-errors/limited/", _rate_limited),
    path("", include(project_urls)),
]
handler404 = project_urls.handler404

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

JAPANESE = {
    "/test-errors/forbidden/": (403, "この操作は許可されていません"),
    "/people/999999999/": (404, "お探しのページは見つからないか、閲覧する権限がありません。"),
    "/test-errors/limited/": (429, "しばらく待ってからお試しください"),
    "/test-errors/broken/": (500, "システムエラーが発生しました"),
}
ENGLISH = {
    "/test-errors/forbidden/": (403, "You are not allowed to do this"),
    "/people/999999999/": (404, "The page you are looking for does not exist, or you may not see it."),
    "/test-errors/limited/": (429, "Please wait a moment and try again"),
    "/test-errors/broken/": (500, "A system error occurred"),
}


@pytest.fixture
def signed_in(personas) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(personas.caseworker_a)
    return client


def assert_error_page(client: Client, url: str, status: int, words: str, lang: str) -> str:
    response = client.get(url)
    content = response.content.decode()
    assert response.status_code == status, url
    assert f'<html lang="{lang}">' in content, url
    assert words in content, url
    # Not Django's debug page, which names the URL patterns, the settings and the traceback.
    for leak in ("URLconf", "Traceback", "DEBUG = True", "test-errors/broken"):
        assert leak not in content, (url, leak)
    return content


@pytest.mark.parametrize("url", JAPANESE)
def test_error_pages_are_japanese(signed_in, url):
    status, words = JAPANESE[url]
    content = assert_error_page(signed_in, url, status, words, "ja")
    if status != 500:  # the site's own layout, with its menu for the signed-in user
        assert "ログアウト" in content


@pytest.mark.parametrize("url", ENGLISH)
def test_error_pages_are_english_when_chosen(signed_in, url):
    signed_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    status, words = ENGLISH[url]
    assert_error_page(signed_in, url, status, words, "en")


def test_the_429_page_says_how_long_to_wait(signed_in):
    response = signed_in.get("/test-errors/limited/")
    assert response["Retry-After"] == "90"
    assert "2分ほど待ってから" in response.content.decode()


def test_an_anonymous_visitor_gets_the_same_404_without_the_menu(client):
    client.raise_request_exception = False
    content = assert_error_page(client, "/no-such-page/", 404, "ページが見つかりません", "ja")
    assert "ログアウト" not in content


def test_a_refused_form_post_explains_itself(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("core:logout"))
    content = response.content.decode()
    assert response.status_code == 403
    assert "送信を受け付けられませんでした" in content
    assert "CSRF" not in content


def test_the_500_page_needs_no_context():
    """Django's server_error renders it without a request or context processors."""
    from django.template import loader

    content = loader.get_template("500.html").render()
    assert "システムエラーが発生しました" in content
    assert "/static/css/tsunagu.css" in content  # unhashed: no manifest lookup in a page that may report one
