"""The Japanese form fields and template filters, as staff meet them on a page."""

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from tsunagu.core.japanese.forms import KanaField, WarekiDateField
from tsunagu.core.templatetags import japanese as filters

TODAY = date(2025, 4, 1)


@pytest.fixture
def today(monkeypatch):
    """Pins the local day, so "future" and "age today" do not depend on when the tests run."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


class PersonForm(forms.Form):
    birth_date = WarekiDateField(label="生年月日")
    furigana = KanaField(label="フリガナ", max_length=20)


class AppointmentForm(forms.Form):
    visit_on = WarekiDateField(label="訪問予定日", allow_future=True, required=False)
    furigana = KanaField(label="フリガナ", required=False)


# ---- WarekiDateField -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("令和7年4月1日", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("S45.3.1", date(1970, 3, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("2025-04-01", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("  令和７年４月１日  ", date(2025, 4, 1)),
    ],
)
def test_wareki_date_field_cleans_what_people_type(today, typed, expected):
    form = PersonForm(data={"birth_date": typed, "furigana": "サトウ"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("令和0年4月1日", "令和0年という年はありません（最初の年は令和元年です）"),
        ("平成32年5月1日", "平成は31年4月30日までです（2020年5月1日は令和2年5月1日です）"),
        ("令和1年4月30日", "令和は元年5月1日からです（2019年4月30日は平成31年4月30日です）"),
        ("令和6年2月30日", "2月30日は存在しません"),
        ("昭和45年", "日付として読み取れません（例: 令和7年4月1日、R7.4.1、2025-04-01）"),
    ],
)
def test_wareki_date_field_refuses_with_the_japanese_message(today, typed, message):
    form = PersonForm(data={"birth_date": typed, "furigana": "サトウ"})
    assert not form.is_valid()
    assert form.errors["birth_date"] == [message]


def test_wareki_date_field_refuses_the_future_by_default(today):
    form = PersonForm(data={"birth_date": "令和7年4月2日", "furigana": "サトウ"})
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["未来の日付は入力できません"]
    assert form.has_error("birth_date", code="future")


def test_wareki_date_field_accepts_today(today):
    form = PersonForm(data={"birth_date": "R7.4.1", "furigana": "サトウ"})
    assert form.is_valid(), form.errors


def test_wareki_date_field_allows_the_future_when_asked(today):
    form = AppointmentForm(data={"visit_on": "令和8年1月5日"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit_on"] == date(2026, 1, 5)


def test_future_is_judged_by_the_real_local_day():
    tomorrow = timezone.localdate().toordinal() + 1
    field = WarekiDateField()
    with pytest.raises(forms.ValidationError) as raised:
        field.clean(date.fromordinal(tomorrow).isoformat())
    assert raised.value.messages == ["未来の日付は入力できません"]
    assert field.clean(timezone.localdate().isoformat()) == timezone.localdate()


def test_wareki_date_field_is_required_by_default(today):
    form = PersonForm(data={"birth_date": "  ", "furigana": "サトウ"})
    assert not form.is_valid()
    assert form.has_error("birth_date", code="required")


def test_an_optional_wareki_date_field_cleans_empty_to_none():
    form = AppointmentForm(data={"visit_on": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit_on"] is None


def test_wareki_date_field_takes_dates_and_datetimes_as_they_are(today):
    field = WarekiDateField()
    assert field.clean(date(2025, 4, 1)) == date(2025, 4, 1)
    assert field.clean(datetime(2025, 3, 1, 10, 0)) == date(2025, 3, 1)


def test_a_stored_date_is_shown_in_wareki():
    form = PersonForm(initial={"birth_date": date(2025, 4, 1)})
    assert 'value="令和7年4月1日"' in str(form["birth_date"])


def test_the_first_day_of_an_era_is_shown_as_gannen():
    form = PersonForm(initial={"birth_date": date(2019, 5, 1)})
    assert 'value="令和元年5月1日"' in str(form["birth_date"])


def test_an_aware_datetime_is_shown_on_its_local_day():
    form = PersonForm(initial={"birth_date": datetime(2025, 3, 31, 16, 0, tzinfo=UTC)})
    assert 'value="令和7年4月1日"' in str(form["birth_date"])


def test_a_refused_input_is_shown_back_as_typed(today):
    form = PersonForm(data={"birth_date": "平成32年5月1日", "furigana": "サトウ"})
    assert not form.is_valid()
    assert 'value="平成32年5月1日"' in str(form["birth_date"])


def test_the_date_input_is_a_text_box():
    # A browser's type="date" picker cannot take 和暦.
    assert 'type="text"' in str(PersonForm()["birth_date"])


def test_the_same_date_typed_another_way_is_no_change(today):
    form = PersonForm(data={"birth_date": "R7.4.1", "furigana": "サトウ"}, initial={"birth_date": TODAY})
    assert "birth_date" not in form.changed_data
    changed = PersonForm(data={"birth_date": "R7.3.31", "furigana": "サトウ"}, initial={"birth_date": TODAY})
    assert "birth_date" in changed.changed_data


# ---- KanaField -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("さとう はなこ", "サトウ　ハナコ"),
        ("サトウ　ハナコ", "サトウ　ハナコ"),
        ("ｻﾄｳ ﾊﾅｺ", "サトウ　ハナコ"),
        ("  やまざき   たろう ", "ヤマザキ　タロウ"),
        ("じょん・すみす", "ジョン・スミス"),
        ("さと-", "サトー"),
    ],
)
def test_kana_field_stores_full_width_katakana(today, typed, stored):
    form = PersonForm(data={"birth_date": "S45.3.1", "furigana": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["furigana"] == stored


@pytest.mark.parametrize("typed", ["佐藤", "佐藤 はなこ", "Sato", "サトウ1"])
def test_kana_field_refuses_what_is_not_kana(today, typed):
    form = PersonForm(data={"birth_date": "S45.3.1", "furigana": typed})
    assert not form.is_valid()
    assert form.errors["furigana"] == ["フリガナはカタカナ（またはひらがな）で入力してください"]


def test_kana_field_is_required_by_default(today):
    form = PersonForm(data={"birth_date": "S45.3.1", "furigana": "\u3000"})
    assert not form.is_valid()
    assert form.has_error("furigana", code="required")


def test_an_optional_kana_field_cleans_empty_to_empty_text():
    form = AppointmentForm(data={"furigana": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["furigana"] == ""


def test_kana_field_checks_length_after_normalising(today):
    # ﾊﾞﾊﾞ is four characters typed and two stored: the stored reading is what must fit.
    field = KanaField(max_length=2)
    assert field.clean("ﾊﾞﾊﾞ") == "ババ"
    with pytest.raises(forms.ValidationError):
        field.clean("バババ")


def test_the_kana_input_box_does_not_cut_what_is_typed():
    assert "maxlength" not in str(PersonForm()["furigana"])


# ---- template filters ----------------------------------------------------------------------------


def render(source: str, **context: object) -> str:
    return Template("{% load japanese %}" + source).render(Context(context))


def test_the_filters_render_in_a_template(today):
    page = render(
        "{{ d|wareki }} / {{ d|wareki_short }} / {{ 2025|fiscal_year_label }} / "
        "{{ birth|age_on:on }}歳 / {{ birth|age }}歳",
        d=date(2025, 4, 1),
        birth=date(1950, 4, 2),
        on=date(2025, 4, 2),
    )
    assert page == "令和7年4月1日 / R7.4.1 / 令和7年度 / 75歳 / 74歳"


def test_the_first_year_of_an_era_renders_as_gannen():
    assert render("{{ d|wareki }} {{ d|wareki_short }}", d=date(2019, 5, 1)) == "令和元年5月1日 R1.5.1"
    assert render("{{ fy|fiscal_year_label }}", fy=2019) == "令和元年度"


@pytest.mark.parametrize("value", [None, "", "令和7年4月1日", 0])
def test_a_missing_or_unreadable_date_renders_as_nothing(value):
    assert render("[{{ d|wareki }}][{{ d|wareki_short }}][{{ d|age }}][{{ d|age_on:d }}]", d=value) == "[][][][]"


def test_a_missing_variable_renders_as_nothing():
    assert render("[{{ nobody.birth_date|wareki }}][{{ nobody.birth_date|age }}]") == "[][]"


def test_an_aware_datetime_renders_on_its_local_day():
    # 16:00 UTC on 3月31日 is 01:00 on 4月1日 in Asia/Tokyo.
    assert render("{{ t|wareki }}", t=datetime(2025, 3, 31, 16, 0, tzinfo=UTC)) == "令和7年4月1日"


def test_age_on_a_day_before_birth_renders_as_nothing():
    assert render("[{{ b|age_on:on }}]", b=date(2025, 4, 2), on=date(2025, 4, 1)) == "[]"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (2025, "令和7年度"),
        ("2025", "令和7年度"),
        (2019, "令和元年度"),
        (date(2026, 3, 31), "令和7年度"),
        (date(2026, 4, 1), "令和8年度"),
        (None, ""),
        ("", ""),
        ("二〇二五", ""),
        (True, ""),
        (0, ""),
    ],
)
def test_fiscal_year_label_filter(value, label):
    assert filters.fiscal_year_label(value) == label


def test_age_filter_counts_to_the_local_day(today):
    assert filters.age(date(2000, 4, 1)) == 25
    assert filters.age(date(2000, 4, 2)) == 24
    assert filters.age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25
