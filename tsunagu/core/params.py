"""Parameters from a request, parsed one way on every page: ids, page numbers and posted choices.

``int()`` is the wrong parser for what a browser sends: it refuses ``²`` (which ``str.isdigit`` accepts)
with a ValueError, reads ``٣`` as 3, and takes ``2**64``, which no database column holds (SQLite raises
OverflowError, an OFFSET that large a datatype mismatch). Here a number is ASCII digits only and fits a
64-bit signed integer; anything else in the query string answers 404, as an id outside the user's scope
does, and a posted choice gets a Japanese message on its field.

A view declares each query parameter it reads once, at module level (``PERSON = IdParam("person")``).
The declaration registers the name, so that the property-based test (``home/tests/test_bad_input.py``)
throws generated values at every parameter of every page without keeping its own list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy

from tsunagu.core.choices import CHOICE_EMPTY_LABEL

MAX_ID = 2**63 - 1  # the largest id a BIGINT (SQLite INTEGER, PostgreSQL bigint) holds
# A list is paged to find what was just seen, not to read a city's records 50 at a time: past this,
# the filters narrow faster, and OFFSET stays cheap enough to answer.
MAX_PAGE = 10_000
INVALID_CHOICE = gettext_lazy("選択肢が正しくありません。画面を開き直して、もう一度選んでください。")

_REGISTRY: dict[str, Param] = {}


@dataclass(frozen=True)
class Param:
    """A query-string parameter a view reads: its name and what it holds ("id", "ids" or "page")."""

    name: str
    kind: str

    def __post_init__(self) -> None:
        known = _REGISTRY.setdefault(self.name, self)
        if known.kind != self.kind:
            raise ValueError(f"parameter {self.name!r} declared as {known.kind} and as {self.kind}")

    def _raw(self, params: Mapping[str, Any]) -> str:
        raw = params.get(self.name, "")
        return raw.strip() if isinstance(raw, str) else ""


def declared_params() -> list[Param]:
    """Every parameter some view declared (once its module is imported, as the URLconf does)."""
    return sorted(_REGISTRY.values(), key=lambda p: p.name)


def parse_id(raw: object, *, maximum: int = MAX_ID) -> int | None:
    """A positive number written in ASCII digits that fits ``maximum``; None for anything else."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if 1 <= value <= maximum else None


class IdParam(Param):
    """An id in the query string (``?person=12``): None when absent or empty, 404 when not an id."""

    def __init__(self, name: str) -> None:
        super().__init__(name, "id")

    def get(self, params: Mapping[str, Any]) -> int | None:
        raw = self._raw(params)
        if not raw:
            return None
        value = parse_id(raw)
        if value is None:
            raise Http404
        return value


class IdListParam(Param):
    """Ids repeated in the query string (``?issues=3&issues=5``); 404 when one is not an id."""

    def __init__(self, name: str) -> None:
        super().__init__(name, "ids")

    def get(self, params: QueryDict) -> list[int]:
        values = [parse_id(raw.strip()) for raw in params.getlist(self.name) if raw.strip()]
        if None in values:
            raise Http404
        return [v for v in values if v is not None]


class PageParam(Param):
    """A page number (``?page=2``): 1 when absent or empty, 404 when not a page between 1 and MAX_PAGE."""

    def __init__(self, name: str = "page") -> None:
        super().__init__(name, "page")

    def get(self, params: Mapping[str, Any]) -> int:
        raw = self._raw(params)
        if not raw:
            return 1
        value = parse_id(raw, maximum=MAX_PAGE)
        if value is None:
            raise Http404
        return value


# --- Posted choices: checked before the database sees them --------------------------------------------


def _is_id_choice(field: forms.ModelChoiceField, value: object) -> bool:
    """Whether ``value`` can name a row of the field's queryset by its integer primary key."""
    if field.to_field_name or isinstance(value, Model):
        return True  # not an integer key, or already a row: Django's own checks apply
    return parse_id(value) is not None


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, refusing ``٣`` (which int() reads as 3) and ids no column holds with
    one clear message on the field, before any query. Nothing chosen reads 「選択してください」 (``core.choices``)."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def __init__(self, queryset: Any, *, empty_label: Any = CHOICE_EMPTY_LABEL, **kwargs: Any) -> None:
        super().__init__(queryset, empty_label=empty_label, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_id_choice(self, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField with the same checks on every posted id (its ``pk__in`` query
    with an id past 2⁶³ is an OverflowError on SQLite)."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE}

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not _is_id_choice(self, pk):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value")
        return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs
