"""The registry of record kinds, and of the pages that show personal data.

Each app registers its kinds once, in its ``AppConfig.ready``: the model, its label and detail page,
which columns hold the organisation, the person, the household and the time, how a row renders on the
timeline, in the print and as a panel on the person's and household's pages, and who else may read it.
Nothing else keeps a list of kinds: the timeline, the 経過一覧 PDF, the audit of reads, 名寄せ's check and
the generated access matrix all iterate this registry.

Routes — every URL that shows or changes personal data — are registered beside the kinds, with what
their id refers to (a kind, a person, a household …) and what the user needs (read or edit): the access
matrix and the audit walk are generated from them, and a URL that takes an id without a route fails the
completeness test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from tsunagu.access.policy import Grounds
    from tsunagu.core.models import User


@dataclass(frozen=True)
class PrintRow:
    """One row of the 経過一覧 PDF: what kind of entry, with whom, what happened, by whom, what comes next."""

    kind: str
    content: str
    counterpart: str = ""
    staff: str = ""
    next_step: str = ""


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: Any  # a lazy translation
    model: type[models.Model]
    detail_url: str  # URL name taking the record's pk
    timeline_template: str  # renders the cells of one timeline row from ``record``
    print_row: Callable[[Any], PrintRow]
    occurred_field: str = "occurred_at"
    organization_field: str = "organization"
    person_field: str = "person"
    household_field: str | None = "household"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    order: int = 0  # ties in time: the lower kind first (a consultation before its referral)
    # Readers beyond the rule for case records (e.g. the organisation a referral was sent to), and the
    # grounds on which they read.
    extra_readers: Callable[[User], Q] | None = None
    extra_grounds: Callable[[User, Any], Grounds | None] | None = None
    # A narrower rule a kind may add: every reader must also meet it (a 支援会議's minutes: its acknowledged
    # members and the coordinator only, whatever grant their organisation holds on the person). Such a
    # kind's records are not counted in the "records you may not read" hint either: that a person was
    # discussed in a meeting is itself what the meeting keeps closed.
    required_readers: Callable[[User], Q] | None = None
    panel_template: str = ""  # a panel on the person's and household's pages ("" for none)
    panel_title: Any = ""
    # A form to add a record of this kind from the person's timeline: an unbound form to render, and
    # the URL name (taking the person's pk) it posts to.
    add_form: Callable[[], Any] | None = None
    add_url: str = ""
    add_title: Any = ""
    # The same form on the household's timeline, posted to this URL name (taking the household's pk): a
    # record about the household as a whole ("" for none).
    household_add_url: str = ""

    def occurred(self, record: Any) -> Any:
        return getattr(record, self.occurred_field)

    def holder_id(self, record: Any) -> int:
        return getattr(record, f"{self.organization_field}_id")

    def holder(self, record: Any) -> Any:
        return getattr(record, self.organization_field)

    def person_id(self, record: Any) -> int | None:
        return getattr(record, f"{self.person_field}_id")


@dataclass(frozen=True)
class Route:
    """A URL that takes an id: what the id is (a kind's key, "person", "household" …) and what the user needs.

    ``needs`` is "read" (the record may be read), "edit" (the record may be changed: own record or
    consent), "supervise" (a supervisor who may read it), or "holder" (only the staff of the agency that
    holds it — a consent's scanned form, its taker's — while they read the person). ``method`` is how the
    matrix calls it.
    """

    url_name: str
    target: str
    needs: str = "read"
    method: str = "GET"


@dataclass(frozen=True)
class ListRoute:
    """A URL without an id that shows personal data (a list, a search), for the audit walk (GET)."""

    url_name: str
    query: dict[str, str] = field(default_factory=dict)


_kinds: dict[str, RecordKind] = {}
_routes: dict[str, Route] = {}
_list_routes: dict[str, ListRoute] = {}


def register_kind(kind: RecordKind) -> RecordKind:
    if kind.key in _kinds and _kinds[kind.key] != kind:
        raise ValueError(f"record kind {kind.key!r} is registered twice")
    _kinds[kind.key] = kind
    return kind


def unregister_kind(key: str) -> None:
    """For tests that register a throwaway kind."""
    _kinds.pop(key, None)


def kinds() -> list[RecordKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def kind(key: str) -> RecordKind:
    return _kinds[key]


def kind_of_model(model: type[models.Model]) -> RecordKind | None:
    return next((k for k in _kinds.values() if k.model is model), None)


def register_routes(*routes: Route | ListRoute) -> None:
    for route in routes:
        if isinstance(route, ListRoute):
            _list_routes[route.url_name] = route
        else:
            _routes[route.url_name] = route


def unregister_routes(*url_names: str) -> None:
    for name in url_names:
        _routes.pop(name, None)
        _list_routes.pop(name, None)


def routes() -> list[Route]:
    return list(_routes.values())


def list_routes() -> list[ListRoute]:
    return list(_list_routes.values())
