"""The plan of an import: everything it would write, worked out before anything is written."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tsunagu.core.japanese.kana import kana_search_key, normalize_kana_input
from tsunagu.people.models import Gender, Household, HouseholdMember, Person
from tsunagu.people.residents.reading import RegisterFile
from tsunagu.people.residents.report import ImportResult
from tsunagu.people.residents.rows import ResidentRow
from tsunagu.people.search import phone_key

# Rows per IN (...) query: below SQLite's 999 parameters, and small enough for PostgreSQL's planner.
CHUNK = 500

# Person fields the import may write; search keys follow the readings and the phone.
PERSON_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "gender",
                 "postal_code", "address", "phone", "is_registered_resident")  # fmt: skip
KEY_FIELDS = ("kana_key", "family_kana_key", "phone_key", "phone2_key")
MEMBER_FIELDS = ("relationship", "relationship_note", "lives_together")


def register_values(row: ResidentRow, person: Person | None) -> dict[str, Any]:
    """What the register says about the person, under the rules of the package docstring."""
    values: dict[str, Any] = {
        "family_name": row.family_name,
        "given_name": row.given_name,
        "family_name_kana": row.family_name_kana,
        "given_name_kana": row.given_name_kana,
        "birth_date": row.birth_date,
        "is_registered_resident": not row.departed,
    }
    if row.address:
        values["address"] = row.address
    if row.postal_code:
        values["postal_code"] = row.postal_code
    if person is None or person.gender == Gender.UNSTATED:
        values["gender"] = row.gender
    if row.phone and (person is None or not person.phone):
        values["phone"] = row.phone
    return values


def set_values(person: Person, values: dict[str, Any]) -> None:
    # The same keys as tsunagu.people.services keeps, from the same functions, so search finds them.
    for name, value in values.items():
        setattr(person, name, value)
    person.family_name_kana = normalize_kana_input(person.family_name_kana)
    person.given_name_kana = normalize_kana_input(person.given_name_kana)
    person.kana_key = kana_search_key(person.family_name_kana + person.given_name_kana)
    person.family_kana_key = kana_search_key(person.family_name_kana)
    person.phone_key = phone_key(person.phone)
    person.phone2_key = phone_key(person.phone2)


_T = TypeVar("_T")


def chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass
class PersonPlan:
    row: ResidentRow
    person: Person
    created: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """Everything the import would write, worked out before writing anything."""

    register: RegisterFile
    people: list[PersonPlan] = field(default_factory=list)
    unchanged: int = 0
    skipped_departed: int = 0
    households: dict[str, Household] = field(default_factory=dict)  # 世帯番号 → existing or new
    household_changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    touched_households: set[int] = field(default_factory=set)  # existing households whose members change
    new_members: list[HouseholdMember] = field(default_factory=list)
    changed_members: dict[int, HouseholdMember] = field(default_factory=dict)
    removed_members: dict[int, HouseholdMember] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)  # the existing people the file's rows named

    @property
    def created(self) -> list[PersonPlan]:
        return [p for p in self.people if p.created]

    @property
    def updated(self) -> list[PersonPlan]:
        return [p for p in self.people if not p.created]

    @property
    def new_households(self) -> list[Household]:
        return [h for h in self.households.values() if h.pk is None]

    def result(self, *, dry_run: bool) -> ImportResult:
        updated = self.updated
        return ImportResult(
            encoding=self.register.encoding,
            rows=len(self.register.rows),
            created=len(self.created),
            updated=len(updated),
            unchanged=self.unchanged,
            deregistered=sum(1 for p in updated if p.changes.get("is_registered_resident") == [True, False]),
            skipped_departed=self.skipped_departed,
            households_created=len(self.new_households),
            households_updated=len(
                self.touched_households
                | {h.pk for n, h in self.households.items() if h.pk is not None and n in self.household_changes}
            ),
            warnings=tuple(self.warnings),
            dry_run=dry_run,
        )
