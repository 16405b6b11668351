"""対象者数 and 協力事業者数 on fixed data around a 年度's boundary (3/31 and 4/1), recorded through the services on
the days they happened, against counts worked out by hand."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tsunagu.participation import counts, services
from tsunagu.participation.models import EndReason, MatchState
from tsunagu.participation.tests.factories import advance, host, resource, support, worker_at, workshop
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def on(time_machine, day: date) -> None:
    time_machine.move_to(timezone.make_aware(datetime(day.year, day.month, day.day, 10)), tick=False)


@pytest.fixture
def year_end(personas, time_machine):
    """Three people and three hosts, around 令和7年3月31日 / 4月1日 (FY2024 / FY2025):

    - A: support opened and closed on 3/31 (FY2024 only);
    - B: opened 3/31 and still open (both years); his visit to X on 3/31, ended the same day (X: FY2024);
      a proposal to Z, never visited (Z: never a 協力事業者);
    - C: opened 4/1, visited Y on 4/1 and joined (Y: FY2025), closed on 2026-03-31 (FY2025 only).
    """
    on(time_machine, date(2025, 3, 31))
    staff = worker_at(workshop(personas.town), "sagyo_counts")
    a, b, c = (register(staff, family_name=name, family_name_kana=kana)
               for name, kana in (("青木", "アオキ"), ("馬場", "ババ"), ("千葉", "チバ")))  # fmt: skip
    x, y, z = (resource(staff, of=host(staff, name), name=f"{name}の体験") for name in ("X農園", "Y食堂", "Z工房"))
    support_a = support(staff, a)
    services.support_close(user=staff, support=support_a, closed_on=date(2025, 3, 31), reason="本人の希望で終了")
    support_b = support(staff, b)
    visit = advance(staff, services.match_propose(user=staff, support=support_b, resource=x), MatchState.TRIAL)
    advance(staff, visit, MatchState.ENDED, end_reason=EndReason.NOT_SUITED)
    services.match_propose(user=staff, support=support_b, resource=z)
    on(time_machine, date(2025, 4, 1))
    support_c = support(staff, c)
    joined = advance(staff, services.match_propose(user=staff, support=support_c, resource=y), MatchState.TRIAL)
    joined = advance(staff, joined, MatchState.PARTICIPATING)
    on(time_machine, date(2026, 3, 31))
    advance(staff, joined, MatchState.ENDED, end_reason=EndReason.MOVED_ON, note="一般就労へ")
    services.support_close(user=staff, support=support_c, closed_on=date(2026, 3, 31), reason="一般就労へ")
    on(time_machine, date(2026, 5, 1))
    return personas.town


# (年度, 月, 対象者数, 協力事業者数), counted by hand from the fixture's story.
HAND_COUNTS = [
    (2024, None, 2, 1),  # A, B; X
    (2024, 3, 2, 1),  # 3/31 is in 令和6年度's March
    (2024, 2, 0, 0),
    (2025, None, 2, 1),  # B, C; Y (X ended on 3/31, Z never received anyone)
    (2025, 4, 2, 1),  # 4/1 is in 令和7年度's April
    (2025, 3, 2, 1),  # 2026-03-31: C closed that day, still counted
    (2026, None, 1, 0),  # B only; Y's match ended on 2026-03-31
]


def test_counts_at_the_boundaries_match_the_hand_count(year_end):
    found = [
        (
            fy,
            month,
            *astuple(counts.participation_counts(municipality_id=year_end.pk, fiscal_year=fy, month=month))[-2:],
        )
        for fy, month, *_ in HAND_COUNTS
    ]
    assert found == HAND_COUNTS


def test_a_month_is_of_its_fiscal_year():
    assert counts.period(2025, 3) == (date(2026, 3, 1), date(2026, 3, 31))
    assert counts.period(2025, 4) == (date(2025, 4, 1), date(2025, 4, 30))
    assert counts.period(2025, 12) == (date(2025, 12, 1), date(2025, 12, 31))
    assert counts.period(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    with pytest.raises(ValidationError, match="月は1〜12で指定してください"):
        counts.period(2025, 13)


def test_the_counts_page_and_api_show_numbers_only(client, year_end, personas):
    client.force_login(personas.caseworker_a)
    page = client.get(reverse("participation:index"), {"fiscal_year": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2人" in html and "1事業者" in html and "馬場" not in html
    answer = client.get(reverse("api:participation-counts"), {"fiscal_year": 2025, "month": 4}).json()
    assert (answer["participants"], answer["cooperating_hosts"]) == (2, 1)
    refused = client.get(reverse("api:participation-counts"), {"fiscal_year": 1999})
    assert refused.status_code == 400 and "年度は2000年度から" in refused.json()["error"]["message"]
