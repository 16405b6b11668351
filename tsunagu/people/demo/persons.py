"""The random draws of one generation run: names, birth dates and ages, people, couples and children.

``Draws`` holds the state of a run (the seeded random source, the reference date, the counters). The
household shapes (``households``), where a household lives (``residence``) and whom the agencies serve
(``agencies``) build on it; ``generator`` puts them together.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate

from tsunagu.core.japanese.wareki import age_on
from tsunagu.people.demo import names
from tsunagu.people.demo.names import Name
from tsunagu.people.demo.rows import OtherNameRow, PersonRow
from tsunagu.people.demo.town import DEMO_PHONE_PREFIX, Scale, Town
from tsunagu.people.models import Gender, NameKind, Relationship

FEMALE, MALE = "female", "male"


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 2月29日 becomes 2月28日 in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Draws:
    """The state of one generation run: the seeded random source, the reference date and the counters."""

    def __init__(self, rng: random.Random, town: Town, scale: Scale, as_of: date) -> None:
        self.rng = rng
        self.town = town
        self.scale = scale
        self.as_of = as_of
        self.resident_seq = 0
        self.household_seq = 0
        self.mail_seq = 0
        # Landlines are handed out from a shuffled list of the 10,000 numbers of the exchange, so that a
        # town's numbers are all different (a city, with more households than numbers, reuses them).
        self.phone_numbers = list(range(10_000))
        rng.shuffle(self.phone_numbers)
        self.phone_index = 0
        common = [(name, names.COMMON_WEIGHT) for name in names.COMMON_FAMILY_NAMES]
        local = [(name, names.TOTTORI_WEIGHT) for name in names.TOTTORI_FAMILY_NAMES]
        self.family_names = [name for name, _ in common + local]
        self.family_cum = list(accumulate(weight for _, weight in common + local))

    # -- small draws

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def family(self) -> Name:
        return self.rng.choices(self.family_names, cum_weights=self.family_cum)[0]

    def other_family(self, not_this: Name) -> Name:
        while True:
            name = self.family()
            if name[1] != not_this[1]:
                return name

    def birth_date(self, age: int) -> date:
        """A birth date at which the person is exactly ``age`` on the reference date."""
        latest = years_before(self.as_of, age)
        earliest = years_before(self.as_of, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def elderly_age(self, lo: int = 65, older: bool = False) -> int:
        bands = (
            ((65, 74, 3.0), (75, 84, 3.5), (85, 99, 2.5)) if older else ((65, 74, 4.5), (75, 84, 3.5), (85, 99, 1.5))
        )
        usable = [(max(a, lo), b, w) for a, b, w in bands if b >= lo]
        a, b, _ = self.rng.choices(usable, weights=[w for _, _, w in usable])[0]
        return self.rng.randint(a, b) if b < 99 else min(self.rng.randint(a, 96), self.rng.randint(a, 104))

    def phone(self) -> str:
        number = self.phone_numbers[self.phone_index % len(self.phone_numbers)]
        self.phone_index += 1
        return f"{DEMO_PHONE_PREFIX}{number:04d}"

    def person(
        self, family: Name, sex: str, age: int, relationship: Relationship | str = "", birth: date | None = None
    ) -> PersonRow:
        """A person of ``age`` (born on ``birth`` when given), with a given name of their generation."""
        birth = birth or self.birth_date(age)
        generation = names.generation_of(birth.year)
        pool = names.FEMALE_GIVEN_NAMES if sex == FEMALE else names.MALE_GIVEN_NAMES
        given = self.rng.choice(pool[generation])
        row = PersonRow(
            family_name=family[0],
            family_name_kana=family[1],
            given_name=given[0],
            given_name_kana=given[1],
            birth_date=birth,
            gender=sex,
            sex=sex,
            age=age,
            relationship=str(relationship),
        )
        draw = self.rng.random()
        if draw < 0.015:
            row.gender = Gender.UNSTATED.value
        elif draw < 0.0165 and age >= 16:
            row.gender = Gender.OTHER.value
            row.gender_note = self.rng.choice(names.GENDER_NOTES)
        return row

    def foreign_person(self, sex: str, age: int, relationship: Relationship) -> PersonRow:
        family = self.rng.choice(names.FOREIGN_FAMILY_NAMES)
        pool = names.FOREIGN_FEMALE_GIVEN_NAMES if sex == FEMALE else names.FOREIGN_MALE_GIVEN_NAMES
        given = self.rng.choice(pool)
        return PersonRow(
            family_name=family[0],
            family_name_kana=family[1],
            given_name=given[0],
            given_name_kana=given[1],
            birth_date=self.birth_date(age),
            gender=sex,
            sex=sex,
            age=age,
            relationship=str(relationship),
        )

    def maybe_former_name(self, wife: PersonRow, maiden: Name | None = None, p: float = 0.06) -> None:
        """Some married women are also known by their 旧姓, which the welfare office records."""
        if self.chance(p):
            maiden = maiden or self.other_family((wife.family_name, wife.family_name_kana))
            wife.other_names.append(
                OtherNameRow(NameKind.FORMER, maiden[0], maiden[1], wife.given_name, wife.given_name_kana)
            )

    # -- people in relation to each other

    def spouse_age(self, age: int, husband: bool, floor: int = 18) -> int:
        """A wife is mostly a few years younger than her husband; never more than 10 years apart."""
        gap = self.rng.choice((-2, -1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10))
        other = age - gap if husband else age + gap
        return max(floor, min(other, age + 10), age - 10)

    def couple(self, family: Name, husband_age: int, male_head: bool) -> list[PersonRow]:
        """Head and spouse. Spouses share the family name, except a few couples not yet 届出 (未届)."""
        wife_age = self.spouse_age(husband_age, husband=True, floor=max(18, husband_age - 10))
        husband = self.person(family, MALE, husband_age)
        registered = not self.chance(0.02)
        wife = self.person(family if registered else self.other_family(family), FEMALE, wife_age)
        if registered:
            self.maybe_former_name(wife)
        else:
            # The children take the head's name, so the head of an unregistered couple is the one whose it is.
            male_head = True
        head, spouse = (husband, wife) if male_head else (wife, husband)
        head.relationship, spouse.relationship = Relationship.HEAD, Relationship.SPOUSE
        if not registered:
            spouse.relationship_note = "未届"
        return [head, spouse]

    def child_age_range(self, parent_ages: Sequence[int], mother_age: int | None, oldest: int) -> tuple[int, int]:
        """Ages 20–45 years below every parent (and 20–42 below the mother); empty when lo > hi."""
        lo = max(0, max(parent_ages) - 45, (mother_age - 42) if mother_age is not None else 0)
        return lo, min(min(parent_ages) - 20, oldest)

    def children(
        self, family: Name, parents: Sequence[PersonRow], count: int, oldest: int, relationship: Relationship
    ) -> list[PersonRow]:
        """Brothers and sisters, eldest first: born at least 11 months apart, or twins on the same day."""
        mother = next((p for p in parents if p.sex == FEMALE), None)
        ages = [p.age for p in parents if p.age is not None]
        lo, hi = self.child_age_range(ages, mother.age if mother else None, oldest)
        if hi < lo or count == 0:
            return []
        birth = self.birth_date(self.rng.randint(lo, hi))
        kids = []
        for _ in range(count):
            if birth > self.as_of or age_on(birth, self.as_of) < lo:
                break
            age = age_on(birth, self.as_of)
            kids.append(self.person(family, self.rng.choice((FEMALE, MALE)), age, relationship, birth=birth))
            if not self.chance(0.015):
                birth += timedelta(days=self.rng.randint(335, 1500))
        return kids

    def child_count(self, none: int = 0) -> int:
        """How many children live at home (``none``: the weight of having none, for three generations)."""
        return self.rng.choices((0, 1, 2, 3, 4), weights=(none, 28, 45, 22, 5))[0]
