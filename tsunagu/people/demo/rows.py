"""The rows the demo generator makes: plain dataclasses that the writer turns into model instances.

``Kind`` is the shape of a household; a ``Unit`` is one household and its members (or one person
outside any household), as ``PersonRow`` and ``HouseholdRow`` values. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from tsunagu.people.models import NameKind


class Kind(Enum):
    """Shapes of household. The registered ones are in the register; the last three are not."""

    SINGLE_ELDERLY = "single_elderly"
    SINGLE_ADULT = "single_adult"
    ELDERLY_COUPLE = "elderly_couple"
    COUPLE = "couple"
    COUPLE_WITH_CHILDREN = "couple_with_children"
    THREE_GENERATIONS = "three_generations"
    SINGLE_PARENT = "single_parent"
    ELDER_WITH_CHILD = "elder_with_child"
    EIGHTY_FIFTY = "eighty_fifty"
    SIBLINGS = "siblings"
    UNRELATED = "unrelated"
    # Not in the resident register of the town.
    HOMELESS = "homeless"
    REGISTERED_ELSEWHERE = "registered_elsewhere"
    FAMILY_REGISTERED_ELSEWHERE = "family_registered_elsewhere"


UNREGISTERED_KINDS = frozenset({Kind.HOMELESS, Kind.REGISTERED_ELSEWHERE, Kind.FAMILY_REGISTERED_ELSEWHERE})


@dataclass(slots=True)
class OtherNameRow:
    kind: NameKind
    family_name: str
    family_name_kana: str
    given_name: str = ""
    given_name_kana: str = ""


@dataclass(slots=True)
class PersonRow:
    """One person as generated; field names are Person's, plus what the writer derives grants from."""

    family_name: str
    family_name_kana: str
    given_name: str
    given_name_kana: str
    birth_date: date | None
    gender: str
    # Whom the name was chosen for (女性/男性 names); the recorded gender may differ or be unstated.
    sex: str
    age: int | None
    relationship: str = ""
    relationship_note: str = ""
    gender_note: str = ""
    postal_code: str = ""
    address: str = ""
    district: str | None = None
    phone: str = ""
    phone2: str = ""
    email: str = ""
    contact_notes: str = ""
    resident_number: str = ""
    is_registered_resident: bool = False
    address_protected: bool = False
    care_notes: str = ""
    other_names: list[OtherNameRow] = field(default_factory=list)
    # Organisations (by name) that hold an own-record grant because they serve the person.
    agencies: list[str] = field(default_factory=list)
    consent_on: date | None = None


@dataclass(slots=True)
class HouseholdRow:
    resident_household_number: str = ""
    postal_code: str = ""
    address: str = ""
    district: str | None = None
    notes: str = ""


@dataclass(slots=True)
class Unit:
    """A household and its members (head first), or one person outside any household (``household`` None)."""

    kind: Kind
    people: list[PersonRow]
    household: HouseholdRow | None
