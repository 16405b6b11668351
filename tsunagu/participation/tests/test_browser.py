"""The workshop's worker records a match through the pages in a real browser (issue 15, acceptance): the young
man's support page ranks the farm near his home first with its reasons; the worker proposes it, records the
visit (見学・体験) and a follow-up with the host. axe-core checks the support and match pages."""

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.conftest import axe_check, screenshot
from tsunagu.participation.models import MatchState, ParticipationFollowUp, ParticipationMatch
from tsunagu.participation.tests.factories import (
    district,
    host,
    resource,
    support,
    worker_at,
    workshop,
    young_man_needs,
)
from tsunagu.people.tests.helpers import register
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_worker_proposes_the_farm_and_records_the_visit_and_the_hosts_worry(page, personas):
    yabase = district(personas.town, "八橋")
    b_type = workshop(personas.town)
    man = register(personas.coordinator, family_name="浦野", given_name="翔太", family_name_kana="ウラノ",
                   given_name_kana="ショウタ", birth_date=date(2000, 6, 1), district=yabase)  # fmt: skip
    consent_record(user=personas.coordinator, person=man, data=ConsentInput(
        purpose="参加支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
        organizations=[b_type],
    ))  # fmt: skip
    staff = worker_at(b_type, "sagyo_browser")
    resource(staff, of=host(staff, "山田農園", "農業"), name="農作業体験（山田農園）", district=yabase, weekdays="火木",
             starts_at=time(9), ends_at=time(12), staff_support=True, capacity=3, keywords="農作業、屋外")  # fmt: skip
    resource(staff, of=host(staff, "倉吉駅前ダイニング", "観光"), kind="work", name="夜の接客アルバイト",
             description="ホールでの接客", outside_town=True, weekdays="月火水木金", starts_at=time(18),
             ends_at=time(22))  # fmt: skip
    opened = support(staff, man, **young_man_needs())

    sign_in(page, "sagyo_browser")
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("participation:support-detail", args=[opened.pk]))
    ranking = page.locator("#ranking > li")
    assert "農作業体験（山田農園）" in ranking.nth(0).inner_text()
    assert "住まいと同じ地区（八橋）" in ranking.nth(0).inner_text()
    assert "町外の資源で、本人は町内を希望している" in ranking.nth(1).inner_text()
    axe_check(page, "participation support with its ranking")
    page.get_by_role("button", name="農作業体験（山田農園）を提案する").click()
    page.locator("#match-state").wait_for()
    match = ParticipationMatch.objects.get(support=opened)
    assert page.url == page.base_url + reverse("participation:match-detail", args=[match.pk])
    assert page.locator("#match-state").inner_text() == "提案"

    state = page.locator("#state-form")
    state.get_by_label("次の状態").select_option(label="見学・体験")
    state.get_by_label("内容・理由").fill("火曜の午前に母と見学。収穫を30分体験")
    state.get_by_role("button", name="記録する").click()
    page.locator("#follow-up-form").wait_for()
    assert page.locator("#match-state").inner_text() == "見学・体験"

    follow = page.locator("#follow-up-form")
    follow.get_by_label("相手").select_option(label="受け入れ先")
    follow.get_by_label("内容").fill("農園主と振り返り")
    follow.get_by_label("困りごと・心配").fill("休むときの連絡の仕方が分からない")
    follow.get_by_role("button", name="フォローアップを記録する").click()
    page.locator("#host-follow-ups").get_by_text("農園主と振り返り").wait_for()
    match.refresh_from_db()
    assert match.state == MatchState.TRIAL and match.trial_on == timezone.localdate()
    assert ParticipationFollowUp.objects.get(match=match).worries == "休むときの連絡の仕方が分からない"
    screenshot(page, "participation-match")
    axe_check(page, "participation match")
