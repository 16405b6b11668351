"""和暦 as staff read and type it: era boundaries, 元年, the forms people write, and what is refused."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.core.japanese.wareki import (
    FORMAT_HINT,
    WarekiError,
    age_on,
    era_of,
    eras,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    parse_date,
    to_wareki,
    wareki_year,
)

# ---- the era table -------------------------------------------------------------------------------


def test_the_era_table_is_read_from_the_data_file():
    assert [(era.name, era.initial, era.start) for era in eras()] == [
        ("明治", "M", date(1868, 10, 23)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


def test_each_era_ends_the_day_before_the_next_begins_and_the_last_has_no_end():
    table = eras()
    for era, following in pairwise(table):
        assert era.end == following.start - timedelta(days=1)
    assert table[-1].end is None


def test_the_era_table_is_loaded_once():
    assert eras() is eras()


def test_before_meiji_there_is_no_era():
    assert era_of(date(1868, 10, 22)) is None
    meiji = era_of(date(1868, 10, 23))
    assert meiji is not None
    assert meiji.name == "明治"


# ---- to_wareki -----------------------------------------------------------------------------------

BOUNDARIES = [
    # (date, long, short): the last day of each era and the first day of the next, and 明治's start.
    (date(1868, 10, 22), "1868年10月22日", "1868-10-22"),
    (date(1868, 10, 23), "明治元年10月23日", "M1.10.23"),
    (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
    (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
    (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
    (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
    (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
    (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
    (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
    (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
]


@pytest.mark.parametrize(("d", "long", "short"), BOUNDARIES, ids=[str(b[0]) for b in BOUNDARIES])
def test_to_wareki_at_every_era_boundary(d, long, short):
    assert to_wareki(d) == long
    assert to_wareki(d, style="long") == long
    assert to_wareki(d, style="short") == short


@pytest.mark.parametrize(("d", "long", "short"), BOUNDARIES, ids=[str(b[0]) for b in BOUNDARIES])
def test_parse_date_reads_back_every_era_boundary(d, long, short):
    assert parse_date(long) == d
    assert parse_date(short) == d


def test_to_wareki_examples():
    assert to_wareki(date(2025, 4, 1)) == "令和7年4月1日"
    assert to_wareki(date(2025, 4, 1), style="short") == "R7.4.1"
    assert to_wareki(date(1970, 3, 1), style="short") == "S45.3.1"
    assert to_wareki(date(2020, 1, 1)) == "令和2年1月1日"
    assert to_wareki(date(2019, 12, 31)) == "令和元年12月31日"


def test_to_wareki_takes_a_datetime_by_its_date():
    assert to_wareki(datetime(2025, 4, 1, 23, 59)) == "令和7年4月1日"


def test_to_wareki_refuses_an_unknown_style():
    with pytest.raises(ValueError, match="style"):
        to_wareki(date(2025, 4, 1), style="medium")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("d", "label"),
    [
        (date(2025, 4, 1), "令和7年"),
        (date(2019, 5, 1), "令和元年"),
        (date(2019, 4, 30), "平成31年"),
        (date(1989, 1, 7), "昭和64年"),
        (date(1868, 10, 22), "1868年"),
    ],
)
def test_wareki_year(d, label):
    assert wareki_year(d) == label


@pytest.mark.parametrize(
    ("fy", "label"),
    [
        pytest.param(2025, "令和7年度", id="2025"),
        pytest.param(2020, "令和2年度", id="2020"),
        pytest.param(2019, "令和元年度", id="2019は令和元年度"),
        pytest.param(2018, "平成30年度", id="2018"),
        pytest.param(1989, "平成元年度", id="1989"),
        pytest.param(1988, "昭和63年度", id="1988は昭和63年度"),
        pytest.param(1926, "昭和元年度", id="1926"),
        pytest.param(1867, "1867年度", id="明治より前"),
    ],
)
def test_fiscal_year_label(fy, label):
    assert fiscal_year_label(fy) == label


# ---- parse_date: the forms people type -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("令和7年4月1日", date(2025, 4, 1), id="令和7年4月1日"),
        pytest.param("令和元年5月1日", date(2019, 5, 1), id="令和元年5月1日"),
        pytest.param("令和1年5月1日", date(2019, 5, 1), id="令和1年5月1日"),
        pytest.param("R7.4.1", date(2025, 4, 1), id="R7.4.1"),
        pytest.param("R07.04.01", date(2025, 4, 1), id="R07.04.01"),
        pytest.param("r7.4.1", date(2025, 4, 1), id="r7.4.1"),
        pytest.param("R1.5.1", date(2019, 5, 1), id="R1.5.1"),
        pytest.param("R元.5.1", date(2019, 5, 1), id="R元.5.1"),
        pytest.param("S45.3.1", date(1970, 3, 1), id="S45.3.1"),
        pytest.param("T1.7.30", date(1912, 7, 30), id="T1.7.30"),
        pytest.param("M45.7.29", date(1912, 7, 29), id="M45.7.29"),
        pytest.param("H31/4/30", date(2019, 4, 30), id="H31/4/30"),
        pytest.param("H31-4-30", date(2019, 4, 30), id="H31-4-30"),
        pytest.param("平成31年4月30日", date(2019, 4, 30), id="平成31年4月30日"),
        pytest.param("昭和64年1月7日", date(1989, 1, 7), id="昭和64年1月7日"),
        pytest.param("大正15年12月24日", date(1926, 12, 24), id="大正15年12月24日"),
        pytest.param("明治45年7月29日", date(1912, 7, 29), id="明治45年7月29日"),
        pytest.param("令7.4.1", date(2025, 4, 1), id="令7.4.1"),
        pytest.param("平31.4.30", date(2019, 4, 30), id="平31.4.30"),
        pytest.param("昭45.3.1", date(1970, 3, 1), id="昭45.3.1"),
        pytest.param("大1.7.30", date(1912, 7, 30), id="大1.7.30"),
        pytest.param("明1.10.23", date(1868, 10, 23), id="明1.10.23"),
        pytest.param("令和7年4月1", date(2025, 4, 1), id="日の字なし"),
        pytest.param("2025-04-01", date(2025, 4, 1), id="2025-04-01"),
        pytest.param("2025/4/1", date(2025, 4, 1), id="2025/4/1"),
        pytest.param("2025.4.1", date(2025, 4, 1), id="2025.4.1"),
        pytest.param("2025年4月1日", date(2025, 4, 1), id="2025年4月1日"),
        pytest.param("20250401", date(2025, 4, 1), id="20250401"),
        pytest.param("1868-10-22", date(1868, 10, 22), id="明治より前の西暦"),
        pytest.param("令和７年４月１日", date(2025, 4, 1), id="全角数字"),
        pytest.param("Ｒ７．４．１", date(2025, 4, 1), id="全角英数"),
        pytest.param("ｒ７．４．１", date(2025, 4, 1), id="全角小文字"),
        pytest.param("２０２５／０４／０１", date(2025, 4, 1), id="全角スラッシュ"),
        pytest.param("２０２５－０４－０１", date(2025, 4, 1), id="全角ハイフン"),
        pytest.param("２０２５ー４ー１", date(2025, 4, 1), id="長音記号をハイフンのつもりで"),
        pytest.param("令和　7年　4月　1日", date(2025, 4, 1), id="全角スペース"),
        pytest.param("  R7.4.1 ", date(2025, 4, 1), id="前後の空白"),
        pytest.param("㍻31年4月30日", date(2019, 4, 30), id="㍻"),
        pytest.param("㋿元年5月1日", date(2019, 5, 1), id="㋿"),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


# ---- parse_date: what is refused, and what it says -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("令和0年4月1日", "令和0年という年はありません", id="令和0年"),
        pytest.param("R0.4.1", "令和0年という年はありません", id="R0"),
        pytest.param("0000-01-01", "0年という年はありません", id="西暦0年"),
        pytest.param("平成32年5月1日", "平成は31年4月30日までです", id="平成32年"),
        pytest.param("平成31年5月1日", "平成は31年4月30日までです", id="平成31年5月1日"),
        pytest.param("H31.5.1", "平成は31年4月30日までです", id="H31.5.1"),
        pytest.param("昭和64年1月8日", "昭和は64年1月7日までです", id="昭和64年1月8日"),
        pytest.param("大正15年12月25日", "大正は15年12月24日までです", id="大正15年12月25日"),
        pytest.param("明治45年7月30日", "明治は45年7月29日までです", id="明治45年7月30日"),
        pytest.param("令和1年4月30日", "令和は元年5月1日からです", id="令和1年4月30日"),
        pytest.param("令和元年4月30日", "令和は元年5月1日からです", id="令和元年4月30日"),
        pytest.param("平成元年1月7日", "平成は元年1月8日からです", id="平成元年1月7日"),
        pytest.param("昭和元年12月24日", "昭和は元年12月25日からです", id="昭和元年12月24日"),
        pytest.param("大正元年7月29日", "大正は元年7月30日からです", id="大正元年7月29日"),
        pytest.param("明治元年10月22日", "明治は元年10月23日からです", id="明治元年10月22日"),
        pytest.param("令和7年2月30日", "2月30日は存在しません", id="2月30日"),
        pytest.param("2025-02-30", "2月30日は存在しません", id="西暦2月30日"),
        pytest.param("R7.4.31", "4月31日は存在しません", id="4月31日"),
        pytest.param("令和7年4月0日", "4月0日は存在しません", id="0日"),
        pytest.param("2025-13-01", "13月は存在しません", id="13月"),
        pytest.param("R7.0.1", "0月は存在しません", id="0月"),
        pytest.param(
            "令和7年2月29日",
            "令和7年（2025年）は閏年ではないため、2月29日は存在しません",
            id="閏年でない2月29日",
        ),
        pytest.param("2025-02-29", "2025年は閏年ではないため、2月29日は存在しません", id="西暦閏年でない"),
    ],
)
def test_parse_date_refuses_with_a_message(text, message):
    with pytest.raises(WarekiError) as raised:
        parse_date(text)
    assert message in str(raised.value)


def test_a_date_past_its_era_names_the_date_it_would_be():
    with pytest.raises(WarekiError) as raised:
        parse_date("平成32年5月1日")
    assert str(raised.value) == "平成は31年4月30日までです（2020年5月1日は令和2年5月1日です）"


def test_a_date_before_its_era_names_the_date_it_would_be():
    with pytest.raises(WarekiError) as raised:
        parse_date("令和1年4月30日")
    assert str(raised.value) == "令和は元年5月1日からです（2019年4月30日は平成31年4月30日です）"


def test_a_meiji_date_before_meiji_asks_for_the_western_year():
    with pytest.raises(WarekiError) as raised:
        parse_date("明治元年1月1日")
    assert "西暦で入力してください" in str(raised.value)


def test_a_leap_day_in_a_leap_year_is_accepted():
    assert parse_date("令和6年2月29日") == date(2024, 2, 29)
    assert parse_date("H12.2.29") == date(2000, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2月30日",
        "hello",
        "令和",
        "令和七年四月一日",
        "R7.4/1",
        "X7.4.1",
        "2025-4",
        "202541",
        "25-04-01",
        "慶応3年1月1日",
        "令和7年4月1日午後",
    ],
)
def test_parse_date_refuses_what_is_not_a_date(text):
    with pytest.raises(WarekiError) as raised:
        parse_date(text)
    assert str(raised.value) == FORMAT_HINT
    assert str(raised.value) == "日付として読み取れません（例: 令和7年4月1日、R7.4.1、2025-04-01）"


def test_wareki_error_is_a_value_error():
    assert issubclass(WarekiError, ValueError)


# ---- age_on --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        pytest.param(date(1950, 4, 1), date(2025, 3, 31), 74, id="誕生日の前日"),
        pytest.param(date(1950, 4, 1), date(2025, 4, 1), 75, id="誕生日当日に一つ上がる"),
        pytest.param(date(1950, 4, 1), date(2025, 12, 31), 75, id="誕生日の後"),
        pytest.param(date(2000, 2, 29), date(2023, 2, 28), 22, id="2月29日生まれ_平年の2月28日"),
        pytest.param(date(2000, 2, 29), date(2023, 3, 1), 23, id="2月29日生まれ_平年は3月1日"),
        pytest.param(date(2000, 2, 29), date(2024, 2, 28), 23, id="2月29日生まれ_閏年の2月28日"),
        pytest.param(date(2000, 2, 29), date(2024, 2, 29), 24, id="2月29日生まれ_閏年の2月29日"),
        pytest.param(date(2025, 4, 1), date(2025, 4, 1), 0, id="生まれた日"),
        pytest.param(date(2024, 4, 2), date(2025, 4, 1), 0, id="一歳の前日"),
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


def test_age_on_before_birth_is_refused():
    with pytest.raises(ValueError, match="生年月日より前"):
        age_on(date(2025, 4, 2), date(2025, 4, 1))


def test_age_on_takes_datetimes_by_their_date():
    assert age_on(datetime(1950, 4, 1, 12), datetime(2025, 4, 1, 0, 1)) == 75


# ---- fiscal years --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
    ],
)
def test_fiscal_year(d, fy):
    assert fiscal_year(d) == fy


def test_fiscal_year_range():
    assert fiscal_year_range(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert fiscal_year_range(2023) == (date(2023, 4, 1), date(2024, 3, 31))


# ---- properties ----------------------------------------------------------------------------------

SINCE_MEIJI = st.dates(min_value=date(1868, 10, 23), max_value=date(2100, 12, 31))


@given(SINCE_MEIJI)
@settings(max_examples=500)
def test_every_date_since_meiji_reads_back_from_what_it_is_shown_as(d):
    assert parse_date(to_wareki(d)) == d
    assert parse_date(to_wareki(d, style="short")) == d
    assert parse_date(d.isoformat()) == d


@given(st.dates())
@settings(max_examples=500)
def test_to_wareki_names_the_era_in_force_and_none_that_starts_later(d):
    shown = to_wareki(d)
    named = [era for era in eras() if shown.startswith(era.name)]
    for era in named:
        assert era.start <= d
    assert named == ([] if era_of(d) is None else [era_of(d)])


# Text that looks like a date more often than arbitrary text does, so the error paths are exercised.
DATE_LIKE = st.lists(
    st.one_of(
        st.sampled_from(["令和", "平成", "昭和", "大正", "明治", "令", "平", "R", "h", "s", "元", "㍻"]),
        st.sampled_from(["年", "月", "日", ".", "/", "-", "ー", " ", "　", "０", "１"]),
        st.integers(min_value=0, max_value=99999).map(str),
    ),
    max_size=8,
).map("".join)


@given(st.one_of(st.text(), DATE_LIKE))
@settings(max_examples=1000)
def test_parse_date_raises_nothing_but_wareki_error(text):
    try:
        result = parse_date(text)
    except WarekiError as error:
        assert str(error)
    else:
        assert isinstance(result, date)


@given(st.dates(), st.dates(), st.dates())
@settings(max_examples=500)
def test_age_never_goes_down_and_is_zero_on_the_day_of_birth(a, b, c):
    birth, earlier, later = sorted([a, b, c])
    assert age_on(birth, birth) == 0
    assert 0 <= age_on(birth, earlier) <= age_on(birth, later)


def _birthday_in(birth: date, year: int) -> date:
    # 2月29日 births have their birthday on 3月1日 in a common year.
    if (birth.month, birth.day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return date(year, 3, 1)
    return birth.replace(year=year)


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(min_value=0, max_value=150))
def test_a_person_is_n_from_their_nth_birthday_until_the_day_before_the_next(birth, n):
    nth = _birthday_in(birth, birth.year + n)
    following = _birthday_in(birth, birth.year + n + 1)
    assert age_on(birth, nth) == n
    assert age_on(birth, following - timedelta(days=1)) == n


# From 1 April of year 1: the 年度 of an earlier date would be year 0, which no calendar date can name.
@given(st.dates(min_value=date(1, 4, 1), max_value=date(9998, 12, 31)))
def test_a_date_is_inside_its_fiscal_year(d):
    fy = fiscal_year(d)
    assert fy in (d.year, d.year - 1)
    first, last = fiscal_year_range(fy)
    assert first <= d <= last
