"""Reads of 地域づくり. Places, sessions, partners, the coordinator's log and the counts name no person: the
community staff of the user's municipality read them (``staff.community_user``; 404 for anyone else and
for another town's rows). A known person's participation is a case record: read only through the records
mechanism (``visible_records``, audited with its grounds)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.community.models import (
    ActivitySession,
    CoordinatorLogEntry,
    Partner,
    Place,
    PlatformSector,
    SessionParticipation,
)
from tsunagu.community.staff import community_user
from tsunagu.core.models import User
from tsunagu.records.registry import kind
from tsunagu.records.selectors import AuditedRecords, RecordView, record_get_for_user, records_for_user, visible_records


def place_list_for_user(*, user: User, program_id: int | None = None, include_closed: bool = False) -> QuerySet[Place]:
    """The municipality's places with their programme, host, coordinator and district, and their session
    count (one query)."""
    community_user(user)
    rows = Place.objects.filter(municipality_id=user.municipality_id).select_related(
        "program", "organization", "host_organization", "coordinator", "district"
    ).annotate(session_count=Count("sessions"))  # fmt: skip
    if program_id:
        rows = rows.filter(program_id=program_id)
    if not include_closed:
        rows = rows.filter(closed_on__isnull=True)
    return rows.order_by("program__order", "name")


def place_get_for_user(*, user: User, pk: int) -> Place:
    community_user(user)
    try:
        return Place.objects.select_related(
            "program", "organization", "host_organization", "coordinator", "district"
        ).get(municipality_id=user.municipality_id, pk=pk)  # fmt: skip
    except Place.DoesNotExist as exc:
        raise Http404 from exc


def _sessions(user: User) -> QuerySet[ActivitySession]:
    return ActivitySession.objects.filter(municipality_id=user.municipality_id).select_related(
        "place", "place__program", "recorded_by"
    ).prefetch_related(Prefetch("partners", queryset=Partner.objects.order_by("name")))  # fmt: skip


def session_list_for_place(*, user: User, place: Place) -> QuerySet[ActivitySession]:
    community_user(user)
    return _sessions(user).filter(place=place).annotate(known=Count("participations")).order_by("-held_on", "-id")


def session_get_for_user(*, user: User, pk: int) -> ActivitySession:
    community_user(user)
    try:
        return _sessions(user).get(pk=pk)
    except ActivitySession.DoesNotExist as exc:
        raise Http404 from exc


def sector_list_for_user(*, user: User) -> QuerySet[PlatformSector]:
    """The platform's sectors with their partners (two queries)."""
    community_user(user)
    return PlatformSector.objects.filter(municipality_id=user.municipality_id).prefetch_related(
        Prefetch("partners", queryset=Partner.objects.select_related("organization").order_by("name"))
    ).order_by("order", "name")  # fmt: skip


def partner_list_for_user(*, user: User) -> QuerySet[Partner]:
    community_user(user)
    return Partner.objects.filter(municipality_id=user.municipality_id).select_related("sector", "organization")


def log_list_for_user(*, user: User, program_id: int | None = None) -> QuerySet[CoordinatorLogEntry]:
    community_user(user)
    rows = CoordinatorLogEntry.objects.filter(municipality_id=user.municipality_id).select_related(
        "coordinator", "place", "district", "program", "organization"
    ).prefetch_related(Prefetch("partners", queryset=Partner.objects.order_by("name")))  # fmt: skip
    if program_id:
        rows = rows.filter(program_id=program_id)
    return rows.order_by("-worked_on", "-id")


def participations_of_session(*, user: User, session: ActivitySession, request: HttpRequest | None = None
                              ) -> AuditedRecords:  # fmt: skip
    """The known participants of a session the user may read (the one rule), audited as shown."""
    rows = visible_records(user, kind("community_participation")).filter(session=session).select_related(
        "person", "staff", "organization"
    )  # fmt: skip
    return records_for_user(user=user, kind="community_participation", rows=rows.order_by("-occurred_at", "-id"),
                            summary="活動の参加者を表示", request=request)  # fmt: skip


def participation_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    """A participation the user may read, with its grounds; 404 otherwise. Audited."""
    return record_get_for_user(user=user, kind="community_participation", pk=pk, request=request)


def participation_visible(user: User) -> QuerySet[SessionParticipation]:
    return visible_records(user, kind("community_participation"))
