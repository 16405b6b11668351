"""Reads of お知らせ. A notice's personal detail (the person's name) is read when the list is shown, through
the case-record mechanism: one query per record kind on the page, audited as shown; a record the reader may
no longer see is named only as 「閲覧できなくなった記録」, with no link."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from tsunagu.core.models import CASEWORK_ROLES, Membership, Role, User
from tsunagu.notifications.models import Notice
from tsunagu.records import registry
from tsunagu.records.selectors import records_for_user, visible_records

PAGE_SIZE = 50


def unread_count(*, user: User) -> int:
    """The header's count: one COUNT on the ``notice_unread`` index."""
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def casework_staff_ids(organization_ids: Iterable[int]) -> list[int]:
    """Active users with a confirmed casework role at any of these organisations (who hears of a referral)."""
    return sorted(
        set(
            Membership.objects.confirmed()
            .filter(organization_id__in=list(organization_ids), role__in=CASEWORK_ROLES, user__is_active=True)
            .values_list("user_id", flat=True)
        )
    )


def auditor_ids(municipality_id: int) -> list[int]:
    return sorted(
        set(
            Membership.objects.confirmed()
            .filter(municipality_id=municipality_id, role=Role.AUDITOR, user__is_active=True)
            .values_list("user_id", flat=True)
        )
    )


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    url: str  # "" when there is nothing the reader may open
    person_name: str  # "" when the notice concerns no person or the reader may not see the record
    detail: str  # e.g. a decline's reason, shown only with the record
    gone: bool  # the record exists but the reader may no longer see it


def _record_details(user: User, notices: list[Notice], request: HttpRequest | None) -> dict[tuple[str, int], Any]:
    registered = {k.key for k in registry.kinds()}
    by_kind: dict[str, set[int]] = defaultdict(set)
    for n in notices:
        if n.record_kind in registered and n.record_id is not None:
            by_kind[n.record_kind].add(n.record_id)
    found: dict[tuple[str, int], Any] = {}
    for key, ids in by_kind.items():
        kind = registry.kind(key)
        rows = (
            visible_records(user, kind)
            .filter(pk__in=sorted(ids))
            .select_related(kind.organization_field, kind.person_field)
            .order_by("pk")
        )
        for record in records_for_user(user=user, kind=key, rows=rows, summary="お知らせの一覧を表示", request=request):
            found[(key, record.pk)] = record
    return found


def _view(notice: Notice, records: dict[tuple[str, int], Any]) -> NoticeView:
    if notice.record_kind:
        # A kind no longer registered, or a record gone or out of reach: the same neutral text.
        record = records.get((notice.record_kind, notice.record_id or 0))
        if record is None:
            return NoticeView(notice, "", "", "", gone=True)
        kind = registry.kind(notice.record_kind)
        person = getattr(record, kind.person_field, None)
        if kind.detail_url:
            url = reverse(kind.detail_url, args=[record.pk])
        elif person is not None:
            url = reverse("people:person-timeline", args=[person.pk])
        else:
            url = ""
        detail = getattr(record, "decline_reason", "") if notice.event == "referral_declined" else ""
        return NoticeView(notice, url, person.full_name if person is not None else "", detail, gone=False)
    url = ""
    if notice.url_name:
        try:
            url = reverse(notice.url_name, args=[notice.record_id] if notice.record_id is not None else [])
        except NoReverseMatch:
            url = ""
    return NoticeView(notice, url, "", "", gone=False)


def notices_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    rows = Notice.objects.filter(user=user).select_related("actor")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


class NoticeList:
    """The user's notices, newest first, for ``core.pages.page_of``. A page costs the page's query, one per
    record kind on it and the audit of what was shown — not one per notice; the count one bounded COUNT."""

    def __init__(self, *, user: User, unread_only: bool = False, request: HttpRequest | None = None) -> None:
        self._user, self._request = user, request
        self._rows = notices_for_user(user=user, unread_only=unread_only)

    def page_slice(self, start: int, size: int) -> list[Any]:
        """``size`` notices as NoticeViews, then the next notice as it is, if there is one: it only tells
        that a next page exists, so its record is neither read nor audited."""
        notices = list(self._rows[start : start + size + 1])
        records = _record_details(self._user, notices[:size], self._request)
        return [_view(n, records) for n in notices[:size]] + notices[size:]

    def count_upto(self, limit: int) -> int:
        return int(self._rows.order_by().values("pk")[:limit].count())


def notice_list_for_user(*, user: User, unread_only: bool = False, request: HttpRequest | None = None) -> NoticeList:
    """The user's own notices (everybody reads only their own)."""
    return NoticeList(user=user, unread_only=unread_only, request=request)
