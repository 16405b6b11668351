"""A caseworker records a consultation and sends a referral through the pages; the receiver accepts it."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.conftest import screenshot
from tsunagu.core.models import Organization
from tsunagu.people.tests.helpers import register
from tsunagu.people.tests.test_browser import label
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_suggestions_referral_and_acceptance(page, personas):
    today = timezone.localdate()
    mother = register(personas.caseworker_a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ",
                      given_name_kana="トメ", birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    consent_record(user=personas.caseworker_a, person=mother, data=ConsentInput(
        purpose="支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=today - timedelta(days=1),
        organizations=list(Organization.objects.filter(name__in=["琴浦町地域包括支援センター", "福祉あんしん課"]))))  # fmt: skip

    sign_in(page, "cw_a")
    page.goto(page.base_url + f"/people/{mother.pk}/")
    page.get_by_role("link", name="相談を受け付ける").click()
    page.get_by_label(label("事業")).select_option(label="地域包括支援センターの運営")
    page.get_by_label(label("相談経路")).select_option("visit")
    page.get_by_label("本人同意あり").check()
    issues = page.get_by_role("group", name=re.compile("^相談内容"))
    for name in ("8050", "収入・生活費", "仕事探し・就職"):
        issues.get_by_label(name, exact=True).check()
    # The suggestions appear while the form is being filled in (htmx), before anything is saved.
    page.locator('#suggestions [data-program="self-reliance-consultation"]').wait_for()
    assert "多機関協働の候補" in page.locator("#suggestions").inner_text()
    issues.get_by_role("radio", name="◎ 8050（最も困っていること）").check()  # ◎ in the same row
    page.get_by_label(label("相談の内容（本人の言葉）")).fill("息子が仕事を辞めて家にいる。")
    page.get_by_label(label("対応"), exact=True).select_option("referred")
    screenshot(page, "intake-form")
    page.get_by_role("button", name="受け付ける").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))  # the consultation page, named by date and person

    form = page.locator("#referral-form")
    form.get_by_label(label("つなぎ先"), exact=True).select_option(label="福祉あんしん課")
    form.get_by_label("本人同意", exact=True).check()
    form.get_by_label(label("つなぐ理由")).fill("息子の就労と家計の相談のため")
    form.get_by_label(label("共有する情報（必要最小限）")).fill("世帯構成と収入の状況")
    form.get_by_role("button", name="つなぐ").click()
    page.locator("[data-referral]").first.wait_for()
    assert "回答待ち" in page.locator("[data-referral]").first.inner_text()
    screenshot(page, "consultation-detail")

    page.get_by_role("button", name="ログアウト").click()
    sign_in(page, "coord")
    page.get_by_role("link", name="相談・つなぎ").click()
    page.locator("#incoming [data-referral] a").first.click()
    page.get_by_role("button", name="受理する").click()
    assert "受理" in page.locator("#referral-status").inner_text()
