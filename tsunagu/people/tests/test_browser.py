"""A caseworker registers a person, meets the duplicate check, records consent and finds the person again."""

import re

import pytest

from tsunagu.conftest import screenshot
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text: str) -> re.Pattern[str]:
    """A field's label, with or without the required-field mark (＊)."""
    return re.compile(rf"^{re.escape(text)}＊?$")


def fill_person(page, *, kana_family: str, kana_given: str) -> None:
    page.get_by_label(label("氏")).fill("山田")
    page.get_by_label(label("名")).fill("トメ")
    page.get_by_label(label("氏（フリガナ）")).fill(kana_family)
    page.get_by_label(label("名（フリガナ）")).fill(kana_given)
    page.get_by_label(label("生年月日")).fill("S20.2.11")
    page.get_by_label(label("性別")).select_option("female")
    page.get_by_label(label("住所")).fill("鳥取県東伯郡琴浦町大字徳万591番地2")
    page.get_by_label(label("電話番号")).fill("0858-52-1111")


def test_register_check_duplicates_record_consent_and_search(page, personas):
    sign_in(page, "cw_a")
    page.get_by_role("link", name="本人検索").click()
    page.get_by_role("link", name="新しく登録する").click()
    fill_person(page, kana_family="やまだ", kana_given="とめ")
    page.get_by_role("button", name="登録する").click()
    page.get_by_role("heading", name=re.compile("山田")).wait_for()
    assert "昭和20年2月11日" in page.locator("dl.facts").inner_text()
    assert "自機関の記録" in page.locator(".reasons").inner_text()
    first_url = page.url

    # The same woman again, typed in half-width kana: the system shows the record that exists.
    page.goto(page.base_url + "/people/new/")
    fill_person(page, kana_family="ﾔﾏﾀﾞ", kana_given="ﾄﾒ")
    page.get_by_role("button", name="登録する").click()
    duplicates = page.locator("#duplicates")
    duplicates.wait_for()
    assert "フリガナと生年月日が一致" in duplicates.inner_text()
    screenshot(page, "duplicate-check")
    duplicates.get_by_role("link").first.click()
    page.wait_for_url(first_url)

    page.get_by_role("link", name="本人同意を記録").click()
    page.get_by_label("福祉あんしん課").check()
    page.get_by_label(label("同意の方法")).select_option("written")
    page.get_by_label(label("同意日")).fill("令和7年4月1日")
    page.get_by_role("button", name="記録する").click()
    page.wait_for_url(first_url)
    assert "令和7年4月1日" in page.locator("[data-consent]").inner_text()
    screenshot(page, "person-detail")

    page.get_by_role("link", name="本人検索").click()
    page.get_by_label("氏名またはフリガナ").fill("ﾔﾏﾀﾞ")
    page.get_by_role("button", name="検索").click()
    assert page.locator("tr[data-person]").count() == 1
    assert "昭和20年2月11日" in page.locator("tr[data-person]").inner_text()
