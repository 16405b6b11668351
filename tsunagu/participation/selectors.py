"""Reads of 参加支援. The registry (hosts, resources, 開拓) is the municipality's and is read by its staff; the
personal records go through the case-record mechanism (``tsunagu.records``): the one access rule, 404
outside it, every record shown audited with its grounds. Nothing here restates who may read what."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.core.models import User
from tsunagu.participation import matching, states
from tsunagu.participation.models import (
    Host,
    MatchState,
    ParticipationFollowUp,
    ParticipationMatch,
    ParticipationSupport,
    Resource,
    ResourceDevelopment,
)
from tsunagu.records.registry import kind
from tsunagu.records.selectors import (
    AuditedRecords,
    RecordView,
    record_check_for_user,
    record_get_for_user,
    records_for_user,
    visible_records,
)

# --- The registry (not personal data: the municipality's staff read it) --------------------------------


def resources_for_user(*, user: User, open_only: bool = False, kind_id: int | None = None) -> QuerySet[Resource]:
    rows = Resource.objects.filter(municipality_id=user.municipality_id).select_related("host", "kind", "district")
    if open_only:
        rows = rows.filter(closed_on__isnull=True)
    if kind_id:
        rows = rows.filter(kind_id=kind_id)
    return rows.order_by("kind__order", "name", "id")


def resource_get_for_user(*, user: User, pk: int) -> Resource:
    """A resource of the user's municipality; 404 for another's."""
    resource = resources_for_user(user=user).filter(pk=pk).first()
    if resource is None:
        raise Http404
    return resource


def hosts_for_user(*, user: User) -> QuerySet[Host]:
    return (
        Host.objects.filter(municipality_id=user.municipality_id)
        .annotate(resource_count=Count("resources"))
        .order_by("name", "id")
    )


def host_get_for_user(*, user: User, pk: int) -> Host:
    host = Host.objects.filter(municipality_id=user.municipality_id, pk=pk).first()
    if host is None:
        raise Http404
    return host


def developments_for_user(*, user: User) -> QuerySet[ResourceDevelopment]:
    return (
        ResourceDevelopment.objects.filter(municipality_id=user.municipality_id)
        .select_related("staff", "host", "organization")
        .order_by("-approached_on", "-id")
    )


def occupancy(resource_ids: list[int]) -> dict[int, int]:
    """How many people each resource holds now (matches in 見学・体験, 参加中, 定着): one grouped query, and
    no person in the answer — the ranking's 空き."""
    rows = (
        ParticipationMatch.objects.filter(resource_id__in=resource_ids, state__in=states.HOLDING)
        .order_by().values_list("resource_id").annotate(n=Count("id"))
    )  # fmt: skip
    return dict(rows)


# --- Personal records ------------------------------------------------------------------------------


def supports_visible(user: User) -> QuerySet[ParticipationSupport]:
    return visible_records(user, kind("participation_support"))


def support_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    """A support record the user may read, with the grounds; 404 otherwise. The read is audited."""
    return record_get_for_user(user=user, kind="participation_support", pk=pk, request=request)


def support_check_for_user(*, user: User, pk: int) -> ParticipationSupport:
    """The support a write starts from: 404 outside access; the write is audited by its service."""
    return record_check_for_user(user=user, kind="participation_support", pk=pk)


def match_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    return record_get_for_user(user=user, kind="participation_match", pk=pk, request=request)


def match_check_for_user(*, user: User, pk: int) -> ParticipationMatch:
    return record_check_for_user(user=user, kind="participation_match", pk=pk)


def follow_up_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    return record_get_for_user(user=user, kind="participation_follow_up", pk=pk, request=request)


def support_list_for_user(*, user: User, open_only: bool = True, request: HttpRequest | None = None) -> AuditedRecords:
    """The supports the user may read, newest first (audited as shown)."""
    rows = supports_visible(user).select_related("person", "worker", "district", "organization")
    if open_only:
        rows = rows.filter(status="open")
    return records_for_user(user=user, kind="participation_support", rows=rows.order_by("-occurred_at", "-id"),
                            summary="参加支援の一覧を表示", request=request)  # fmt: skip


def matches_of_support(*, user: User, support: ParticipationSupport,
                       request: HttpRequest | None = None) -> AuditedRecords:  # fmt: skip
    rows = visible_records(user, kind("participation_match")).filter(support=support).select_related(
        "resource", "resource__host", "staff")  # fmt: skip
    return records_for_user(user=user, kind="participation_match", rows=rows.order_by("-occurred_at", "-id"),
                            summary="参加支援のマッチングを表示", request=request)  # fmt: skip


def follow_ups_of_match(*, user: User, match: ParticipationMatch,
                        request: HttpRequest | None = None) -> AuditedRecords:  # fmt: skip
    rows = visible_records(user, kind("participation_follow_up")).filter(match=match).select_related("staff")
    return records_for_user(user=user, kind="participation_follow_up", rows=rows.order_by("-occurred_at", "-id"),
                            summary="フォローアップを表示", request=request)  # fmt: skip


def ranking_for(support: ParticipationSupport) -> list[Any]:
    """The open and closed resources of the support's municipality ranked for the person (``matching``)."""
    resources = list(
        Resource.objects.filter(municipality_id=support.municipality_id).select_related("host", "kind", "district")
        .order_by("kind__order", "name", "id")[:500]
    )  # fmt: skip
    return matching.rank(matching.needs_of(support), resources, occupancy([r.pk for r in resources]))


OPEN_MATCH_STATES = [s for s in MatchState.values if s != MatchState.ENDED]


def follow_up_gaps(*, days: int, today: date) -> QuerySet[ParticipationMatch]:
    """Matches in 参加中 or 定着 whose last contact — the newest follow-up (with the person or the host), or the
    day participation began when there is none — is ``days`` or more before ``today``; annotated with
    ``last_follow_up`` (a datetime, or None). For the reminder job: no user, it notifies the support's worker,
    who reads the match through the rule."""
    cutoff = today - timedelta(days=days)
    since = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time()))
    recent = ParticipationFollowUp.objects.filter(match=OuterRef("pk"), occurred_at__gte=since)
    return (
        ParticipationMatch.objects.filter(
            state__in=[MatchState.PARTICIPATING, MatchState.SETTLED], started_on__lte=cutoff,
            support__worker__is_active=True,
        )
        .exclude(Exists(recent))
        .annotate(last_follow_up=Max("follow_ups__occurred_at"))
        .select_related("support", "resource")
    )  # fmt: skip
