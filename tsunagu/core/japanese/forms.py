"""Form fields for Japanese data, with messages in Japanese.

``WarekiDateField`` takes a date the way people write it (see ``wareki.parse_date``: 令和7年4月1日,
R7.4.1, 2025-04-01 …) and shows a stored date back as 令和7年4月1日, so a redisplayed form reads the way
the paper does. It refuses dates after today unless ``allow_future=True``: most dates typed into this
system (birth dates, dates of a consultation) cannot be in the future, and "today" is the local day
(``timezone.localdate()``), not UTC's.

``KanaField`` stores a reading (フリガナ) normalised by ``kana.normalize_kana_input``: hiragana and
half-width katakana are accepted as typed and stored as full-width katakana. Its ``max_length`` applies
to the stored reading, so the input box carries no ``maxlength`` of its own.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, gettext_lazy

from tsunagu.core.japanese.kana import is_kana_reading, normalize_kana_input
from tsunagu.core.japanese.wareki import WarekiError, parse_date, to_wareki


class WarekiDateInput(forms.DateInput):
    """A text input that shows a date as 令和7年4月1日 (2025-04-01 in English, which the field reads back too);
    what the person typed is shown as typed."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        if isinstance(value, date):
            return to_wareki(value) if (get_language() or "ja").startswith("ja") else value.isoformat()
        return super().format_value(value)


class WarekiDatePickerInput(WarekiDateInput):
    """The date box of every form: WarekiDateInput's text box (和暦 as staff type it, and what is sent), a hint
    with today's date in the forms it reads, and a calendar button. The calendar is a nameless
    ``<input type=date>`` that ``static/js/date-input.js`` opens and copies into the text as 令和…年…月…日;
    without script the button stays hidden and the text box works alone."""

    template_name = "core/widgets/wareki_date.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        identifier = widget["attrs"].get("id")
        if identifier:
            hint = f"{identifier}_hint"
            described = widget["attrs"].get("aria-describedby")
            widget["attrs"]["aria-describedby"] = f"{described} {hint}" if described else hint
            widget["hint_id"] = hint
        today = timezone.localdate()
        widget["hint"] = _date_hint(today)
        widget["iso"] = _iso_or_blank(value)
        return context


def _iso_or_blank(value: Any) -> str:
    """The day the calendar opens on: the date in the box (stored, or as typed once it reads as one); else
    blank, and the calendar opens on today."""
    if isinstance(value, str):
        try:
            value = parse_date(value)
        except ValueError:  # WarekiError, or any text that is no date
            return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.isoformat() if isinstance(value, date) and value.year <= 9999 else ""


def _date_hint(today: date) -> str:
    # Each example on one line (a hint that wraps inside 2026-12-02 reads as two dates).
    examples = (to_wareki(today), to_wareki(today, style="short"), today.isoformat())
    long, short, iso = (format_html('<span class="nowrap">{}</span>', example) for example in examples)
    return format_html(gettext("例: {long}、{short}、{iso}"), long=long, short=short, iso=iso)


class WarekiDateField(forms.DateField):
    """A date typed in 和暦 or 西暦; invalid input is refused with ``parse_date``'s Japanese message."""

    widget = WarekiDatePickerInput
    default_error_messages = {"future": gettext_lazy("未来の日付は入力できません")}

    def __init__(self, *, allow_future: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_future = allow_future

    def to_python(self, value: str | datetime | date | None) -> date | None:
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values or value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except WarekiError as error:
            raise ValidationError(str(error), code="invalid") from error

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not self.allow_future and value > timezone.localdate():
            raise ValidationError(self.error_messages["future"], code="future")


class KanaField(forms.CharField):
    """A reading (フリガナ), stored as full-width katakana with one full-width space between parts."""

    default_error_messages = {"not_kana": gettext_lazy("フリガナはカタカナ（またはひらがな）で入力してください")}

    def to_python(self, value: Any | None) -> str | None:
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return text
        # Should nothing be left once normalised, the field is empty, and `required` judges it.
        return normalize_kana_input(text) or self.empty_value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # What is typed can be longer than what is stored (ﾊﾞ is two characters, バ one; a run of spaces
        # becomes one), so max_length is checked on the stored reading, not by the browser on the typing.
        attrs.pop("maxlength", None)
        return attrs

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not is_kana_reading(value):
            raise ValidationError(self.error_messages["not_kana"], code="not_kana")
