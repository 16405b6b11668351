"""Building people for tests through the real services (so grants and audit entries are real too)."""

from datetime import date

from tsunagu.core.models import User
from tsunagu.people.models import Person, Relationship
from tsunagu.people.services import MemberInput, PersonInput, household_create, person_register


def register(user: User, **fields: object) -> Person:
    data = {
        "family_name": "琴浦",
        "given_name": "花子",
        "family_name_kana": "コトウラ",
        "given_name_kana": "ハナコ",
        "birth_date": date(1944, 5, 3),
        "address": "鳥取県東伯郡琴浦町大字徳万591番地2",
        "postal_code": "6892392",
        "phone": "0858-52-1111",
    }
    data.update(fields)
    return person_register(user=user, data=PersonInput(**data))  # type: ignore[arg-type]


def household_of(user: User, *people_and_relationships: tuple[Person, Relationship]):
    people = [p for p, _ in people_and_relationships]
    return household_create(
        user=user,
        members=[MemberInput(person=p, relationship=r) for p, r in people_and_relationships],
        address=people[0].address,
    )
