"""A training session recorded through the pages in a real browser: the coordinator holds it with staff and
other attendees, adds a material, and sees it counted in its 年度; a caseworker of another agency reads it
without the buttons to change it. axe-core checks every page visited."""

import re

import pytest
from django.urls import reverse

from tsunagu.conftest import axe_check
from tsunagu.plans.tests.test_browser import sign_in
from tsunagu.training.models import TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(text)}＊?$")


def test_the_coordinator_records_a_session_that_an_agency_reads(new_tab, personas):
    checked = 0
    page = new_tab()
    sign_in(page, "coord")
    page.wait_for_url(page.base_url + "/")
    page.get_by_role("link", name="研修", exact=True).click()
    page.locator("#sessions").wait_for()
    checked += axe_check(page, "training list")
    page.get_by_role("link", name="研修を登録する").click()
    page.get_by_label(label("開催日")).fill("令和7年6月10日")
    page.get_by_label(label("テーマ")).fill("8050問題と世帯支援")
    page.get_by_label("cw_a（琴浦町地域包括支援センター）").check()
    page.get_by_label("琴浦町社会福祉協議会：その他の参加者数").fill("4")
    checked += axe_check(page, "training form")
    page.get_by_role("button", name="登録する").click()
    page.locator("#attendance").wait_for()
    session = TrainingSession.objects.get()
    assert page.url == page.base_url + reverse("training:session-detail", args=[session.pk])
    assert "令和7年6月10日" in page.locator("#held-on").inner_text()
    form = page.locator("#material-form")
    form.get_by_label(label("資料名")).fill("研修スライド")
    form.get_by_label(label("リンク")).fill("https://example.jp/slides.pdf")
    form.get_by_role("button", name="追加する").click()
    page.locator("#materials").get_by_role("link", name="研修スライド").wait_for()
    checked += axe_check(page, "training session")

    reader = new_tab()
    sign_in(reader, "cw_b")
    reader.wait_for_url(reader.base_url + "/")
    reader.goto(reader.base_url + reverse("training:session-list") + "?fy=2025")
    assert "5" in reader.locator('[data-count="attendees"]').inner_text()
    reader.get_by_role("link", name="8050問題と世帯支援").click()
    reader.locator("#attendance").wait_for()
    assert reader.locator("#session-edit").count() == 0 and reader.locator("#material-form").count() == 0
    checked += axe_check(reader, "training session (reader)")
    assert checked > 0
