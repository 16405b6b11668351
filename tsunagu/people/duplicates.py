"""名寄せ at registration: likely duplicates of a new person among the records the user may see.

Shown before saving, with the reason for each match, so the caseworker decides. Records the user may
not see are not searched: telling a caseworker that another agency holds a record on someone would
itself disclose that the person is being supported there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tsunagu.core.japanese.kana import kana_search_key, normalize_kana_input
from tsunagu.people.models import Person
from tsunagu.people.protection import address_key, possibly_protected
from tsunagu.people.search import phone_key
from tsunagu.people.services import PersonInput

LIMIT = 10


@dataclass(frozen=True)
class Candidate:
    person: Person
    reasons: tuple[str, ...]


def _address_key(address: str) -> str:
    return address_key(address).replace("丁目", "-").replace("番地", "-")


def likely_duplicates(*, visible: QuerySet[Person], data: PersonInput) -> list[Candidate]:
    reasons: dict[int, list[str]] = {}
    people: dict[int, Person] = {}

    def collect(qs: QuerySet[Person], reason: str) -> None:
        for person in qs[:LIMIT]:
            people[person.pk] = person
            reasons.setdefault(person.pk, []).append(reason)

    family_kana = normalize_kana_input(data.family_name_kana)
    kana_key = kana_search_key(family_kana + normalize_kana_input(data.given_name_kana))
    if kana_key and data.birth_date:
        collect(visible.filter(kana_key=kana_key, birth_date=data.birth_date), _("フリガナと生年月日が一致"))
    for phone in {phone_key(data.phone), phone_key(data.phone2)} - {""}:
        collect(visible.filter(phone_key=phone) | visible.filter(phone2_key=phone), _("電話番号が一致"))
    if data.resident_number.strip():
        collect(visible.filter(resident_number=data.resident_number.strip()), _("宛名番号が一致"))
    family_key = kana_search_key(family_kana)
    address = _address_key(data.address)
    if family_key and address:
        # Never against a protected (DV) location, nor a household member's who may share it: a guessed
        # address must not be confirmed, to the protecting agency's own staff neither (they know it).
        candidates = visible.filter(family_kana_key=family_key).exclude(possibly_protected()).exclude(address="")
        for person in candidates[: LIMIT * 5]:
            other = _address_key(person.address)
            if other and (other.startswith(address) or address.startswith(other)):
                people[person.pk] = person
                reasons.setdefault(person.pk, []).append(_("氏（フリガナ）と住所が一致"))
    return [Candidate(people[pk], tuple(dict.fromkeys(r))) for pk, r in reasons.items()]
