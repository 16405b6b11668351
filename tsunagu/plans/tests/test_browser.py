"""A person signs in and reads the programme catalogue in a real browser."""

import re

import pytest

from tsunagu.conftest import PASSWORD, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_coordinator_signs_in_and_reads_the_catalogue(page, personas):
    page.goto(page.base_url + "/")
    assert page.url.startswith(page.base_url + "/login/")
    assert page.locator("html").get_attribute("lang") == "ja"

    sign_in(page, "coord")
    page.get_by_role("heading", name="coord さん").wait_for()
    assert "福祉あんしん課" in page.locator(".user-menu").inner_text()

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="事業一覧").click()
    page.get_by_role("heading", name=re.compile("事業一覧")).wait_for()
    rows = page.locator("tr[data-program]")
    assert rows.count() == 12
    assert page.locator("#program-disability-consultation td.form").inner_text() == "直営・委託"
    screenshot(page, "catalogue")

    # The domain filter swaps the tables in place (htmx) and keeps the URL shareable.
    page.get_by_role("navigation", name="分野で絞り込む").get_by_role("link", name="介護").click()
    page.wait_for_url(re.compile(r"domain=elderly"))
    page.wait_for_function("document.querySelectorAll('tr[data-program]').length === 3")
    assert page.locator("#program-count").inner_text() == "3事業"

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile("/login/"))


def test_a_wrong_password_is_told_in_japanese(page, personas):
    sign_in(page, "coord-typo")
    assert "ユーザー名またはパスワードが正しくありません" in page.locator("[role=alert]").inner_text()
