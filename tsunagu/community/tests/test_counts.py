"""The plan's 地域づくり indicators on fixed data (``fixed.py``), against figures computed by hand — at the
年度 boundaries (3/31 belongs to the 年度 before, 4/1 to the new one) and for a month."""

from __future__ import annotations

from datetime import date

import pytest

from tsunagu.community import counts
from tsunagu.community.tests.fixed import fixed_town

pytestmark = pytest.mark.django_db

CARE, HUB, LIFE = "care-prevention-activities", "child-rearing-hub", "life-support-system"


def by_code(result: counts.CommunityCounts) -> dict[str, counts.ProgramCounts]:
    return {row.program.code: row for row in result.programs}


@pytest.fixture
def town(personas):
    fixed_town(personas)
    return personas.town


def test_fiscal_2025_counts_match_the_hand_computed_figures(town, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        result = counts.community_counts(municipality_id=town.pk, period=counts.period_of(2025))
    rows = by_code(result)
    # 拠点数: P1 (open), P2 (opened 4/1, closed 3/31: inside); not P4 (opens 2026-04-01) nor P5 (closed 2025-03-31).
    assert (rows[CARE].places, rows[HUB].places, rows[LIFE].places) == (2, 1, 0)
    # S2 (4/1, 12 people) and S3 (3/31, 8): 20; S1 (2025-03-31) and S4 (2026-04-01) are other years.
    assert (rows[CARE].sessions, rows[CARE].participants, rows[CARE].volunteers) == (2, 20, 2)
    # Known persons: A (S2 and S3, once) and B (S2).
    assert rows[CARE].known_participants == 2
    assert (rows[CARE].partners, rows[HUB].partners, rows[LIFE].partners) == (2, 1, 2)  # {X,Y}, {Z}, {W,X}
    assert (rows[HUB].sessions, rows[HUB].participants, rows[HUB].known_participants) == (1, 20, 0)
    # The whole: 3 places, 40 participants in 3 sessions, 2 known persons, partners X, Y, Z, W once each.
    assert (result.places, result.sessions, result.participants, result.known_participants, result.partners) == (
        3, 3, 40, 2, 4)  # fmt: skip


def test_the_3_31_before_and_the_4_1_after_belong_to_the_other_years(town):
    rows_2024 = by_code(counts.community_counts(municipality_id=town.pk, period=counts.period_of(2024)))
    # FY2024: P1 (opened 2024-04-01) and P5 (closed 2025-03-31); S1 (3/31, 10) and S6 (5); partner X; none known.
    assert (rows_2024[CARE].places, rows_2024[CARE].sessions, rows_2024[CARE].participants) == (2, 2, 15)
    assert (rows_2024[CARE].partners, rows_2024[CARE].known_participants) == (1, 0)
    rows_2026 = by_code(counts.community_counts(municipality_id=town.pk, period=counts.period_of(2026)))
    # FY2026: P1 and P4 (opened 4/1); S4 (4/1, 15); the log of 2026-04-01 brings V to 生活支援体制整備事業.
    assert (rows_2026[CARE].places, rows_2026[CARE].sessions, rows_2026[CARE].participants) == (2, 1, 15)
    assert rows_2026[LIFE].partners == 1


def test_a_month_counts_only_its_days(town):
    april = by_code(counts.community_counts(municipality_id=town.pk, period=counts.period_of(2025, month=4)))
    assert (april[CARE].places, april[CARE].participants, april[CARE].partners, april[CARE].known_participants) == (
        2, 12, 2, 2)  # fmt: skip
    march = counts.period_of(2025, month=3)
    assert (march.start, march.end) == (date(2026, 3, 1), date(2026, 3, 31))
    rows = by_code(counts.community_counts(municipality_id=town.pk, period=march))
    assert (rows[CARE].places, rows[CARE].participants, rows[CARE].partners, rows[CARE].known_participants) == (
        2, 8, 1, 1)  # fmt: skip


def test_a_date_outside_the_fiscal_year_is_refused_in_japanese():
    with pytest.raises(counts.CountError) as refused:
        counts.period_of(2025, start=date(2025, 3, 31))
    assert refused.value.message_dict["start"] == [
        "令和7年3月31日は令和7年度の外です（令和7年4月1日〜令和8年3月31日）。"
    ]
    with pytest.raises(counts.CountError) as refused:
        counts.period_of(2025, end=date(2026, 4, 1))
    assert "令和8年4月1日は令和7年度の外です" in refused.value.message_dict["end"][0]
    with pytest.raises(counts.CountError) as refused:
        counts.period_of(2025, month=13)
    assert refused.value.message_dict["month"] == ["月は1〜12で指定してください。"]
    assert counts.period_of(2025, start=date(2025, 4, 1), end=date(2026, 3, 31)).label == "令和7年度"
