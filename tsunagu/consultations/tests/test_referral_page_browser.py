"""「この提案でつなぐ」 in the browser: the suggestion fills the referral form, the organisations follow the
programme (an htmx POST: no form text in any URL), the receiver accepts and records the first progress
record on the referral page; axe-core finds no WCAG 2.2 A/AA violation on either page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tsunagu.conftest import axe_report, axe_run, screenshot
from tsunagu.consultations.models import CaseNote, Referral, ReferralStatus
from tsunagu.consultations.tests.referrals import consent_for_anshin, person_of_centre_a
from tsunagu.consultations.tests.test_referral_page import intake
from tsunagu.people.tests.test_browser import label
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suggestion_becomes_a_referral_and_the_receiver_records_from_the_referral_page(page, personas):
    a = personas.caseworker_a
    person = person_of_centre_a(a)
    consultation = intake(a, person, consent_for_anshin(a, person), "8050", "income", "health")
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.method, r.url)))

    sign_in(page, "cw_a")
    page.goto(page.base_url + f"/consultations/{consultation.pk}/")
    suggestion = page.locator('[data-program="self-reliance-consultation"]')
    suggestion.get_by_role("link", name="この提案でつなぐ").click()
    form = page.locator("#referral-form")
    assert form.get_by_label(label("つなぎ先の事業")).input_value() != ""
    assert form.get_by_label(label("つなぎ先"), exact=True).locator("option:checked").inner_text() == "福祉あんしん課"
    assert "生活困窮者自立相談支援事業" in form.get_by_label(label("つなぐ理由")).input_value()
    assert form.get_by_label("本人同意", exact=True).is_checked()
    form.get_by_label(label("共有する情報（必要最小限）")).fill("世帯構成と収入の状況")

    # Another programme: the organisations offered change in place, and what was typed stays.
    form.get_by_label(label("つなぎ先の事業")).select_option(label="障害者相談支援事業")
    organizations = form.get_by_label(label("つなぎ先"), exact=True)
    organizations.locator("option", has_text="相談支援センターサポートりんくす").wait_for(state="attached")
    assert "琴浦町社会福祉協議会" not in organizations.inner_text()
    assert form.get_by_label(label("共有する情報（必要最小限）")).input_value() == "世帯構成と収入の状況"
    assert ("POST", page.base_url + f"/consultations/{consultation.pk}/referrals/organizations/") in requests
    violations = axe_run(page)["violations"]
    assert not violations, axe_report(violations)
    form.get_by_label(label("つなぎ先の事業")).select_option(label="生活困窮者自立相談支援事業")
    organizations.locator("option", has_text="相談支援センターサポートりんくす").wait_for(state="detached")
    organizations.select_option(label="福祉あんしん課")
    form.get_by_role("button", name="つなぐ").click()
    page.locator("[data-referral]").first.wait_for()
    referral = Referral.objects.get()
    assert referral.to_program is not None
    assert (referral.to_program.code, referral.to_organization.name) == ("self-reliance-consultation", "福祉あんしん課")
    # Only ids travelled in a URL: the suggestion's link, and nothing typed.
    for _method, url in requests:
        assert "世帯構成" not in url and "csrfmiddlewaretoken" not in url, url
        assert not re.search(r"[?&](reason|shared_information|to_organization|to_program)=", url), url

    page.get_by_role("button", name="ログアウト").click()
    sign_in(page, "coord")
    page.goto(page.base_url + f"/consultations/referrals/{referral.pk}/")
    page.get_by_role("button", name="受理する").click()
    page.locator("#link-person").wait_for()
    assert "受理: coord" in page.locator("#referral-receiver").inner_text()
    note = page.locator("#note-form")
    note.get_by_label(label("内容")).fill("初回面談。家計の状況を確認。")
    screenshot(page, "referral-accepted")
    violations = axe_run(page)["violations"]
    assert not violations, axe_report(violations)
    note.get_by_role("button", name="記録する").click()
    page.get_by_text("支援経過を記録しました。").wait_for()
    assert CaseNote.objects.get().organization.name == "福祉あんしん課"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.responded_at is not None and referral.responded_at <= timezone.now() + timedelta(seconds=1)
    page.locator("#link-timeline").click()
    page.get_by_text("初回面談。家計の状況を確認。").wait_for()
