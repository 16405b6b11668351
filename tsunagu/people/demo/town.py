"""The demo town: its illustrative districts, the visibly fictional contact details, and its scales.

``Town`` is what the generator needs to know of the municipality; a ``Scale`` is how many people there
are and the mix of household shapes (``TOWN`` like 琴浦町, ``CITY`` for benchmarks).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from tsunagu.core.models import Municipality
from tsunagu.people.demo.rows import Kind

# --- The town ----------------------------------------------------------------------------------------

# Illustrative districts for the demo only: they are NOT the town's real 地区 or 大字, so that nothing
# generated points at a real neighbourhood. Used only when the municipality has no districts yet.
DEMO_DISTRICTS: tuple[tuple[str, str], ...] = (
    ("東伯第1地区", "トウハクダイイチチク"),
    ("東伯第2地区", "トウハクダイニチク"),
    ("東伯第3地区", "トウハクダイサンチク"),
    ("東伯第4地区", "トウハクダイヨンチク"),
    ("赤碕第1地区", "アカサキダイイチチク"),
    ("赤碕第2地区", "アカサキダイニチク"),
    ("赤碕第3地区", "アカサキダイサンチク"),
    ("赤碕第4地区", "アカサキダイヨンチク"),
)
# 〒689-23xx for the 東伯 side and 689-25xx for the 赤碕 side, one per demo district.
DEMO_POSTAL_CODES: dict[str, str] = {
    **{f"東伯第{n}地区": f"68923{n}0" for n in range(1, 5)},
    **{f"赤碕第{n}地区": f"68925{n}0" for n in range(1, 5)},
}
# The 郡 is not part of the municipality record, but an address without it looks wrong to local staff.
COUNTIES: dict[str, str] = {"313718": "東伯郡"}
DEMO_MARK = "（デモ）"
DEMO_PHONE_PREFIX = "0858-00-"
DEMO_MAIL_DOMAIN = "example.jp"
DV_CARE_NOTE = "DV被害のため住所非開示（デモ）"


@dataclass(frozen=True)
class Town:
    """What the generator needs to know of the municipality: how its addresses begin, and its districts."""

    address_prefix: str
    districts: tuple[str, ...]
    postal_codes: tuple[str, ...]

    @classmethod
    def of(cls, municipality: Municipality, district_names: Sequence[str]) -> Town:
        prefix = f"{municipality.prefecture}{COUNTIES.get(municipality.code, '')}{municipality.name}"
        return cls(
            address_prefix=prefix,
            districts=tuple(district_names),
            postal_codes=tuple(DEMO_POSTAL_CODES.get(name, "") for name in district_names),
        )


# --- Scales ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """How many people, and the mix of household shapes (weights are shares of households)."""

    name: str
    people: int
    weights: tuple[tuple[Kind, float], ...]
    # Chance that an adult of each age band (65–74, 75–84, 85+) is a client of the 地域包括支援センター.
    elderly_client: tuple[float, float, float] = (0.035, 0.11, 0.27)

    def with_people(self, people: int) -> Scale:
        return dataclasses.replace(self, people=people)


# Tuned so that the town comes out as 琴浦町 is: about 16,000 people in 6,500 households (2.5 a
# household) with 38–40% aged 65 or over, and about 3% of the people outside the register.
TOWN = Scale(
    name="town",
    people=16_000,
    weights=(
        (Kind.SINGLE_ELDERLY, 21.0),
        (Kind.SINGLE_ADULT, 6.5),
        (Kind.ELDERLY_COUPLE, 18.5),
        (Kind.COUPLE, 7.0),
        (Kind.COUPLE_WITH_CHILDREN, 14.0),
        (Kind.THREE_GENERATIONS, 11.0),
        (Kind.SINGLE_PARENT, 4.5),
        (Kind.ELDER_WITH_CHILD, 9.5),
        (Kind.EIGHTY_FIFTY, 3.0),
        (Kind.SIBLINGS, 1.5),
        (Kind.UNRELATED, 1.0),
        (Kind.HOMELESS, 0.6),
        (Kind.REGISTERED_ELSEWHERE, 2.8),
        (Kind.FAMILY_REGISTERED_ELSEWHERE, 1.0),
    ),
)
# For benchmarks: 500,000 people in 250,000 households, a younger place with more people living alone.
CITY = Scale(
    name="city",
    people=500_000,
    weights=(
        (Kind.SINGLE_ELDERLY, 15.0),
        (Kind.SINGLE_ADULT, 33.0),
        (Kind.ELDERLY_COUPLE, 12.0),
        (Kind.COUPLE, 10.0),
        (Kind.COUPLE_WITH_CHILDREN, 16.0),
        (Kind.THREE_GENERATIONS, 3.0),
        (Kind.SINGLE_PARENT, 5.0),
        (Kind.ELDER_WITH_CHILD, 4.5),
        (Kind.EIGHTY_FIFTY, 2.0),
        (Kind.SIBLINGS, 1.0),
        (Kind.UNRELATED, 1.5),
        (Kind.HOMELESS, 0.8),
        (Kind.REGISTERED_ELSEWHERE, 3.0),
        (Kind.FAMILY_REGISTERED_ELSEWHERE, 1.0),
    ),
    elderly_client=(0.02, 0.08, 0.22),
)
SCALES: dict[str, Scale] = {TOWN.name: TOWN, CITY.name: CITY}
