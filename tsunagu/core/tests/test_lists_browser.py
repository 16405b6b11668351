"""The inbox's 期間 filter in a browser: the calendar button writes the chosen day into the text box in 和暦,
the list is filtered by it and says how many it found, and the page links keep the filter."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tsunagu.conftest import screenshot
from tsunagu.consultations.models import Consultation
from tsunagu.core.japanese.wareki import parse_date, to_wareki
from tsunagu.core.tests.test_lists import consultations
from tsunagu.people.tests.test_browser import label
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_day_chosen_in_the_calendar_filters_the_inbox(page, personas):
    consultations(personas, 55)
    # Three of them on one day a month ago; the rest today and in the hours before.
    day = timezone.localdate() - timedelta(days=30)
    noon = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
    ids = list(Consultation.objects.order_by("pk").values_list("pk", flat=True)[:3])
    Consultation.objects.filter(pk__in=ids).update(received_at=noon)

    sign_in(page, "cw_a")
    page.goto(page.base_url + "/consultations/")
    assert page.locator(".list-count strong").inner_text() == "55件"
    button = page.locator('button[data-date-picker="id_date_from"]')
    assert button.is_visible() and button.inner_text() == "カレンダー"
    button.click()  # opens the browser's own calendar; what it writes is what choosing a day writes:
    page.keyboard.press("Escape")
    for name, text in (("date_from", "期間（から）"), ("date_to", "期間（まで）")):
        page.locator(f'input[type=date][data-date-for="id_{name}"]').fill(day.isoformat())
        written = page.get_by_label(label(text)).input_value()
        # 令和8年11月2日 as the browser's calendar writes it in Japanese, which the field reads back.
        assert written.startswith(to_wareki(day)[:2]) and parse_date(written) == day, written
    screenshot(page, "inbox-period-filter")
    page.get_by_role("button", name="絞り込む").click()
    page.locator(".list-count strong").wait_for()
    assert page.locator(".list-count strong").inner_text() == "3件"
    assert page.locator("#consultations tbody tr").count() == 3
    assert "page=" not in page.url  # the form sent the text box, no calendar value and no page
    assert page.locator(".errorlist").count() == 0
