"""The ranking of resources for a person (丁寧なマッチング): a pure function of the person's conditions and the
resources' facts, each score explained criterion by criterion, so the worker can say why to the person and
overrule it. Documented in docs/participation.md; tested in ``tests/test_matching.py``.

Five criteria, 100 points in all:

=============  ====  ===============================================================================
地区・交通      30    same district 30; another district of the town 20 (10 on foot; 5 when the person
                     needs a pickup the resource does not give; a pickup makes it 20); outside the town
                     0 unless the person can travel there, then 10 by car or public transport
時間帯         25    the share of the resource's hours inside the person's available hours, times the
                     share of its days the person can come; half (12) when either side has no hours
条件           20    20, less 10 for each unmet need: barrier-free, staff on site, free of charge
興味・関心      15    the person's interests found in the resource's keywords, kind, name or
                     description: two or more 15, one 10, none 0
空き           10    no limit or room left 10
=============  ====  ===============================================================================

A resource that is closed, full or outside the person's age is not ranked: it comes last with why.
Ties keep the registry's order (kind, then name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time

from django.utils.translation import gettext as _

from tsunagu.participation.models import WEEKDAYS, ParticipationSupport, Resource, Transport

MAX = {"district": 30, "hours": 25, "conditions": 20, "interests": 15, "capacity": 10}
LABELS = {
    "district": "地区・交通",
    "hours": "時間帯",
    "conditions": "条件",
    "interests": "興味・関心",
    "capacity": "空き",
}


@dataclass(frozen=True)
class Needs:
    """What the ranking reads of the person (from their support record)."""

    district_id: int | None = None
    district_name: str = ""
    weekdays: str = ""
    available_from: time | None = None
    available_until: time | None = None
    transport: str = Transport.WALK
    travel_outside_town: bool = False
    needs_accessibility: bool = False
    needs_staff_support: bool = False
    free_only: bool = False
    age: int | None = None
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    criterion: str
    points: int
    maximum: int
    text: str

    @property
    def label(self) -> str:
        return _(LABELS[self.criterion])

    def as_dict(self) -> dict[str, object]:
        return {"criterion": self.criterion, "label": self.label, "points": self.points,
                "maximum": self.maximum, "text": self.text}  # fmt: skip


@dataclass(frozen=True)
class Scored:
    resource: Resource
    score: int
    reasons: list[Reason] = field(default_factory=list)
    excluded: str = ""  # why it is not ranked ("" when it is)

    @property
    def explanation(self) -> list[dict[str, object]]:
        return [r.as_dict() for r in self.reasons]


def words(text: str) -> tuple[str, ...]:
    """Keywords written with 、, ・, commas or spaces."""
    return tuple(w for w in re.split(r"[、,，・\s]+", text or "") if w)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _hhmm(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def district_reason(needs: Needs, resource: Resource) -> Reason:
    m = MAX["district"]
    if resource.outside_town:
        if not needs.travel_outside_town:
            return Reason("district", 0, m, _("町外の資源で、本人は町内を希望している"))
        if needs.transport in (Transport.CAR, Transport.PUBLIC) and (
            resource.public_transport or needs.transport == Transport.CAR
        ):
            return Reason(
                "district", 10, m, _("町外だが、本人は%(means)sで通える") % {"means": Transport(needs.transport).label}
            )
        return Reason("district", 0, m, _("町外で、本人の移動手段では通いにくい"))
    if needs.district_id is not None and resource.district_id == needs.district_id:
        return Reason("district", m, m, _("住まいと同じ地区（%(district)s）") % {"district": needs.district_name})
    if resource.pickup:
        return Reason("district", 20, m, _("町内の別の地区だが、送迎がある"))
    if needs.transport == Transport.NEEDS_PICKUP:
        return Reason("district", 5, m, _("町内の別の地区で、送迎がなく本人の移動が難しい"))
    if needs.transport == Transport.WALK:
        return Reason("district", 10, m, _("町内の別の地区（徒歩では遠い）"))
    return Reason(
        "district", 20, m, _("町内の別の地区で、本人は%(means)sで通える") % {"means": Transport(needs.transport).label}
    )


def hours_reason(needs: Needs, resource: Resource) -> Reason:
    m = MAX["hours"]
    if not (needs.available_from and needs.available_until and resource.starts_at and resource.ends_at):
        return Reason("hours", m // 2, m, _("時間帯の記録がないため中間の点"))
    start, end = _minutes(resource.starts_at), _minutes(resource.ends_at)
    free_from, free_until = _minutes(needs.available_from), _minutes(needs.available_until)
    length = max(end - start, 1)
    inside = max(0, min(end, free_until) - max(start, free_from)) / length
    days = 1.0
    resource_days = [d for d in resource.weekdays if d in WEEKDAYS]
    if resource_days and needs.weekdays:
        days = sum(d in needs.weekdays for d in resource_days) / len(resource_days)
    points = round(m * inside * days)
    hours = _("%(start)s〜%(end)s") % {"start": _hhmm(resource.starts_at), "end": _hhmm(resource.ends_at)}
    window = _("%(start)s〜%(end)s") % {"start": _hhmm(needs.available_from), "end": _hhmm(needs.available_until)}
    if days == 0:
        return Reason(
            "hours", 0, m, _("曜日（%(days)s）が本人の参加できる曜日と合わない") % {"days": resource.weekdays}
        )
    if inside == 1:
        text = _("活動時間（%(hours)s）が本人の参加できる時間（%(window)s）に収まる") % {
            "hours": hours,
            "window": window,
        }
    elif inside == 0:
        text = _("活動時間（%(hours)s）が本人の参加できる時間（%(window)s）の外") % {"hours": hours, "window": window}
    else:
        text = _("活動時間（%(hours)s）の一部が本人の参加できる時間（%(window)s）に重なる") % {"hours": hours,
                                                                                       "window": window}  # fmt: skip
    if days < 1:
        text += _("（曜日の一部が合わない）")
    return Reason("hours", points, m, text)


def conditions_reason(needs: Needs, resource: Resource) -> Reason:
    m = MAX["conditions"]
    unmet = []
    if needs.needs_accessibility and not resource.accessible:
        unmet.append(_("バリアフリーでない"))
    if needs.needs_staff_support and not resource.staff_support:
        unmet.append(_("現地に支援者がいない"))
    if needs.free_only and not resource.free_of_charge:
        unmet.append(_("費用がかかる"))
    if not unmet:
        met = [t for need, ok, t in ((needs.needs_staff_support, resource.staff_support, _("現地に支援者がいる")),
                                     (needs.needs_accessibility, resource.accessible, _("バリアフリー")),
                                     (needs.free_only, resource.free_of_charge, _("無料"))) if need and ok]  # fmt: skip
        return Reason("conditions", m, m, _("必要な条件を満たす") + (f"（{'・'.join(met)}）" if met else ""))
    return Reason(
        "conditions", max(0, m - 10 * len(unmet)), m, _("満たさない条件: %(unmet)s") % {"unmet": "・".join(unmet)}
    )


def interests_reason(needs: Needs, resource: Resource) -> Reason:
    m = MAX["interests"]
    if not needs.interests:
        return Reason("interests", 0, m, _("興味・関心の記録がない"))
    haystack = " ".join((resource.keywords, resource.kind.name, resource.name, resource.description))
    found = [w for w in needs.interests if w in haystack]
    points = 15 if len(found) >= 2 else 10 if found else 0
    if not found:
        return Reason(
            "interests",
            0,
            m,
            _("本人の興味・関心（%(words)s）に合う内容が見当たらない") % {"words": "・".join(needs.interests)},
        )
    return Reason("interests", points, m, _("本人の興味・関心に合う: %(words)s") % {"words": "・".join(found)})


def capacity_reason(resource: Resource, taken: int) -> Reason:
    m = MAX["capacity"]
    if resource.capacity is None:
        return Reason("capacity", m, m, _("定員の定めなし"))
    return Reason("capacity", m, m, _("空きあり（定員%(capacity)d人のうち残り%(left)d人）")
                  % {"capacity": resource.capacity, "left": resource.capacity - taken})  # fmt: skip


def exclusion(needs: Needs, resource: Resource, taken: int) -> str:
    if not resource.is_open:
        return _("受け入れを終了している")
    if resource.capacity is not None and taken >= resource.capacity:
        return _("満員（定員%(capacity)d人）") % {"capacity": resource.capacity}
    if needs.age is not None:
        if resource.min_age is not None and needs.age < resource.min_age:
            return _("対象年齢（%(min)d歳以上）に達していない") % {"min": resource.min_age}
        if resource.max_age is not None and needs.age > resource.max_age:
            return _("対象年齢（%(max)d歳まで）を超えている") % {"max": resource.max_age}
    return ""


def needs_of(support: ParticipationSupport) -> Needs:
    """What the ranking reads of a support record."""
    return Needs(
        district_id=support.district_id, district_name=support.district.name if support.district else "",
        weekdays=support.weekdays, available_from=support.available_from, available_until=support.available_until,
        transport=support.transport, travel_outside_town=support.travel_outside_town,
        needs_accessibility=support.needs_accessibility, needs_staff_support=support.needs_staff_support,
        free_only=support.free_only, age=support.age, interests=words(support.interests),
    )  # fmt: skip


def score(needs: Needs, resource: Resource, taken: int = 0) -> Scored:
    """One resource's score for the person, with a reason per criterion (or why it is not ranked).
    ``taken``: how many people the resource now holds (matches in 見学・体験, 参加中 or 定着)."""
    excluded = exclusion(needs, resource, taken)
    if excluded:
        return Scored(resource, 0, [], excluded)
    reasons = [district_reason(needs, resource), hours_reason(needs, resource), conditions_reason(needs, resource),
               interests_reason(needs, resource), capacity_reason(resource, taken)]  # fmt: skip
    return Scored(resource, sum(r.points for r in reasons), reasons)


def rank(needs: Needs, resources: Iterable[Resource], taken: dict[int, int] | None = None) -> list[Scored]:
    """Every resource scored, best first; those not ranked (closed, full, outside the age) last."""
    taken = taken or {}
    scored = [score(needs, r, taken.get(r.pk, 0)) for r in resources]
    # sorted() is stable: equal scores keep the order the resources came in.
    return sorted(scored, key=lambda s: (bool(s.excluded), -s.score))
