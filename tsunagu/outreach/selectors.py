"""Reads of outreach records, through the case-record mechanism (``tsunagu.records``): the one access rule,
404 outside it, every record shown audited with its grounds. Nothing here restates who may read what."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access.policy import casework_organization_ids
from tsunagu.core.models import District, User
from tsunagu.outreach.models import OutreachInformation, OutreachTarget, SourceType, Stage
from tsunagu.people.models import HouseholdMember
from tsunagu.people.protection import possibly_protected
from tsunagu.people.selectors import location_hidden_for_user
from tsunagu.records.registry import kind
from tsunagu.records.selectors import (
    AuditedRecords,
    RecordView,
    record_check_for_user,
    record_get_for_user,
    records_for_user,
    visible_records,
)


def targets_visible(user: User) -> QuerySet[OutreachTarget]:
    return visible_records(user, kind("outreach_target"))


def information_visible(user: User) -> QuerySet[OutreachInformation]:
    return visible_records(user, kind("outreach_information"))


def source_visible(user: User, record: OutreachInformation) -> bool:
    """Whether the reader sees who gave the information (name, contact): the holder's own staff only — never
    an agency reading on a consent or a 支援会議, and never the person (who has no login)."""
    return record.organization_id in casework_organization_ids(user)


def location_kept() -> Q:
    """Targets whose 地区 would say where a protected person lives (DV): the person possibly protected, or a
    household with a protected member. A filter or a count by 地区 leaves them out, for every reader, as the
    consultations' district filter does — a count of one in a small 地区 is an address."""
    protected_member = HouseholdMember.objects.filter(household_id=OuterRef("household_id"),
                                                      person__address_protected=True)  # fmt: skip
    return possibly_protected(through="person") | Q(Exists(protected_member))


def _location_marked(user: User, view: RecordView) -> RecordView:
    """A target's 地区 and a 気になる情報's address are where its person is: ``location_hidden`` on the record
    says they are kept from this reader (DV: not the protecting agency nor its named staff), for the page and
    the API alike. The fields themselves are left as they are (a write may start from this record)."""
    person = view.record.person
    view.record.location_hidden = person is not None and location_hidden_for_user(user=user, person=person)
    return view


def _lists_marked(rows: QuerySet[Any]) -> QuerySet[Any]:
    """In a list, every possibly protected location is kept (one condition in the query, no read per row)."""
    return rows.annotate(location_hidden=ExpressionWrapper(location_kept(), output_field=BooleanField()))


def target_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    """A target the user may read, with the grounds; 404 otherwise. The read is audited."""
    return _location_marked(user, record_get_for_user(user=user, kind="outreach_target", pk=pk, request=request))


def target_check_for_user(*, user: User, pk: int) -> OutreachTarget:
    """The target a write starts from: 404 outside access; the write is audited by its service."""
    return record_check_for_user(user=user, kind="outreach_target", pk=pk)


def information_get_for_user(*, user: User, pk: int, request: HttpRequest | None = None) -> RecordView:
    return _location_marked(user, record_get_for_user(user=user, kind="outreach_information", pk=pk, request=request))


def information_check_for_user(*, user: User, pk: int) -> OutreachInformation:
    return record_check_for_user(user=user, kind="outreach_information", pk=pk)


def target_list_for_user(
    *, user: User, worker: User | None = None, district_id: int | None = None, stage: str = "", open_only: bool = True,
    commissioner_district_id: int | None = None, request: HttpRequest | None = None,
) -> AuditedRecords:  # fmt: skip
    """The worker's list: the targets the user may read, the next action due first (then those with none,
    longest without action first); audited as shown. Each row brings its person, worker and district (one
    query a page: the counts are on the row)."""
    rows = _lists_marked(targets_visible(user).select_related("person", "worker", "district", "organization"))
    if worker is not None:
        rows = rows.filter(worker=worker)
    if district_id:
        rows = rows.filter(district_id=district_id).exclude(location_kept())
    if commissioner_district_id:
        rows = rows.filter(district__outreach_setting__commissioner_district_id=commissioner_district_id).exclude(
            location_kept()
        )
    if stage:
        rows = rows.filter(stage=stage)
    elif open_only:
        rows = rows.exclude(stage=Stage.ENDED)
    rows = rows.order_by("next_action_on", "last_action_at", "id")
    return records_for_user(user=user, kind="outreach_target", rows=rows, summary="アウトリーチの対象の一覧を表示",
                            request=request)  # fmt: skip


def days_since(at: Any, today: date | None = None) -> int | None:
    if at is None:
        return None
    return ((today or timezone.localdate()) - timezone.localtime(at).date()).days


def days_to_first_contact(target: OutreachTarget) -> int | None:
    """From the first information (or the opening) to the first contact that reached the person."""
    if target.first_contact_at is None:
        return None
    return (timezone.localtime(target.first_contact_at).date() - timezone.localtime(target.occurred_at).date()).days


@dataclass(frozen=True)
class DistrictRow:
    district: District | None
    counts: dict[str, int]  # stage → open targets
    total: int


def district_table_for_user(*, user: User) -> list[DistrictRow]:
    """Open targets the user may read, counted by district and stage (one query; no personal data): the
    district table of the worker's list."""
    grouped = (
        targets_visible(user).exclude(stage=Stage.ENDED).order_by()
        .annotate(kept=ExpressionWrapper(location_kept(), output_field=BooleanField()))
        .values_list("district_id", "kept", "stage").annotate(n=Count("id"))
    )  # fmt: skip
    by_district: dict[int | None, dict[str, int]] = defaultdict(dict)
    for district_id, kept, stage, n in grouped:
        # A protected location is counted with the targets of unknown 地区: counted, never placed.
        key = None if kept else district_id
        by_district[key][stage] = by_district[key].get(stage, 0) + n
    districts = {d.pk: d for d in District.objects.filter(pk__in=[k for k in by_district if k])}
    ordered = sorted(
        by_district, key=lambda k: (k is None, districts[k].order if k else 0, districts[k].name if k else "")
    )
    return [DistrictRow(districts.get(k) if k else None, by_district[k], sum(by_district[k].values())) for k in ordered]


def information_list_for_user(
    *, user: User, unassigned: bool = True, request: HttpRequest | None = None
) -> AuditedRecords:
    """気になる情報 the user may read, newest first; ``unassigned``: those not yet gathered into a target."""
    rows = _lists_marked(
        information_visible(user).select_related("person", "household", "staff", "district", "reporter_organization")
    )
    if unassigned:
        rows = rows.filter(target__isnull=True)
    return records_for_user(user=user, kind="outreach_information", rows=rows.order_by("-occurred_at", "-id"),
                            summary="気になる情報の一覧を表示", request=request)  # fmt: skip


def signals_for_target(*, user: User, target: OutreachTarget, request: HttpRequest | None = None) -> list[Any]:
    """Every 気になる情報 the user may read about the target, its person or its household — whoever noticed —
    newest first, audited as shown: the signals from different sources side by side."""
    about = Q(target=target)
    if target.person_id:
        about |= Q(person_id=target.person_id)
    if target.household_id:
        about |= Q(household_id=target.household_id)
    rows = information_visible(user).filter(about).select_related("staff", "reporter_organization", "organization")
    shown = records_for_user(user=user, kind="outreach_information", rows=rows.order_by("-occurred_at", "-id"),
                             summary="アウトリーチの対象の気になる情報を表示", request=request)  # fmt: skip
    return shown[:200]


def signals_by_source(signals: list[OutreachInformation]) -> list[tuple[str, list[OutreachInformation]]]:
    """The signals grouped by kind of source (民生委員, 学校, …), in the list's order of sources."""
    groups: dict[str, list[OutreachInformation]] = defaultdict(list)
    for info in signals:
        groups[info.source_type].append(info)
    return [(str(SourceType(s).label), groups[s]) for s in SourceType.values if s in groups]


def contacts_of_target(*, user: User, target: OutreachTarget, request: HttpRequest | None = None) -> AuditedRecords:
    rows = visible_records(user, kind("outreach_contact")).filter(target=target).select_related("staff")
    return records_for_user(user=user, kind="outreach_contact", rows=rows.order_by("-occurred_at", "-id"),
                            summary="アウトリーチの接触の記録を表示", request=request)  # fmt: skip


def stage_changes_of_target(*, user: User, target: OutreachTarget, request: HttpRequest | None = None) -> list[Any]:
    rows = visible_records(user, kind("outreach_stage_change")).filter(target=target).select_related("staff")
    shown = records_for_user(user=user, kind="outreach_stage_change", rows=rows.order_by("occurred_at", "id"),
                             summary="アウトリーチの段階の経過を表示", request=request)  # fmt: skip
    return shown[:500]


def idle_targets(*, idle_days: int, now: Any) -> QuerySet[OutreachTarget]:
    """Open targets with no action for ``idle_days`` days (for the reminder job; no user: the job notifies
    the assigned worker, who reads the target through the rule)."""
    cutoff = now - timedelta(days=idle_days)
    return OutreachTarget.objects.exclude(stage=Stage.ENDED).filter(last_action_at__lte=cutoff, worker__is_active=True)
