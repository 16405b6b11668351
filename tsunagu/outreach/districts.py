"""The district map of open outreach targets, drawn by the system itself (no map tiles: it runs on a closed
network), and the 民生委員 district of each 地区 where the town configured one (``DistrictSetting``).

The map is schematic: one cell per 地区 at the column and row its setting gives (districts without a cell
follow in the table's order, four to a row), each with its count of open targets by stage. It is drawn as
inline SVG with a title and description; the district table next to it is its text alternative. Counts only,
over the targets the reader may read (``selectors.district_table_for_user``): no personal data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tsunagu.core.models import District, User
from tsunagu.outreach import stages
from tsunagu.outreach.models import CommissionerDistrict, DistrictSetting
from tsunagu.outreach.selectors import DistrictRow, district_table_for_user

CELL_W, CELL_H, GAP, MARGIN = 170, 96, 10, 10
AUTO_COLUMNS = 4
# The cell's shade by its count of open targets (grey levels: the map must print in grey too).
SHADES = ((0, "#f4f4f4"), (1, "#dde6ee"), (3, "#b8cadb"), (6, "#8faac4"))


def settings_by_district(municipality_id: int) -> dict[int, DistrictSetting]:
    rows = DistrictSetting.objects.filter(district__municipality_id=municipality_id).select_related(
        "commissioner_district"
    )
    return {s.district_id: s for s in rows}


def commissioner_districts(municipality_id: int) -> list[CommissionerDistrict]:
    return list(CommissionerDistrict.objects.filter(municipality_id=municipality_id).order_by("order", "name"))


@dataclass(frozen=True)
class MapCell:
    district: District
    commissioner_district: CommissionerDistrict | None
    counts: list[tuple[str, int]]  # (stage label, open targets), in the stages' order, non-zero only
    total: int
    x: int
    y: int
    fill: str
    label: str  # the cell's text alternative


@dataclass(frozen=True)
class DistrictMap:
    cells: list[MapCell]
    width: int
    height: int
    unplaced_total: int  # open targets with no 地区
    commissioner_totals: list[tuple[CommissionerDistrict, int]]
    has_commissioner_districts: bool


def _shade(total: int) -> str:
    return [fill for least, fill in SHADES if total >= least][-1]


def _positions(districts: list[District], settings: dict[int, DistrictSetting]) -> dict[int, tuple[int, int]]:
    """(column, row) from 1 for each district: the configured cell, else the next free one in reading order."""
    placed: dict[int, tuple[int, int]] = {}
    for d in districts:
        s = settings.get(d.pk)
        if s is not None and s.map_column and s.map_row and (s.map_column, s.map_row) not in placed.values():
            placed[d.pk] = (s.map_column, s.map_row)
    taken = set(placed.values())
    columns = max([c for c, _r in taken] or [AUTO_COLUMNS])
    slot = 0
    for d in districts:
        if d.pk in placed:
            continue
        while (slot % columns + 1, slot // columns + 1) in taken:
            slot += 1
        placed[d.pk] = (slot % columns + 1, slot // columns + 1)
        taken.add(placed[d.pk])
    return placed


def district_map_for_user(
    *, user: User, rows: list[DistrictRow] | None = None, settings: dict[int, DistrictSetting] | None = None
) -> DistrictMap:
    """The map of the user's municipality with the open targets they may read (``rows``: the district
    table, when the caller has it already). Three queries, whatever the number of targets."""
    rows = district_table_for_user(user=user) if rows is None else rows
    by_district = {row.district.pk: row for row in rows if row.district is not None}
    districts = list(District.objects.filter(municipality_id=user.municipality_id).order_by("order", "name"))
    settings = settings_by_district(user.municipality_id) if settings is None else settings
    positions = _positions(districts, settings)
    labels = {s.value: str(s.label) for s in stages.OPEN}
    cells: list[MapCell] = []
    per_commissioner: dict[int, int] = defaultdict(int)
    commissioners: dict[int, CommissionerDistrict] = {}
    for d in districts:
        row = by_district.get(d.pk)
        counts = [(labels[s], row.counts[s]) for s in labels if row and row.counts.get(s)]
        total = row.total if row else 0
        setting = settings.get(d.pk)
        commissioner = setting.commissioner_district if setting else None
        if commissioner is not None:
            commissioners[commissioner.pk] = commissioner
            per_commissioner[commissioner.pk] += total
        column, line = positions[d.pk]
        described = "、".join(f"{label} {n}" for label, n in counts) or _("なし")
        label = _("%(district)s: 対象 %(total)s（%(counts)s）") % {
            "district": d.name,
            "total": total,
            "counts": described,
        }
        cells.append(MapCell(
            district=d, commissioner_district=commissioner, counts=counts, total=total,
            x=MARGIN + (column - 1) * (CELL_W + GAP), y=MARGIN + (line - 1) * (CELL_H + GAP), fill=_shade(total),
            label=label,
        ))  # fmt: skip
    columns = max([c for c, _r in positions.values()] or [1])
    lines = max([r for _c, r in positions.values()] or [1])
    configured = commissioner_districts(user.municipality_id)
    return DistrictMap(
        cells=cells, width=2 * MARGIN + columns * CELL_W + (columns - 1) * GAP,
        height=2 * MARGIN + lines * CELL_H + (lines - 1) * GAP,
        unplaced_total=sum(row.total for row in rows if row.district is None),
        commissioner_totals=[(c, per_commissioner.get(c.pk, 0)) for c in configured],
        has_commissioner_districts=bool(configured),
    )  # fmt: skip


def commissioner_district_of(setting_by_district: dict[int, DistrictSetting], district_id: int | None) -> str:
    setting = setting_by_district.get(district_id) if district_id else None
    return setting.commissioner_district.name if setting and setting.commissioner_district else ""
