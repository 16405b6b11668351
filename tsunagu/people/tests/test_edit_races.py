"""Two staff saving the same person at the same moment, on real concurrent connections (PostgreSQL).

Found when the system was first tried: both saves reported success and the first change was lost. Now
exactly one is saved and the other is refused with the conflict message, however the two interleave.
"""

from dataclasses import fields

import pytest

from tsunagu.core.models import User
from tsunagu.core.tests.concurrency import POSTGRES_ONLY, together
from tsunagu.core.versioning import EditConflict
from tsunagu.people.models import Person
from tsunagu.people.selectors import person_check_for_user
from tsunagu.people.services import PersonInput, person_update
from tsunagu.people.tests.helpers import register

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]

ROUNDS = 20


def saving(user_pk: int, person_pk: int, version: int, **changes: object):
    """One member of staff's save from the edit page that was opened at ``version``."""

    def act(ready):
        user = User.objects.get(pk=user_pk)
        view = person_check_for_user(user=user, pk=person_pk)
        data = {f.name: getattr(view.person, f.name) for f in fields(PersonInput)} | changes
        ready()
        return person_update(user=user, person=view.person, data=PersonInput(**data), expected_version=version)

    return act


def test_two_saves_from_the_same_version_never_lose_one(personas):
    person = register(personas.caseworker_a)
    saved = refused = lost = double = versions_skipped = 0
    for round_ in range(ROUNDS):
        version = Person.objects.get(pk=person.pk).version
        phone, notes = f"0858-52-{2000 + round_}", f"第{round_}回: 夕方に連絡"
        outcomes = together(
            saving(personas.caseworker_a.pk, person.pk, version, phone=phone),
            saving(personas.colleague_a.pk, person.pk, version, contact_notes=notes),
        )
        errors = [o.error for o in outcomes if o.error is not None]
        conflict = "この記録は編集中に他の職員"
        assert all(isinstance(e, EditConflict) and conflict in e.messages[0] for e in errors), errors
        saved += len(outcomes) - len(errors)
        refused += len(errors)
        double += len(errors) == 0
        stored = Person.objects.get(pk=person.pk)
        # A save that reported success must be in the row (else it was lost); a refused one must not.
        for (field, value), outcome in zip((("phone", phone), ("contact_notes", notes)), outcomes, strict=True):
            in_row = getattr(stored, field) == value
            lost += outcome.error is None and not in_row
            assert outcome.error is None or not in_row
        versions_skipped += stored.version != version + 1
    print(
        f"\nperson edit race (PostgreSQL): {ROUNDS} rounds, {2 * ROUNDS} saves attempted, {saved} saved, "
        f"{refused} refused with the conflict message, {lost} lost updates, {double} double winners"
    )
    assert (saved, refused, lost, double, versions_skipped) == (ROUNDS, ROUNDS, 0, 0, 0)
