"""Loading the town's 民生委員 districts and district-map cells from a TOML file (configuration as data, like
the plan file): ``manage.py outreach_districts <file>``. The file names the town by its code and, for each
民生委員 district (地区民生委員児童委員協議会 …), the 地区 it covers (by their names in ``core.District``) and,
optionally, the map's rows::

    municipality = "313718"

    [[commissioner_districts]]
    name = "東伯地区民生委員児童委員協議会"
    districts = ["東伯第1地区", "東伯第2地区"]

    [map]
    rows = [["東伯第1地区", "東伯第2地区"], ["赤碕第1地区", ""]]   # "" leaves a cell empty

The load replaces the town's configuration in one transaction, or refuses with every problem named in
Japanese and changes nothing; it writes one audit entry. No personal data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import District, Municipality
from tsunagu.outreach.models import CommissionerDistrict, DistrictSetting


class DistrictConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Loaded:
    municipality: Municipality
    commissioner_districts: int
    placed: int


def _problems(data: dict[str, Any], districts: dict[str, District]) -> list[str]:
    problems: list[str] = []
    seen_names: set[str] = set()
    covered: dict[str, str] = {}
    for n, entry in enumerate(data.get("commissioner_districts", []), start=1):
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        if not name:
            problems.append(f"民生委員の地区{n}件目: 名称（name）がありません。")
            continue
        if name in seen_names:
            problems.append(f"民生委員の地区「{name}」が二度書かれています。")
        seen_names.add(name)
        for district in entry.get("districts", []):
            if district not in districts:
                problems.append(f"民生委員の地区「{name}」: 地区「{district}」は登録されていません。")
            elif district in covered:
                problems.append(f"地区「{district}」が「{covered[district]}」と「{name}」の両方にあります。")
            else:
                covered[district] = name
    placed: set[str] = set()
    rows = data.get("map", {}).get("rows", [])
    for r, row in enumerate(rows, start=1):
        for district in row:
            if not district:
                continue
            if district not in districts:
                problems.append(f"地図の{r}行目: 地区「{district}」は登録されていません。")
            elif district in placed:
                problems.append(f"地図: 地区「{district}」が二か所にあります。")
            placed.add(district)
    return problems


@transaction.atomic
def districts_load(*, data: dict[str, Any]) -> Loaded:
    """Replace the town's 民生委員 districts and map cells with the file's (already parsed)."""
    code = str(data.get("municipality", ""))
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise DistrictConfigError([f"自治体コード「{code}」の自治体は登録されていません。"])
    districts = {d.name: d for d in District.objects.filter(municipality=municipality)}
    problems = _problems(data, districts)
    if problems:
        raise DistrictConfigError(problems)
    DistrictSetting.objects.filter(district__municipality=municipality).delete()
    CommissionerDistrict.objects.filter(municipality=municipality).delete()
    settings: dict[str, DistrictSetting] = {}
    for order, entry in enumerate(data.get("commissioner_districts", []), start=1):
        commissioner = CommissionerDistrict.objects.create(municipality=municipality, name=entry["name"].strip(),
                                                           order=order)  # fmt: skip
        for name in entry.get("districts", []):
            settings[name] = DistrictSetting(district=districts[name], commissioner_district=commissioner)
    placed = 0
    for r, row in enumerate(data.get("map", {}).get("rows", []), start=1):
        for c, name in enumerate(row, start=1):
            if name:
                setting = settings.setdefault(name, DistrictSetting(district=districts[name]))
                setting.map_column, setting.map_row = c, r
                placed += 1
    DistrictSetting.objects.bulk_create(settings.values())
    count = len(data.get("commissioner_districts", []))
    summary = f"民生委員の地区・地区の地図を読み込み（民生委員の地区{count}件、地図の地区{placed}件）"
    audit_record(user=None, action=Action.UPDATE, municipality=municipality, summary=summary)
    return Loaded(municipality, count, placed)


def read_district_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DistrictConfigError([f"ファイルを読めません: {error}"]) from error
