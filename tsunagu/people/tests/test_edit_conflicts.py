"""Two staff editing the same person: the second save from an old form is refused, never silently lost.

Sequential (load the form, somebody else saves, then the first user saves), so these run on SQLite and
PostgreSQL alike; the simultaneous saves on real connections are in ``test_edit_races.py``.
"""

from dataclasses import fields
from datetime import date

import pytest
from django.urls import reverse

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization, User
from tsunagu.core.versioning import EditConflict, save_if_version
from tsunagu.people.models import Household, Person, Relationship
from tsunagu.people.selectors import person_check_for_user
from tsunagu.people.services import MemberInput, PersonInput, household_member_add, person_update
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

NEW_PHONE = "0858-00-1234"
NEW_ADDRESS = "鳥取県東伯郡琴浦町大字八橋1番地"


def edit(user: User, person_pk: int, *, expected_version: int, **changes: object) -> Person:
    """What the edit page's service call does for ``user``: the person as it is now, with ``changes``."""
    view = person_check_for_user(user=user, pk=person_pk)
    data = {f.name: getattr(view.person, f.name) for f in fields(PersonInput)} | changes
    return person_update(
        user=user, person=view.person, data=PersonInput(**data),
        expected_version=expected_version,
    )  # fmt: skip


def form_data(client, url: str) -> dict[str, object]:
    """The edit form as the browser would post it untouched (hidden version included)."""
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["district"] = form.initial.get("district") or ""
    return data


def test_a_new_person_starts_at_version_1_and_each_save_moves_it_on(personas):
    person = register(personas.caseworker_a)
    assert person.version == 1
    saved = edit(personas.caseworker_a, person.pk, expected_version=1, phone=NEW_PHONE)
    assert saved.version == 2
    assert Person.objects.get(pk=person.pk).version == 2


def test_a_save_from_an_old_version_is_refused_and_names_who_changed_what(personas):
    person = register(personas.caseworker_a)
    edit(personas.colleague_a, person.pk, expected_version=1, phone=NEW_PHONE)
    updates_before = AuditEntry.objects.filter(action=Action.UPDATE, person_id=person.pk).count()

    with pytest.raises(EditConflict) as refused:
        edit(personas.caseworker_a, person.pk, expected_version=1, address=NEW_ADDRESS)

    conflict = refused.value
    message = conflict.summary()
    assert message.startswith("この記録は編集中に他の職員（琴浦町地域包括支援センター cw_a2）が")
    assert f"変更された項目: 電話番号（現在: {NEW_PHONE}）。" in message
    # The refused user's own change is theirs, not somebody else's: it is not listed as changed.
    assert "住所" not in message
    assert message.endswith("内容を確認して、もう一度保存してください。")
    assert conflict.message_dict["phone"] == [f"他の職員が変更しました（現在: {NEW_PHONE}）。"]
    assert conflict.current_version == 2
    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.address, stored.version) == (NEW_PHONE, person.address, 2)
    assert AuditEntry.objects.filter(action=Action.UPDATE, person_id=person.pk).count() == updates_before


def test_after_looking_a_save_from_the_current_version_succeeds(personas):
    person = register(personas.caseworker_a)
    edit(personas.colleague_a, person.pk, expected_version=1, phone=NEW_PHONE)
    with pytest.raises(EditConflict) as refused:
        edit(personas.caseworker_a, person.pk, expected_version=1, address=NEW_ADDRESS)
    edit(personas.caseworker_a, person.pk, expected_version=refused.value.current_version, address=NEW_ADDRESS)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.address, stored.version) == (NEW_PHONE, NEW_ADDRESS, 3)


def test_several_saves_since_the_form_opened_are_all_named(personas):
    person = register(personas.caseworker_a)
    edit(personas.colleague_a, person.pk, expected_version=1, phone=NEW_PHONE)
    edit(personas.colleague_a, person.pk, expected_version=2, birth_date=date(1944, 5, 4), gender="female")
    with pytest.raises(EditConflict) as refused:
        edit(personas.caseworker_a, person.pk, expected_version=1, email="hanako@example.jp")
    message = refused.value.summary()
    listed = "生年月日（現在: 昭和19年5月4日）、性別（現在: 女性）、電話番号（現在: 0858-00-1234）"
    assert f"変更された項目: {listed}。" in message


def test_the_edit_page_keeps_what_was_typed_and_names_the_changed_field(client, personas):
    person = register(personas.caseworker_a)
    url = reverse("people:person-edit", args=[person.pk])
    client.force_login(personas.caseworker_a)
    typed = form_data(client, url)
    assert typed["version"] == 1
    typed.update(address=NEW_ADDRESS, contact_notes="午前中は通院のため不在")

    # Meanwhile a colleague saves a new phone number from the same page.
    colleague = client.__class__()
    colleague.force_login(personas.colleague_a)
    theirs = form_data(colleague, url) | {"phone": NEW_PHONE}
    assert colleague.post(url, theirs).status_code == 302

    response = client.post(url, typed)

    assert response.status_code == 409
    page = response.content.decode()
    assert "この記録は編集中に他の職員（琴浦町地域包括支援センター cw_a2）が" in page
    assert f"変更された項目: 電話番号（現在: {NEW_PHONE}）" in page
    assert f'value="{NEW_ADDRESS}"' in page and "午前中は通院のため不在" in page
    assert 'name="version" value="2"' in page
    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.address, stored.contact_notes) == (NEW_PHONE, person.address, "")

    # The caseworker takes the colleague's number into their form and saves again: both changes stay.
    again = response.context["form"].data.copy()
    again["phone"] = NEW_PHONE
    assert client.post(url, again).status_code == 302
    stored.refresh_from_db()
    assert (stored.phone, stored.address, stored.contact_notes, stored.version) == (
        NEW_PHONE, NEW_ADDRESS, "午前中は通院のため不在", 3,
    )  # fmt: skip


def test_an_edit_without_its_version_is_not_saved(client, personas):
    person = register(personas.caseworker_a)
    url = reverse("people:person-edit", args=[person.pk])
    client.force_login(personas.caseworker_a)
    data = form_data(client, url) | {"phone": NEW_PHONE}
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "画面を開き直してから、もう一度入力してください。" in response.content.decode()
    assert Person.objects.get(pk=person.pk).phone == person.phone


@pytest.fixture
def protected(personas) -> Person:
    """A DV-protected person of centre A, shared by consent with サポートりんくす (which may edit, not see the address)."""
    person = register(personas.caseworker_a, address_protected=True, care_notes="DV被害のため住所非開示")
    consent_record(user=personas.caseworker_a, person=person, data=ConsentInput(
        purpose="支援", method=ConsentMethod.WRITTEN, given_on=date(2025, 5, 1),
        organizations=[Organization.objects.get(name="相談支援センターサポートりんくす")]))  # fmt: skip
    return person


def test_a_conflict_never_shows_a_protected_address_to_another_agency(client, personas, protected):
    url = reverse("people:person-edit", args=[protected.pk])
    client.force_login(personas.caseworker_b)
    typed = form_data(client, url) | {"email": "b@example.jp"}
    for hidden in ("postal_code", "address", "district", "address_protected", "care_notes"):
        typed.pop(hidden, None)  # not on B's page, so not in what B's browser posts
    # The registering centre moves her, and changes the phone, while B has the form open.
    edit(personas.caseworker_a, protected.pk, expected_version=1, address=NEW_ADDRESS, postal_code="6892301",
         care_notes="DV被害のため住所非開示。転居した", phone=NEW_PHONE)  # fmt: skip

    response = client.post(url, typed)

    assert response.status_code == 409
    page = response.content.decode()
    assert f"変更された項目: 電話番号（現在: {NEW_PHONE}）。" in page
    secrets = ["八橋", "6892301", "689-2301", "転居した", "DV被害", "住所（現在", "郵便番号（現在", "配慮事項（現在"]
    assert [s for s in secrets if s in page] == []
    # The registering centre itself is told about the address.
    with pytest.raises(EditConflict) as refused:
        edit(personas.caseworker_a, protected.pk, expected_version=1, email="a@example.jp")
    assert f"住所（現在: {NEW_ADDRESS}）" in refused.value.summary()


def test_a_register_import_moves_the_version_on(client, personas, tmp_path):
    from tsunagu.people.tests.test_import_residents import ROWS, changed, run, write

    run(write(tmp_path, ROWS))
    resident = Person.objects.get(resident_number="0001000006")
    assert resident.version == 1
    url = reverse("people:person-edit", args=[resident.pk])
    client.force_login(personas.coordinator)  # 福祉あんしん課 holds the register's records
    typed = form_data(client, url) | {"contact_notes": "電話は夕方に"}
    moved = "鳥取県東伯郡琴浦町大字八橋200番地"
    run(write(tmp_path, changed(ROWS, "0001000006", 住所=moved, 異動事由="転居", 異動日="令和7年4月1日"), name="2.csv"))

    response = client.post(url, typed)

    assert response.status_code == 409
    page = response.content.decode()
    assert "他の職員（福祉あんしん課 住民記録取込）" in page and f"住所（現在: {moved}）" in page
    resident.refresh_from_db()
    assert (resident.address, resident.contact_notes, resident.version) == (moved, "", 2)
    assert Household.objects.get(resident_household_number="0000300").version == 2


def test_adding_a_household_member_moves_the_household_version_on(personas):
    a = personas.caseworker_a
    mother = register(a, given_name="トメ", given_name_kana="トメ")
    son = register(a, given_name="一郎", given_name_kana="イチロウ", birth_date=date(1972, 9, 30))
    household = household_of(a, (mother, Relationship.HEAD))
    household_member_add(user=a, household=household, member=MemberInput(person=son, relationship=Relationship.CHILD))
    assert (household.version, Household.objects.get(pk=household.pk).version) == (2, 2)


def test_save_if_version_writes_nothing_at_an_old_version(personas):
    person = register(personas.caseworker_a)
    stale = Person.objects.get(pk=person.pk)
    registered_at = stale.updated_at
    person.phone = NEW_PHONE
    assert save_if_version(person, expected_version=1, fields=["phone"]) is True
    stale.phone = "0858-99-9999"
    assert save_if_version(stale, expected_version=1, fields=["phone"]) is False
    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.version, person.version, stale.version) == (NEW_PHONE, 2, 2, 1)
    assert stored.updated_at > registered_at  # auto_now applied as save() applies it
    assert stale.updated_at == registered_at  # the refused instance is left as it was
