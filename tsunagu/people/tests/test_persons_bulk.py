"""Registering people in bulk (the register import, the demo town): the same records ``person_register``
makes, each with its own-record grant, all or nothing, and one audit entry for the batch."""

from datetime import date

import pytest

from tsunagu.access.models import AccessGrant, Basis
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization, User
from tsunagu.people.models import Person
from tsunagu.people.services import PeopleError, PersonInput, person_register, persons_register_bulk

pytestmark = pytest.mark.django_db

ANSHIN = "福祉あんしん課"
STORED = ("family_name", "given_name", "family_name_kana", "given_name_kana", "kana_key", "family_kana_key",
          "birth_date", "gender", "postal_code", "address", "phone", "phone_key", "phone2_key", "email",
          "is_registered_resident", "address_protected", "care_notes")  # fmt: skip


def system_user(kotoura) -> User:
    user = User(municipality=kotoura, username="system-test", display_name="一括登録", is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def written_by_hand(**overrides: object) -> PersonInput:
    """What a caseworker types, with the usual slips: hiragana, half-width kana, spaces, a hyphenated code."""
    values: dict[str, object] = {
        "family_name": " 髙橋 ", "given_name": "花子", "family_name_kana": "たかはし", "given_name_kana": "ﾊﾅｺ",
        "birth_date": date(1950, 4, 1), "postal_code": "689-2392", "address": " 鳥取県東伯郡琴浦町大字徳万591番地2",
        "phone": "0858-52-1111", "email": " hanako@example.jp ", "is_registered_resident": True,
    }  # fmt: skip
    values.update(overrides)
    return PersonInput(**values)  # type: ignore[arg-type]


def test_people_registered_in_bulk_are_stored_exactly_as_person_register_stores_them(personas, kotoura):
    one = person_register(user=personas.coordinator, data=written_by_hand(resident_number="0000000001"))
    anshin = Organization.objects.get(name=ANSHIN)
    user = system_user(kotoura)

    people, grants = persons_register_bulk(
        people=[written_by_hand(resident_number="0000000002"), written_by_hand(resident_number="0000000003")],
        organization=anshin, created_by=user, source="resident-register",
    )  # fmt: skip

    assert [p.resident_number for p in people] == ["0000000002", "0000000003"]
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        assert {f: getattr(person, f) for f in STORED} == {f: getattr(one, f) for f in STORED}
        assert (person.family_name_kana, person.given_name_kana, person.postal_code) == (
            "タカハシ",
            "ハナコ",
            "6892392",
        )
        assert (person.registered_by, person.created_by) == (anshin, user)
    assert [(g.person_id, g.organization_id, g.basis, g.source) for g in grants] == [
        (p.pk, anshin.pk, Basis.OWN_RECORD, "resident-register") for p in people
    ]
    assert AccessGrant.objects.active().filter(person__in=people, organization=anshin).count() == 2


def test_a_batch_writes_one_entry_for_the_people_and_one_for_their_grants(personas, kotoura):
    entries = AuditEntry.objects.count()
    user = system_user(kotoura)
    persons_register_bulk(
        people=[written_by_hand(resident_number=f"000000000{n}") for n in range(4)],
        organization=Organization.objects.get(name=ANSHIN), created_by=user, summary="テストで一括登録（4人）",
    )  # fmt: skip
    grants_entry, people_entry = AuditEntry.objects.order_by("-pk")[:2]  # the newest first
    assert AuditEntry.objects.count() == entries + 2
    assert (people_entry.action, people_entry.summary, people_entry.user) == (
        Action.CREATE,
        "テストで一括登録（4人）",
        user,
    )
    assert people_entry.changes == {"people": 4, "registered_resident": 4}
    assert (grants_entry.action, grants_entry.basis, grants_entry.basis_source) == (
        Action.GRANT,
        Basis.OWN_RECORD,
        "registration",
    )


@pytest.mark.parametrize(
    ("batch", "problems"),
    [
        (
            [
                written_by_hand(),
                written_by_hand(family_name_kana="Takahashi"),
                written_by_hand(birth_date=date(2999, 1, 1)),
            ],
            [
                "2人目: フリガナはカタカナ（またはひらがな）で入力してください。",
                "3人目: 生年月日に未来の日付は入力できません。",
            ],
        ),
        (
            [written_by_hand(resident_number="0000000007"), written_by_hand(resident_number="0000000007")],
            ["2人目: 宛名番号 0000000007 が1人目と重複しています。"],
        ),
        (
            [written_by_hand(), written_by_hand(resident_number="0000000001")],
            ["2人目: この宛名番号では登録できません。住民記録の担当課に確認してください。"],
        ),
    ],
    ids=["bad rows", "a number twice", "a number in use"],
)
def test_any_problem_refuses_the_whole_batch_and_names_each_person_by_position(personas, kotoura, batch, problems):
    person_register(user=personas.coordinator, data=written_by_hand(resident_number="0000000001"))
    before = (Person.objects.count(), AccessGrant.objects.count(), AuditEntry.objects.count())

    with pytest.raises(PeopleError) as refused:
        persons_register_bulk(
            people=batch, organization=Organization.objects.get(name=ANSHIN), created_by=system_user(kotoura)
        )

    assert refused.value.messages == problems
    assert (Person.objects.count(), AccessGrant.objects.count(), AuditEntry.objects.count()) == before


def test_a_job_of_one_town_cannot_register_people_for_another(personas, kotoura):
    other_town = personas.stranger.memberships.get().organization
    with pytest.raises(PeopleError):
        persons_register_bulk(people=[written_by_hand()], organization=other_town, created_by=system_user(kotoura))
    assert not Person.objects.exists()


def test_an_empty_batch_writes_nothing(personas, kotoura):
    entries = AuditEntry.objects.count()
    organization = Organization.objects.get(name=ANSHIN)
    assert persons_register_bulk(people=[], organization=organization, created_by=system_user(kotoura)) == ([], [])
    assert AuditEntry.objects.count() == entries
