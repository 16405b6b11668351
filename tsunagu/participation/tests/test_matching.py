"""The ranking (``matching``), criterion by criterion, on unsaved resources: its points are those the module's
table documents, and every score carries its reasons. No database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from tsunagu.participation import matching
from tsunagu.participation.models import Resource, ResourceKind, Transport

FARM_KIND = ResourceKind(name="就労体験")


def place(pk: int = 1, **fields) -> Resource:
    values = {"name": "農作業体験", "description": "野菜の収穫", "district_id": 1, "weekdays": "火木",
              "starts_at": time(9), "ends_at": time(12), "keywords": "農作業、屋外"}  # fmt: skip
    values.update(fields)
    resource = Resource(pk=pk, **values)
    resource.kind = FARM_KIND
    return resource


HIM = matching.Needs(
    district_id=1, district_name="八橋", weekdays="月火水木金", available_from=time(9), available_until=time(13),
    transport=Transport.BICYCLE, needs_staff_support=True, interests=("農作業", "屋外", "動物"),
)  # fmt: skip


def points(scored: matching.Scored) -> dict[str, int]:
    return {r.criterion: r.points for r in scored.reasons}


def test_every_criterion_at_its_maximum_is_100_points_and_says_why():
    scored = matching.score(HIM, place(staff_support=True, capacity=3), taken=1)
    assert scored.score == 100 and points(scored) == matching.MAX
    assert [r.text for r in scored.reasons] == [
        "住まいと同じ地区（八橋）",
        "活動時間（9:00〜12:00）が本人の参加できる時間（9:00〜13:00）に収まる",
        "必要な条件を満たす（現地に支援者がいる）",
        "本人の興味・関心に合う: 農作業・屋外",
        "空きあり（定員3人のうち残り2人）",
    ]


def test_district_and_transport():
    assert points(matching.score(HIM, place(district_id=2)))["district"] == 20  # by bicycle
    walking = matching.Needs(district_id=1, transport=Transport.WALK)
    assert points(matching.score(walking, place(district_id=2)))["district"] == 10
    carried = matching.Needs(district_id=1, transport=Transport.NEEDS_PICKUP)
    assert points(matching.score(carried, place(district_id=2)))["district"] == 5
    assert points(matching.score(carried, place(district_id=2, pickup=True)))["district"] == 20
    outside = place(district_id=None, outside_town=True, public_transport=True)
    assert points(matching.score(HIM, outside))["district"] == 0
    by_bus = matching.Needs(transport=Transport.PUBLIC, travel_outside_town=True)
    assert points(matching.score(by_bus, outside))["district"] == 10


def test_hours_are_the_share_inside_the_window_times_the_share_of_days():
    evening = matching.score(HIM, place(starts_at=time(18), ends_at=time(22)))
    assert points(evening)["hours"] == 0 and "の外" in evening.reasons[1].text
    half = matching.score(HIM, place(starts_at=time(11), ends_at=time(15)))  # 2 of 4 hours inside
    assert points(half)["hours"] == round(25 * 0.5)
    weekend = matching.score(HIM, place(weekdays="土日"))
    assert points(weekend)["hours"] == 0 and "曜日（土日）" in weekend.reasons[1].text
    some_days = matching.score(HIM, place(weekdays="金土"))
    assert points(some_days)["hours"] == round(25 * 0.5)
    unknown = matching.score(matching.Needs(), place())
    assert points(unknown)["hours"] == 12


def test_conditions_lose_ten_points_for_each_unmet_need():
    needs = matching.Needs(needs_accessibility=True, needs_staff_support=True, free_only=True)
    scored = matching.score(needs, place(accessible=False, staff_support=False, free_of_charge=False))
    assert points(scored)["conditions"] == 0
    assert scored.reasons[2].text == "満たさない条件: バリアフリーでない・現地に支援者がいない・費用がかかる"
    assert points(matching.score(needs, place(accessible=True, staff_support=True)))["conditions"] == 20


def test_interests_two_words_fifteen_one_ten_none_zero():
    assert points(matching.score(matching.Needs(interests=("農作業", "屋外")), place()))["interests"] == 15
    assert points(matching.score(matching.Needs(interests=("農作業", "動物")), place()))["interests"] == 10
    assert points(matching.score(matching.Needs(interests=("音楽",)), place()))["interests"] == 0
    assert matching.words("農作業、屋外・動物 音楽") == ("農作業", "屋外", "動物", "音楽")


def test_closed_full_or_outside_the_age_is_not_ranked_and_comes_last_with_why():
    resources = [
        place(1, name="終了", closed_on=date(2025, 3, 31)), place(2, name="満員", capacity=2),
        place(3, name="若者向け", max_age=39), place(4, name="夜", starts_at=time(18), ends_at=time(22)),
        place(5, name="朝"),
    ]  # fmt: skip
    ranked = matching.rank(replace(HIM, age=45), resources, taken={2: 2})
    assert [s.resource.name for s in ranked] == ["朝", "夜", "終了", "満員", "若者向け"]
    assert [s.excluded for s in ranked[2:]] == [
        "受け入れを終了している",
        "満員（定員2人）",
        "対象年齢（39歳まで）を超えている",
    ]
    assert all(s.score == 0 and not s.reasons for s in ranked[2:])


def test_equal_scores_keep_the_registry_order():
    ranked = matching.rank(HIM, [place(1, name="乙"), place(2, name="甲")])
    assert [s.resource.name for s in ranked] == ["乙", "甲"]
