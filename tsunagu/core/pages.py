"""Small helpers every page uses the same way: showing a service's errors on a form, paging a list, and the
filter forms above the lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext, gettext_lazy

from tsunagu.core.choices import FILTER_EMPTY_LABEL
from tsunagu.core.params import PageParam

PAGE = PageParam()
# How far a list counts what matches: past this it says 「1,000件以上」. Counting a city's audit log to
# the last row costs more than the page itself (DESIGN §8); counting at most COUNT_CAP + 1 rows is one
# bounded query at any scale, and nobody reads a list that long page by page anyway.
COUNT_CAP = 1000


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field messages on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int
    has_next: bool
    query_string: str  # the request's other parameters, without ``page`` (for an export link with the filters)
    path: str
    size: int
    count: int  # the rows that match, counted no further than cap + 1
    cap: int

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        """「該当なし」, 「23件」, or 「1,000件以上」 once the count reached the cap."""
        if self.count == 0:
            return gettext("該当なし")
        if self.capped:
            return gettext("%(count)s件以上") % {"count": f"{self.cap:,}"}
        return gettext("%(count)s件") % {"count": f"{self.count:,}"}

    @property
    def last(self) -> int | None:
        """The last page's number, when the count is exact."""
        return None if self.capped else max(1, -(-self.count // self.size))

    def url(self, number: int) -> str:
        """This list's page ``number`` with the same filters: ``?status=sent&page=2``; page 1 without ``page``."""
        params = [self.query_string] if self.query_string else []
        if number > 1:
            params.append(f"page={number}")
        return f"?{'&'.join(params)}" if params else self.path

    @property
    def previous_url(self) -> str:
        return self.url(self.number - 1) if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1) if self.has_next else ""


def _count_upto(rows: Any, limit: int) -> int:
    if hasattr(rows, "count_upto"):
        return int(rows.count_upto(limit))
    # Only the ids, in no order: COUNT over a LIMIT subquery the database can stop early.
    return int(rows.order_by().values("pk")[:limit].count())


def page_of(request: HttpRequest, rows: Any, size: int) -> Page:
    """One page of ``rows`` (a queryset, or a list object with ``page_slice`` and ``count_upto``), fetched as
    size + 1 rows, the extra one telling whether there is a next page, and how many rows match, counted no
    further than COUNT_CAP + 1. Two queries at any scale, whatever the page.

    A ``page`` that is no page number (``²``, past MAX_PAGE) answers 404, and so does a page past the last:
    an empty page 999 would look like a list with nothing in it. Page 1 of an empty list is a page."""
    number = PAGE.get(request.GET)
    start = (number - 1) * size
    # Rows that audit what is shown (people, case records) fetch one row more than they report as shown.
    fetched = rows.page_slice(start, size) if hasattr(rows, "page_slice") else list(rows[start : start + size + 1])
    if number > 1 and not fetched:
        raise Http404
    # The other parameters as given, without the empty ones a filter form sends for every field left alone.
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name != PAGE.name:
            kept.setlist(name, [v for v in values if v.strip()])
    return Page(
        rows=fetched[:size], number=number, has_next=len(fetched) > size, query_string=kept.urlencode(),
        path=request.path, size=size, count=_count_upto(rows, COUNT_CAP + 1), cap=COUNT_CAP,
    )  # fmt: skip


# --- Filter forms above a list ---------------------------------------------------------------------------


def with_all(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A filter menu's choices, led by 「（すべて）」: no filter."""
    return [("", FILTER_EMPTY_LABEL), *choices]


class FilterForm(forms.Form):
    """The form above a list: every menu offers 「（すべて）」 for "no filter" (a form that records something
    offers 「選択してください」, core.params.ModelChoiceField's default), and a period given as ``date_from``
    and ``date_to`` must not end before it begins."""

    period = ("date_from", "date_to")
    period_reversed = gettext_lazy("期間の終わりが始まりより前です。日付を確かめてください。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not field.required:
                field.empty_label = FILTER_EMPTY_LABEL

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = (data.get(name) for name in self.period)
        if start and end and end < start:
            self.add_error(self.period[1], self.period_reversed)
        return data
