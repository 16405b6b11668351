"""Building name searches: kana by indexed prefix, kanji by prefix, birth date, phone, 宛名番号.

Kana queries use ``kana_search_key``, so ｻﾄｳ, さとう, サトウ and ザトウ find the same people (the key
ignores width, script, small kana and voicing marks; see ``tsunagu.core.japanese.kana``). Every name
condition is a *prefix* on an indexed column, so that two-character queries — the most common — stay
fast at city scale (DESIGN §8): a trigram index cannot serve them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q

from tsunagu.core.japanese.kana import is_kana_reading, kana_search_key

_DIGITS = re.compile(r"\d+")


def phone_key(text: str) -> str:
    """Digits only: 0858-52-1111, ０８５８（５２）１１１１ and 0858521111 are one number."""
    return "".join(_DIGITS.findall(unicodedata.normalize("NFKC", text or "")))


def prefix(field: str, value: str) -> Q:
    """``field`` starts with ``value``, written so that the database uses the column's index.

    PostgreSQL: LIKE 'value%' on an index built with varchar_pattern_ops (see the models' Meta).
    SQLite: Django's LIKE carries an ESCAPE clause that stops SQLite's LIKE optimisation, so the
    same condition is written as a range on the BINARY-collated index.
    """
    if connection.vendor == "sqlite":
        upper = value[:-1] + chr(ord(value[-1]) + 1)
        return Q(**{f"{field}__gte": value, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": value})


@dataclass(frozen=True)
class PersonQuery:
    name: str = ""
    birth_date: date | None = None
    phone: str = ""
    resident_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.birth_date or phone_key(self.phone) or self.resident_number.strip())

    def terms(self) -> dict[str, str]:
        """What the audit log stores of this search."""
        values = {
            "name": self.name.strip(),
            "birth_date": self.birth_date.isoformat() if self.birth_date else "",
            "phone": self.phone.strip(),
            "resident_number": self.resident_number.strip(),
        }
        return {k: v for k, v in values.items() if v}


def _name_fields_condition(words: list[str]) -> Q | None:
    """The condition on one model's name columns (Person or PersonName have the same names)."""
    if all(is_kana_reading(w) for w in words):
        keys = [k for k in (kana_search_key(w) for w in words) if k]
        if not keys:
            return None
        if len(keys) == 1:
            return prefix("kana_key", keys[0])
        return prefix("family_kana_key", keys[0]) & prefix("kana_key", "".join(keys))
    condition = prefix("family_name", words[0])
    if len(words) > 1:
        condition &= prefix("given_name", words[1])
    return condition


@dataclass(frozen=True)
class PersonConditions:
    """A search split in two, so that each half can use its own index.

    ``main`` matches the people's own names (and the other fields); ``alias`` matches aliases and former
    names (PersonName), whose people must still meet ``others``. Joined by OR in one query, the two would
    stop the database walking the name index in order and make it scan every person instead.
    """

    main: Q
    others: Q
    alias: Q | None


def person_conditions(query: PersonQuery, *, municipality_id: int) -> PersonConditions:
    others = Q()
    if query.birth_date:
        others &= Q(birth_date=query.birth_date)
    if phone := phone_key(query.phone):
        others &= Q(phone_key=phone) | Q(phone2_key=phone)
    if query.resident_number.strip():
        others &= Q(resident_number=query.resident_number.strip())
    if not query.name.strip():
        return PersonConditions(main=others, others=others, alias=None)
    words = [w for w in re.split(r"\s+", unicodedata.normalize("NFKC", query.name).strip()) if w]
    name = _name_fields_condition(words) if words else None
    if name is None:
        return PersonConditions(main=Q(pk__in=[]), others=others, alias=None)
    return PersonConditions(main=name & others, others=others, alias=name)
