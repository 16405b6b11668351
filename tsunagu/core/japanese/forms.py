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

from tsunagu.core.japanese.kana import is_kana_reading, normalize_kana_input
from tsunagu.core.japanese.wareki import WarekiError, parse_date, to_wareki


class WarekiDateInput(forms.DateInput):
    """A text input that shows a date as 令和7年4月1日; what the person typed is shown as typed."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        if isinstance(value, date):
            return to_wareki(value)
        return super().format_value(value)


class WarekiDateField(forms.DateField):
    """A date typed in 和暦 or 西暦; invalid input is refused with ``parse_date``'s Japanese message."""

    widget = WarekiDateInput
    default_error_messages = {"future": "未来の日付は入力できません"}

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

    default_error_messages = {"not_kana": "フリガナはカタカナ（またはひらがな）で入力してください"}

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
