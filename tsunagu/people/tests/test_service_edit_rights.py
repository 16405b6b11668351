"""Every write service asks the access core itself whether the user may edit, whatever a page showed.

A caseworker of another agency who sees a person only through an emergency access or a 支援会議 may read
the record, not change it; one with no grant at all may do neither. Each service is called directly,
as such a user, and must refuse in Japanese with nothing saved. Then the same through the page.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, Consent, ConsentMethod
from tsunagu.access.services import (
    ConsentInput,
    consent_record,
    consent_withdraw,
    emergency_access_request,
    grant_create,
)
from tsunagu.audit.models import AuditEntry
from tsunagu.core.models import Organization
from tsunagu.people.models import Household, HouseholdMember, NameKind, Person, PersonName, Relationship
from tsunagu.people.services import (
    MemberInput,
    PersonInput,
    household_create,
    household_member_add,
    person_name_add,
    person_update,
)
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

RINKUSU = "相談支援センターサポートりんくす"  # caseworker B's agency
READ_ONLY = "権限がありません（閲覧のみ）。"
NOT_PERMITTED = "権限がありません。"
NOT_A_MEMBER = "閲覧権限のない方を世帯員にすることはできません。"
READ_ONLY_MEMBER = "閲覧のみの方（支援会議・緊急時の閲覧）を世帯員にすることはできません。"


@dataclass
class Family:
    mother: Person
    son: Person
    household: Household
    consent: Consent  # taken by agency A, shared with nobody else


def give(personas, person: Person, access: str) -> None:
    """What caseworker B's agency holds on ``person``: an emergency access, a 支援会議's, or nothing."""
    if access == "emergency":
        emergency_access_request(
            user=personas.caseworker_b, person=person, reason="安否が確認できず緊急に連絡先を確認する", hours=2
        )
    elif access == "meeting":
        grant_create(organization=Organization.objects.get(name=RINKUSU), person=person, basis=Basis.ART106_6,
                     source="meeting:1", granted_by=personas.coordinator)  # fmt: skip


@pytest.fixture
def family(personas) -> Family:
    a = personas.caseworker_a
    mother = register(a, given_name="トメ", given_name_kana="トメ")
    son = register(a, given_name="一郎", given_name_kana="イチロウ", birth_date=date(1972, 9, 30))
    consent = consent_record(user=a, person=mother, data=ConsentInput(
        purpose="地域包括での支援のため", method=ConsentMethod.ORAL, given_on=timezone.localdate(),
        organizations=[Organization.objects.get(name="琴浦町地域包括支援センター")]))  # fmt: skip
    return Family(mother=mother, son=son, household=household_of(a, (mother, Relationship.HEAD)), consent=consent)


def saved() -> dict[str, object]:
    """Everything a refused write might have left behind."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "names": PersonName.objects.count(),
        "households": list(Household.objects.order_by("pk").values()),
        "members": list(HouseholdMember.objects.order_by("pk").values()),
        "consents": list(Consent.objects.order_by("pk").values()),
        "grants": list(AccessGrant.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


WRITES = {
    "person_update": lambda user, f: person_update(
        user=user, person=f.mother, data=PersonInput(family_name="山田", family_name_kana="ヤマダ", given_name="トメ",
                                                     given_name_kana="トメ"), expected_version=f.mother.version),
    "person_name_add": lambda user, f: person_name_add(
        user=user, person=f.mother, kind=NameKind.FORMER, family_name="川上", family_name_kana="カワカミ"),
    "household_create": lambda user, f: household_create(
        user=user, members=[MemberInput(person=f.mother, relationship=Relationship.HEAD)]),
    "household_member_add": lambda user, f: household_member_add(
        user=user, household=f.household, member=MemberInput(person=f.son, relationship=Relationship.CHILD)),
    "consent_record": lambda user, f: consent_record(user=user, person=f.mother, data=ConsentInput(
        purpose="共有のため", method=ConsentMethod.ORAL, given_on=timezone.localdate(), all_plan_agencies=True)),
    "consent_withdraw": lambda user, f: consent_withdraw(user=user, consent=f.consent, withdrawn_on=timezone.localdate()),
}  # fmt: skip


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("access", "message"), [("emergency", READ_ONLY), ("meeting", READ_ONLY), ("none", NOT_PERMITTED)]
)
def test_a_reader_without_an_editing_basis_is_refused_by_the_service_itself(personas, family, write, access, message):
    for person in (family.mother, family.son):
        give(personas, person, access)
    before = saved()

    with pytest.raises(ValidationError) as refused:
        WRITES[write](personas.caseworker_b, family)

    expected = {("household_create", "none"): NOT_A_MEMBER, ("household_create", "emergency"): READ_ONLY_MEMBER,
                ("household_create", "meeting"): READ_ONLY_MEMBER}.get((write, access))  # fmt: skip
    if expected:
        assert refused.value.messages == [expected]
    else:
        assert len(refused.value.messages) == 1 and refused.value.messages[0].endswith(message), refused.value.messages
    assert saved() == before


def test_the_holder_of_the_record_may_make_each_of_these_writes(personas, family):
    """The same calls as the agency that registered the people: the refusals above are about access."""
    a = personas.caseworker_a
    for write in ("person_name_add", "household_member_add", "household_create", "person_update", "consent_record"):
        WRITES[write](a, family)
    WRITES["consent_withdraw"](a, family)
    assert PersonName.objects.filter(person=family.mother).count() == 1
    assert HouseholdMember.objects.filter(person=family.son, household=family.household).exists()
    assert Household.objects.count() == 2
    assert Person.objects.get(pk=family.mother.pk).family_name == "山田"
    assert Consent.objects.get(pk=family.consent.pk).withdrawn_on == timezone.localdate()


def test_a_consent_naming_the_agency_lets_it_edit_but_an_emergency_member_cannot_join(personas, family):
    a, b = personas.caseworker_a, personas.caseworker_b
    consent_record(user=a, person=family.mother, data=ConsentInput(
        purpose="障がい福祉の相談のため", method=ConsentMethod.ORAL, given_on=timezone.localdate(),
        organizations=[Organization.objects.get(name=RINKUSU)]))  # fmt: skip
    give(personas, family.son, "emergency")
    members = HouseholdMember.objects.count()

    with pytest.raises(ValidationError) as refused:
        household_member_add(user=b, household=family.household,
                             member=MemberInput(person=family.son, relationship=Relationship.CHILD))  # fmt: skip
    assert refused.value.messages == [READ_ONLY_MEMBER]
    with pytest.raises(ValidationError):
        household_create(user=b, members=[MemberInput(family.mother, Relationship.HEAD),
                                          MemberInput(family.son, Relationship.CHILD)])  # fmt: skip
    assert HouseholdMember.objects.count() == members

    household = household_create(user=b, members=[MemberInput(person=family.mother, relationship=Relationship.HEAD)])
    assert list(household.members.values_list("person_id", flat=True)) == [family.mother.pk]


def test_posting_the_household_form_for_a_person_seen_only_in_an_emergency_creates_nothing(client, personas, family):
    give(personas, family.mother, "emergency")
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("people:person-detail", args=[family.mother.pk])).status_code == 200  # B may read
    households = Household.objects.count()

    url = reverse("people:household-create", args=[family.mother.pk])
    response = client.post(url, {"relationship": Relationship.HEAD, "notes": "緊急時に登録"})

    assert response.status_code == 404
    assert Household.objects.count() == households
    assert not HouseholdMember.objects.filter(household__notes="緊急時に登録").exists()


def test_an_administrator_or_auditor_is_refused_by_every_write(personas, family):
    """Their role shows them no personal data, so no service lets them change any either."""
    before = saved()
    for user in (personas.administrator, personas.auditor):
        for write in WRITES.values():
            with pytest.raises(ValidationError):
                write(user, family)
    assert saved() == before
