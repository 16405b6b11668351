"""Reading records of every registered kind: one access rule, and a read that is always audited.

- ``record_get_for_user`` reads one record: 404 outside the rule, one audit entry with the grounds.
- ``record_check_for_user`` is the explicit pre-check of a write (a referral from a consultation, a
  note on it): it answers 404 the same way, writes no read entry — the write is audited by its service.
- ``records_for_user`` wraps a list's queryset so that whatever is shown is audited when it is fetched.
- ``timeline_for_user`` / ``timeline_export_for_user`` build the person's or household's timeline from
  every registered kind: one indexed query per kind, merged in time order, a page at a time.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, F, Model, Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access.disclosure import Shown, disclosure_audit, shown_audit
from tsunagu.access.grants_about import GrantsAbout, case_record_visible_about, grants_about
from tsunagu.access.policy import (
    Grounds,
    case_record_visible,
    casework_memberships,
    own_record_grounds,
    sharing_grants_for,
)
from tsunagu.audit.models import Action
from tsunagu.core.models import User
from tsunagu.records import registry
from tsunagu.records.registry import RecordKind


def _readable(user: User, kind: RecordKind, about: GrantsAbout | None = None) -> Q:
    # About known people, the rule is built from their grants read once, not two subqueries per kind.
    fields = {"organization_field": kind.organization_field, "person_field": kind.person_field}
    condition = case_record_visible_about(about, **fields) if about else case_record_visible(user, **fields)
    if kind.extra_readers is not None:
        condition |= kind.extra_readers(user)
    if kind.required_readers is not None:
        condition &= kind.required_readers(user)
    return condition


def visible_records(user: User, kind: RecordKind) -> QuerySet[Any]:
    """The records of ``kind`` the user may read (not audited: show them through the functions below)."""
    return kind.model._default_manager.filter(municipality_id=user.municipality_id).filter(_readable(user, kind))


def grounds_for(user: User, items: Iterable[tuple[RecordKind, Any]]) -> dict[tuple[str, int], Grounds]:
    """Why the user may read each record: their organisation's own record, the kind's own extra grounds
    (a referral's receiver), or the strongest sharing grant on the person. One query for all of them."""
    own = {m.organization_id: m.organization for m in casework_memberships(user)}
    result: dict[tuple[str, int], Grounds] = {}
    through_person: list[tuple[RecordKind, Any]] = []
    for kind, record in items:
        holder = kind.holder_id(record)
        if holder in own:
            result[(kind.key, record.pk)] = own_record_grounds(own[holder], f"{kind.key}:{record.pk}")
        elif kind.extra_grounds is not None and (extra := kind.extra_grounds(user, record)) is not None:
            result[(kind.key, record.pk)] = extra
        else:
            through_person.append((kind, record))
    if through_person:
        shared = sharing_grants_for(user, [pid for k, r in through_person if (pid := k.person_id(r)) is not None])
        for kind, record in through_person:
            if (grounds := shared.get(kind.person_id(record) or 0)) is not None:
                result[(kind.key, record.pk)] = grounds
    return result


def shown_of(user: User, items: Iterable[tuple[RecordKind, Any]]) -> list[Shown]:
    items = list(items)
    grounds = grounds_for(user, items)
    return [
        Shown(kind.key, record.pk, kind.person_id(record), grounds[(kind.key, record.pk)])
        for kind, record in items
        if (kind.key, record.pk) in grounds
    ]


@dataclass(frozen=True)
class RecordView:
    kind: RecordKind
    record: Any
    grounds: Grounds


def _fetch(user: User, kind: RecordKind, pk: int) -> Any:
    record = (
        visible_records(user, kind)
        .select_related(kind.organization_field, *kind.select_related)
        .prefetch_related(*kind.prefetch_related)
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


def record_get_for_user(
    *, user: User, kind: str, pk: int, request: HttpRequest | None = None, action: Action = Action.READ,
    summary: str = "",
) -> RecordView:  # fmt: skip
    """One record the user may read, with the grounds; 404 otherwise. Always writes the read (or export)."""
    record_kind = registry.kind(kind)
    record = _fetch(user, record_kind, pk)
    grounds = grounds_for(user, [(record_kind, record)]).get((kind, record.pk))
    if grounds is None:  # visible by the rule but no grounds found: never show what cannot be explained
        raise Http404
    verb = "を印刷・出力" if action == Action.EXPORT else "を閲覧"
    disclosure_audit(
        user=user, grounds=grounds, obj=record, person_id=record_kind.person_id(record), action=action,
        summary=summary or f"{record_kind.label}{verb}", request=request,
    )  # fmt: skip
    return RecordView(kind=record_kind, record=record, grounds=grounds)


def record_check_for_user(*, user: User, kind: str, pk: int) -> Any:
    """The record, if the user may read it (404 otherwise), for a write whose service audits it."""
    return _fetch(user, registry.kind(kind), pk)


class AuditedRecords:
    """A list's rows of one kind, audited when fetched: a page, a slice or an iteration writes one entry
    per organisation and basis, naming the records shown. ``shown_if`` picks the rows that show personal
    data (the open-referrals list shows a name only where the referral may be read)."""

    ITERATION_LIMIT = 1000

    def __init__(
        self, *, user: User, kind: RecordKind, rows: QuerySet[Any], summary: str, request: HttpRequest | None,
        shown_if: Callable[[Any], bool] | None = None,
    ):  # fmt: skip
        self._user, self._kind, self._rows, self._summary, self._request = user, kind, rows, summary, request
        self._shown_if = shown_if

    def _audit(self, rows: list[Any]) -> list[Any]:
        shown = [r for r in rows if self._shown_if is None or self._shown_if(r)]
        if shown:
            shown_audit(
                user=self._user, summary=self._summary, request=self._request,
                shown=shown_of(self._user, [(self._kind, r) for r in shown]),
            )  # fmt: skip
        return rows

    def __getitem__(self, index: slice) -> list[Any]:
        return self._audit(list(self._rows[index]))

    def page_slice(self, start: int, size: int) -> list[Any]:
        rows = list(self._rows[start : start + size + 1])
        self._audit(rows[:size])
        return rows

    def count_upto(self, limit: int) -> int:
        """How many rows the list has, counted no further than ``limit``: one bounded COUNT of ids, in no
        order. A count shows no record, so it is not audited."""
        return int(self._rows.order_by().values("pk")[:limit].count())

    def __iter__(self) -> Iterator[Any]:
        return iter(self[: self.ITERATION_LIMIT])

    # An API list pages by keyset (``tsunagu.api.pagination.keyset_page``): it narrows the selector's rows
    # to those after the cursor and shows them through ``over``, so that the same reader, kind, summary
    # and ``shown_if`` audit what it returns. ``rows`` is not audited: never show it directly.

    @property
    def rows(self) -> QuerySet[Any]:
        return self._rows

    @property
    def ordering(self) -> tuple[str, ...]:
        """The selector's order, which a keyset page continues: field names ending with the primary key
        (a tie on the other fields must not skip or repeat a row)."""
        fields = tuple(f for f in self._rows.query.order_by if isinstance(f, str))
        if not fields or len(fields) != len(self._rows.query.order_by) or fields[-1].lstrip("-") not in ("id", "pk"):
            raise ValueError(f"a keyset page needs an order by field names ending with the id, not {fields!r}")
        return fields

    def over(self, rows: QuerySet[Any]) -> AuditedRecords:
        """The same list over ``rows``, which must be narrowed from ``self.rows``."""
        return AuditedRecords(
            user=self._user, kind=self._kind, rows=rows, summary=self._summary, request=self._request,
            shown_if=self._shown_if,
        )  # fmt: skip


def records_for_user(
    *, user: User, kind: str, rows: QuerySet[Any], summary: str, request: HttpRequest | None = None,
    shown_if: Callable[[Any], bool] | None = None,
) -> AuditedRecords:  # fmt: skip
    return AuditedRecords(
        user=user, kind=registry.kind(kind), rows=rows, summary=summary, request=request, shown_if=shown_if
    )


# --- The timeline --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    kind: RecordKind
    record: Any
    at: datetime

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, self.kind.order, self.record.pk)

    @property
    def organization(self) -> str:
        return str(self.kind.holder(self.record))

    @property
    def person_id(self) -> int | None:
        return self.kind.person_id(self.record)


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]  # newest first
    older: str  # the cursor of the next (older) page, "" on the last page
    first_page: bool


class BadCursor(Http404):
    """A cursor that was not written by this page: answered as 404, like any id that does not exist."""


def _cursor(item: TimelineItem) -> str:
    return f"{item.at.isoformat()}~{item.kind.order}~{item.record.pk}"


_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}:\d{2})~(\d{1,4})~(\d{1,18})")


def _parse_cursor(text: str) -> tuple[datetime, int, int]:
    """The position a page's 「さらに古い記録」 link wrote; anything else is 404 (ASCII digits, a real time)."""
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise BadCursor
    try:
        at = datetime.fromisoformat(match[1])
        at.astimezone(UTC)  # a time at the calendar's edge cannot be compared in the database
    except (ValueError, OverflowError) as error:
        raise BadCursor from error
    if not 1900 <= at.year <= 2200 or int(match[3]) == 0:
        raise BadCursor
    return at, int(match[2]), int(match[3])


def _about(kind: RecordKind, person_ids: list[int], household_id: int | None) -> Q:
    # The household's own records are those about no one member: a record about a member is on the
    # timeline through that member, so a hidden member's records never appear through the household.
    about = Q(**{f"{kind.person_field}_id__in": person_ids}) if person_ids else Q(pk__in=[])
    if household_id is not None and kind.household_field:
        about |= Q(**{f"{kind.household_field}_id": household_id, f"{kind.person_field}__isnull": True})
    return about


def _kind_rows(
    user: User, kind: RecordKind, person_ids: list[int], household_id: int | None, grants: GrantsAbout | None = None
) -> QuerySet[Any]:
    # ``grants`` (of exactly these people) is read once for every kind of a page; the rule is the same.
    about = grants if grants is not None and grants.person_ids == frozenset(person_ids) else None
    return (
        kind.model._default_manager.filter(municipality_id=user.municipality_id)
        .filter(_readable(user, kind, about))
        .filter(_about(kind, person_ids, household_id))
        .select_related(kind.organization_field, *kind.select_related)
        .prefetch_related(*kind.prefetch_related)
    )


def records_about_for_user(
    *, user: User, kind: str, person_ids: list[int], household_id: int | None = None
) -> QuerySet[Any]:
    """The records of ``kind`` about these people (and the household's own) that the user may read: the
    rows of the timeline, for a page that shows them elsewhere (a consultation's 支援経過). Not audited:
    show them through ``records_for_user``."""
    return _kind_rows(user, registry.kind(kind), person_ids, household_id, grants_about(user, person_ids))


@dataclass(frozen=True)
class HiddenRecords:
    """Records about a person that exist but that the user may not read: how many, and which organisations
    hold them (names and counts only, never what they say)."""

    count: int
    by_organization: list[tuple[str, int]]


def hidden_records_of_person(*, user: User, person_id: int) -> HiddenRecords:
    """How many records of every kind about a person the user may not read, by holding organisation.

    Only for a person the caller has already fetched through the access core (``person_get_for_user``):
    for anyone else the page is 404 and nothing is counted. One query: a grouped COUNT per kind, on the
    person's index, as UNION ALL (none when a sharing grant opens them all). Not audited as a read: no
    record is shown, only that some exist and who holds them (the page's read of the person is audited).
    Whether to show it at all for a protected (DV) person is the caller's decision (docs/records.md).
    """
    grants = grants_about(user, [person_id])
    if person_id in grants.shared:
        # A sharing grant opens every case record about the person: nothing is hidden by the case rule, and
        # a kind's extra readers only add to it (kinds with a narrower rule are not counted at all).
        return HiddenRecords(count=0, by_organization=[])
    parts = [
        kind.model._default_manager.filter(municipality_id=user.municipality_id)
        .filter(**{f"{kind.person_field}_id": person_id})
        .exclude(_readable(user, kind, grants))
        .values(organization_name=F(f"{kind.organization_field}__name"))
        .annotate(n=Count("pk"))
        .order_by()
        for kind in registry.kinds()
        if kind.required_readers is None
    ]
    counts: dict[str, int] = {}
    if parts:
        # One query for every kind: a grouped COUNT per kind, each on the person's index, as UNION ALL.
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for row in rows:
            counts[row["organization_name"]] = counts.get(row["organization_name"], 0) + row["n"]
    by_organization = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return HiddenRecords(count=sum(counts.values()), by_organization=by_organization)


def _older_than(kind: RecordKind, cursor: tuple[datetime, int, int]) -> Q:
    at, order, pk = cursor
    field = kind.occurred_field
    earlier = Q(**{f"{field}__lt": at})
    if kind.order < order:
        return earlier | Q(**{field: at})
    if kind.order == order:
        return earlier | Q(**{field: at, "pk__lt": pk})
    return earlier


def timeline_for_user(
    *, user: User, person_ids: list[int], household_id: int | None = None, before: str = "", size: int = 50,
    subject: Model | None = None, subject_person_id: int | None = None, request: HttpRequest | None = None,
) -> TimelinePage:  # fmt: skip
    """A page of the records about these people (and household) of every kind the user may read,
    newest first. One query per kind, each taking at most ``size`` + 1 rows from its index."""
    cursor = _parse_cursor(before) if before else None
    fetched: list[TimelineItem] = []
    grants = grants_about(user, person_ids)
    for kind in registry.kinds():
        rows = _kind_rows(user, kind, person_ids, household_id, grants)
        if cursor is not None:
            rows = rows.filter(_older_than(kind, cursor))
        rows = rows.order_by(f"-{kind.occurred_field}", "-pk")[: size + 1]
        fetched.extend(TimelineItem(kind, r, kind.occurred(r)) for r in rows)
    fetched.sort(key=lambda i: i.sort_key, reverse=True)
    items = fetched[:size]
    shown_audit(
        user=user, summary="支援経過（経過一覧）を閲覧", request=request, obj=subject, person_id=subject_person_id,
        shown=shown_of(user, [(i.kind, i.record) for i in items]),
    )  # fmt: skip
    return TimelinePage(items=items, older=_cursor(items[-1]) if len(fetched) > size else "", first_page=not before)


PRINT_LIMIT = 10_000  # a 経過一覧 longer than this is printed by period (a larger PDF nobody reads whole)


def timeline_export_for_user(
    *, user: User, person_ids: list[int], household_id: int | None = None, subject: Model | None = None,
    subject_person_id: int | None = None, request: HttpRequest | None = None,
) -> list[TimelineItem]:  # fmt: skip
    """Every record of the timeline, oldest first (as the paper 経過一覧), for a print: audited as an export."""

    grants = grants_about(user, person_ids)

    def stream(kind: RecordKind) -> Iterator[TimelineItem]:
        rows = _kind_rows(user, kind, person_ids, household_id, grants).order_by(kind.occurred_field, "pk")
        return (TimelineItem(kind, r, kind.occurred(r)) for r in rows[:PRINT_LIMIT])

    merged = heapq.merge(*(stream(k) for k in registry.kinds()), key=lambda i: i.sort_key)
    items = [item for _, item in zip(range(PRINT_LIMIT), merged, strict=False)]
    shown_audit(
        user=user, action=Action.EXPORT, summary="経過一覧を印刷（PDF）", request=request, obj=subject,
        person_id=subject_person_id, shown=shown_of(user, [(i.kind, i.record) for i in items]),
    )  # fmt: skip
    return items


@dataclass(frozen=True)
class Panel:
    kind: RecordKind
    rows: list[Any]


def panels_for_user(
    *, user: User, person_ids: list[int], household_id: int | None = None, limit: int = 5,
    subject: Model | None = None, subject_person_id: int | None = None, request: HttpRequest | None = None,
) -> list[Panel]:  # fmt: skip
    """The most recent records of each kind that has a panel, for the person's and household's pages."""
    panels = []
    grants = grants_about(user, person_ids)
    for kind in registry.kinds():
        if not kind.panel_template:
            continue
        rows = _kind_rows(user, kind, person_ids, household_id, grants).order_by(f"-{kind.occurred_field}", "-pk")
        panels.append(Panel(kind, list(rows[:limit])))
    shown = shown_of(user, [(p.kind, r) for p in panels for r in p.rows])
    if shown:
        shown_audit(
            user=user, summary="本人・世帯のページに記録の一覧を表示", request=request, obj=subject,
            person_id=subject_person_id, shown=shown,
        )  # fmt: skip
    return panels
