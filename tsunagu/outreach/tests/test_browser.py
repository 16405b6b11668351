"""A visit attempt recorded through the pages in a real browser (issue 14, acceptance): the outreach worker
opens her list (with the district map), opens a target not yet reached, records a visit at which nobody
answered; the attempt count, the stage (未接触 → 接触試行) and the contact log follow. axe-core checks each page
(the map's SVG included)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.conftest import axe_check, screenshot
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.core.models import District, Organization
from tsunagu.outreach.models import OutreachContact, OutreachTarget, Stage
from tsunagu.outreach.tests.factories import information, open_target, runs_outreach, worker_at
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(text)}＊?$")


def test_the_worker_records_a_failed_visit(new_tab, personas):
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(anshin)
    worker = worker_at(anshin, "outreach_w")
    district = District.objects.create(municipality=personas.town, name="八橋地区", order=1)
    target = open_target(worker, [information(worker, district=district)])
    checked = 0
    page = new_tab()
    sign_in(page, "outreach_w")
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("outreach:target-list"))
    page.locator("#district-map").wait_for()
    assert page.locator(f'#district-map g[data-district="{district.pk}"]').get_attribute("data-total") == "1"
    checked += axe_check(page, "outreach list with the district map")
    screenshot(page, "outreach-district-map")
    page.locator("#targets").get_by_role("link", name="50代男性（一人暮らしの様子）").click()
    page.locator("#contact-form").wait_for()
    assert page.locator("#target-stage").inner_text() == "未接触"
    checked += axe_check(page, "target page")

    form = page.locator("#contact-form")
    # A few minutes ago, not a fixed hour: a contact in the future is refused (before 09:30 JST it was).
    visited = timezone.localtime() - timedelta(minutes=5)
    form.get_by_label(label("日付")).fill(to_wareki(visited.date()))
    form.get_by_label(label("時刻")).fill(f"{visited:%H:%M}")
    form.get_by_label(label("方法")).select_option(label="訪問")
    form.get_by_label(label("結果")).select_option(label="応答なし")
    form.get_by_label(label("内容")).fill("インターホンに応答なし。郵便受けに手紙を入れた。")
    form.get_by_label(label("次の行動")).fill("夕方に再訪問")
    form.get_by_role("button", name="接触を記録する").click()
    page.get_by_text("接触を記録しました（応答なし）").wait_for()
    assert page.locator("#attempts").inner_text() == "1回"
    assert page.locator("#target-stage").inner_text() == "接触試行"
    assert "インターホンに応答なし" in page.locator("#contacts").inner_text()
    assert "未接触 → 接触試行" in page.locator("#stage-history").inner_text()
    checked += axe_check(page, "target page after the visit")
    screenshot(page, "outreach-visit-recorded")
    contact = OutreachContact.objects.get()
    assert (contact.means, contact.result, contact.staff) == ("visit", "no_answer", worker)
    assert OutreachTarget.objects.get(pk=target.pk).stage == Stage.ATTEMPTING
    assert checked > 0
