"""Cursor pagination for every API list: no COUNT over large tables (DESIGN §8), stable under inserts, and
the rows shown audited as they are fetched (the lists are the selectors' audited rows, not raw querysets).

A cursor is opaque to the client: the ordering values of the last row shown, signed so that a forged or
edited cursor answers 400 instead of walking the index from an arbitrary place.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

DEFAULT_SIZE, MAX_SIZE = 50, 200
_SIGNER = signing.Signer(salt="tsunagu.api.cursor")


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str


def page_size(request: Request) -> int:
    if "page_size" not in request.query_params:
        return DEFAULT_SIZE
    raw = request.query_params["page_size"]  # an empty page_size is no number: 400, as the schema says
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_SIZE:
        raise ValidationError({"page_size": [_("1から%(most)sまでの数を指定してください。") % {"most": MAX_SIZE}]})
    return int(raw)


def _encode(values: list[Any]) -> str:
    plain = json.dumps([v.isoformat() if isinstance(v, date | datetime) else v for v in values])
    return base64.urlsafe_b64encode(_SIGNER.sign(plain).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        signed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return json.loads(_SIGNER.unsign(signed))
    except (ValueError, signing.BadSignature) as error:
        raise ValidationError(
            {"cursor": [_("このカーソルは使えません。一覧の最初から取得し直してください。")]}
        ) from error


def _after(ordering: Sequence[str], values: list[Any]) -> Q:
    """Rows after the one with ``values`` in ``ordering`` (each field "-name" descending or "name")."""
    condition = Q(pk__in=[])
    equal = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        if isinstance(value, str) and name.endswith("_at"):
            value = datetime.fromisoformat(value)
        step = Q(**{f"{name}__lt" if field.startswith("-") else f"{name}__gt": value})
        condition |= equal & step
        equal &= Q(**{name: value})
    return condition


def keyset_page(request: Request, rows: QuerySet[Any], ordering: Sequence[str], wrap: Any) -> Page:
    """One page of ``rows`` in ``ordering`` (which must end with a unique field, e.g. "-pk"); ``wrap``
    turns the filtered queryset into the selector's audited rows (``records_for_user``)."""
    size = page_size(request)
    cursor = request.query_params.get("cursor", "")
    queryset = rows.order_by(*ordering)
    if cursor:
        values = _decode(cursor)
        # The cursor names the order it was written in: one from another sort is refused, not misread.
        if len(values) != len(ordering) + 1 or values[0] != list(ordering):
            message = _("このカーソルは使えません（並び順が変わりました）。一覧の最初から取得し直してください。")
            raise ValidationError({"cursor": [message]})
        queryset = queryset.filter(_after(ordering, values[1:]))
    fetched = wrap(queryset).page_slice(0, size)
    shown = fetched[:size]
    next_cursor = ""
    if len(fetched) > size:
        last = shown[-1]
        next_cursor = _encode([list(ordering), *(getattr(last, f.lstrip("-")) for f in ordering)])
    return Page(shown, next_cursor)


def offset_page(request: Request, results: Any, limit: int) -> Page:
    """A page of a search's results (``PersonSearchResults``), which are merged in Python from two indexed
    queries and bounded: the cursor holds the offset, signed."""
    size = page_size(request)
    cursor = request.query_params.get("cursor", "")
    start = 0
    if cursor:
        values = _decode(cursor)
        if len(values) != 1 or not isinstance(values[0], int) or not 0 <= values[0] < limit:
            raise ValidationError({"cursor": [_("このカーソルは使えません。")]})
        start = values[0]
    fetched = results.page_slice(start, size)
    shown = fetched[:size]
    more = len(fetched) > size and start + size < limit
    return Page(shown, _encode([start + size]) if more else "")


def paginated(request: Request, page: Page, items: list[Any]) -> dict[str, Any]:
    next_url = ""
    if page.next_cursor:
        params = request.query_params.copy()
        params["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"next": next_url or None, "results": items}
