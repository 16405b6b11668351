"""Small helpers every page uses the same way: showing a service's errors on a form, and paging a list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest

from tsunagu.core.params import PageParam

PAGE = PageParam()


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
    query_string: str  # the request's other parameters, for the previous/next links


def page_of(request: HttpRequest, rows: Any, size: int) -> Page:
    """One page of ``rows`` (a queryset), fetched as size + 1 rows: no COUNT, which at city scale costs
    more than the page itself (DESIGN §8), and the extra row tells whether there is a next page.
    A ``page`` that is no page number (``²``, past MAX_PAGE) answers 404."""
    number = PAGE.get(request.GET)
    start = (number - 1) * size
    # Rows that audit what is shown (people, case records) fetch one row more than they report as shown.
    fetched = rows.page_slice(start, size) if hasattr(rows, "page_slice") else list(rows[start : start + size + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return Page(rows=fetched[:size], number=number, has_next=len(fetched) > size, query_string=params.urlencode())
