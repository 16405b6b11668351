"""An activity session recorded through the pages in a real browser (issue 15, acceptance): 地域包括's
caseworker registers a 介護予防 通いの場, records a session with its head count by age band and a partner,
is refused in Japanese when the age bands exceed the total, then links a known person; the year's counts
show the session. axe-core checks every page visited."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.community import services
from tsunagu.community.models import ActivitySession, Place, SessionParticipation
from tsunagu.conftest import axe_check, screenshot
from tsunagu.core.japanese.wareki import fiscal_year, to_wareki
from tsunagu.people.tests.helpers import register
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(text)}＊?$")


def test_a_place_and_an_activity_session_recorded_through_the_pages(new_tab, personas):
    day = timezone.localdate() - timedelta(days=1)
    person = register(personas.caseworker_a, family_name="浦安", given_name="トメ", family_name_kana="ウラヤス",
                      given_name_kana="トメ")  # fmt: skip
    services.partner_create(user=personas.caseworker_a, data=services.PartnerInput(name="琴浦町老人クラブ連合会"))
    checked = 0
    page = new_tab()
    sign_in(page, "cw_a")
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("community:place-list"))
    checked += axe_check(page, "place list")
    page.get_by_role("link", name="拠点・居場所を登録する").click()
    page.get_by_label(label("事業（実施計画）")).select_option(label="地域介護予防活動支援事業")
    page.get_by_label(label("名称")).fill("いきいき百歳体操 浦安の会")
    page.get_by_label(label("種類")).select_option(label="介護予防の通いの場")
    page.get_by_label(label("運営する団体（住民団体など）")).fill("浦安地区自治会")
    page.get_by_label(label("開催日・時間")).fill("毎週水曜 10:00〜11:00")
    page.get_by_label(label("開設日")).fill(to_wareki(day - timedelta(days=30)))
    checked += axe_check(page, "place form")
    page.get_by_role("button", name="登録する").click()
    place = Place.objects.get(name="いきいき百歳体操 浦安の会")
    page.wait_for_url(page.base_url + reverse("community:place-detail", args=[place.pk]))
    checked += axe_check(page, "place page")

    page.get_by_role("link", name="活動を記録する").click()
    page.get_by_label(label("開催日")).fill(to_wareki(day))
    page.get_by_label(label("内容")).fill("いきいき百歳体操と茶話会")
    page.get_by_label(label("参加者数")).fill("12")
    page.get_by_label(label("ボランティア数")).fill("2")
    page.get_by_label("琴浦町老人クラブ連合会").check()
    page.get_by_label(label("65〜74歳")).fill("8")
    page.get_by_label(label("75歳以上")).fill("6")
    page.get_by_role("button", name="記録する").click()
    page.get_by_text("年齢区分の人数の合計（14人）が参加者数（12人）を超えています。").wait_for()
    assert not ActivitySession.objects.exists()
    checked += axe_check(page, "session form refused")
    page.get_by_label(label("75歳以上")).fill("4")
    page.get_by_role("button", name="記録する").click()
    page.locator("#session").wait_for()
    session = ActivitySession.objects.get()
    assert (session.participants, session.age_65_74, session.age_75_over, session.volunteers) == (12, 8, 4, 2)
    assert [p.name for p in session.partners.all()] == ["琴浦町老人クラブ連合会"]

    page.get_by_label(label("氏名またはフリガナ")).fill("ウラヤス")
    page.get_by_role("button", name="検索").click()
    page.get_by_role("button", name=re.compile(r"^浦安\s*トメさんの参加を記録する$")).click()
    page.locator("#known").get_by_role("link", name=re.compile("浦安")).wait_for()
    assert SessionParticipation.objects.get().person == person
    checked += axe_check(page, "session page")
    screenshot(page, "community-session")

    page.goto(page.base_url + reverse("community:index") + f"?fy={fiscal_year(day)}")
    row = page.locator('tr[data-program="care-prevention-activities"]')
    assert row.locator("td").all_inner_texts()[:4] == ["1", "1", "12", "1"]
    checked += axe_check(page, "counts")
    assert checked > 0
