"""``manage.py demo_town``: a fictional town, the same for the same seed, plausible to those who work there,
and impossible to mistake for (or use to reach) real people."""

import random
import re
import zlib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.access.policy import CASEWORK_ROLES
from tsunagu.access.services import plan_agencies
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.demo import DEMO_ACCOUNTS, demo_accounts_create
from tsunagu.core.japanese.kana import is_kana_reading, kana_search_key, normalize_kana_input
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import District, User
from tsunagu.people.demo import generator, names
from tsunagu.people.demo.generator import (
    DEMO_DISTRICTS,
    DV_CARE_NOTE,
    SYSTEM_USERNAME,
    TOWN,
    Town,
    demo_town_create,
    demo_town_extensions,
    generate,
)
from tsunagu.people.models import Household, HouseholdMember, Person, PersonName, Relationship
from tsunagu.people.search import phone_key

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)
SEED = 7
PEOPLE = 600


@pytest.fixture(autouse=True)
def _demo_mode(settings):
    settings.DEMO_MODE = True


@pytest.fixture(autouse=True)
def _without_extensions(monkeypatch):
    """These tests are about the people; other apps' demo records (the extension hook) have tests of their own."""
    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [])


def run(*extra: str, seed: int = SEED) -> str:
    out = StringIO()
    args = ["--people", str(PEOPLE), "--seed", str(seed), "--as-of", AS_OF.isoformat(), *extra]
    call_command("demo_town", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def town(kotoura):
    """琴浦町 after one small run; the command's output is returned."""
    return run()


def demo_town_of(kotoura) -> Town:
    return Town.of(kotoura, [name for name, _ in DEMO_DISTRICTS])


def generated_digest(kotoura, seed: int = SEED, as_of: date = AS_OF) -> list[tuple[str, ...]]:
    units = generate(random.Random(seed), demo_town_of(kotoura), TOWN.with_people(PEOPLE), as_of)
    return sorted(
        (p.family_name, p.given_name, p.family_name_kana, p.given_name_kana, str(p.birth_date or ""),
         str(p.relationship))
        for unit in units
        for p in unit.people
    )  # fmt: skip


def database_digest(kotoura) -> list[tuple[str, ...]]:
    relationship = dict(HouseholdMember.objects.filter(municipality=kotoura).values_list("person_id", "relationship"))
    return sorted(
        (p.family_name, p.given_name, p.family_name_kana, p.given_name_kana, str(p.birth_date or ""),
         relationship.get(p.pk, ""))
        for p in Person.objects.filter(municipality=kotoura)
    )  # fmt: skip


def ages() -> dict[int, int]:
    births = Person.objects.filter(birth_date__isnull=False).values_list("pk", "birth_date")
    return {pk: age_on(birth, AS_OF) for pk, birth in births if birth is not None}


# --- The same seed gives the same town --------------------------------------------------------------------


def test_the_generator_gives_the_same_rows_for_the_same_seed_and_date(kotoura):
    first = generated_digest(kotoura)
    assert first == generated_digest(kotoura)
    assert first != generated_digest(kotoura, seed=SEED + 1)
    assert len(first) >= PEOPLE


def test_two_runs_into_an_empty_town_write_the_same_people(kotoura):
    def one_run() -> list[tuple[str, ...]]:
        with transaction.atomic():
            run()
            digest = database_digest(kotoura)
            transaction.set_rollback(True)
        return digest

    first = one_run()
    assert Person.objects.filter(municipality=kotoura).count() == 0
    assert first == one_run()
    # What is written is exactly what the pure generator makes.
    assert first == generated_digest(kotoura)


# --- Plausible to the people who work there ------------------------------------------------------------


def test_every_reading_is_a_stored_katakana_reading_and_keys_are_the_services_keys(town):
    people = list(Person.objects.all())
    assert len(people) >= PEOPLE
    for p in people:
        for reading in (p.family_name_kana, p.given_name_kana):
            assert is_kana_reading(reading), reading
            assert normalize_kana_input(reading) == reading
        assert p.kana_key == kana_search_key(p.family_name_kana + p.given_name_kana)
        assert p.family_kana_key == kana_search_key(p.family_name_kana)
        assert (p.phone_key, p.phone2_key) == (phone_key(p.phone), phone_key(p.phone2))
    other_names = list(PersonName.objects.all())
    assert other_names, "a few married women have a 旧姓 and a few people a 通称"
    for n in other_names:
        assert is_kana_reading(n.family_name_kana) and normalize_kana_input(n.family_name_kana) == n.family_name_kana
        assert n.kana_key == kana_search_key(n.family_name_kana + n.given_name_kana)


def test_the_name_data_is_large_enough_and_its_readings_are_right():
    family = names.all_family_names()
    assert len({kanji for kanji, _ in family}) >= 150
    female = {n for group in names.FEMALE_GIVEN_NAMES.values() for n in group}
    male = {n for group in names.MALE_GIVEN_NAMES.values() for n in group}
    assert len(female) >= 60 and len(male) >= 60
    for kanji, kana in family + names.all_given_names() + names.FOREIGN_FAMILY_NAMES:
        assert kanji and is_kana_reading(kana) and normalize_kana_input(kana) == kana, (kanji, kana)
    for expected in [
        ("佐藤", "サトウ"),
        ("鈴木", "スズキ"),
        ("高橋", "タカハシ"),
        ("山根", "ヤマネ"),
        ("小谷", "コタニ"),
    ]:
        assert expected in family
    assert ("和子", "カズコ") in names.FEMALE_GIVEN_NAMES[names.Generation.SHOWA_EARLY]
    assert ("大翔", "ヒロト") in names.MALE_GIVEN_NAMES[names.Generation.RECENT]


def test_the_age_pyramid_is_a_rural_towns(town):
    known = ages()
    elderly = sum(1 for age in known.values() if age >= 65) / len(known)
    assert 0.30 <= elderly <= 0.45
    assert any(age < 6 for age in known.values())
    assert "高齢化率" in town


def test_households_have_one_head_and_ages_fit_the_relationships(town):
    age = ages()
    households = Household.objects.prefetch_related("members__person")
    assert households.exists()
    for household in households:
        members = list(household.members.all())
        heads = [m for m in members if m.relationship == Relationship.HEAD]
        assert len(heads) == 1, household.pk
        head = heads[0].person
        for member in members:
            if member.person_id not in age or head.pk not in age:
                continue
            gap = age[head.pk] - age[member.person_id]
            if member.relationship == Relationship.CHILD:
                assert 20 <= gap <= 45, (household.pk, gap)
                assert member.person.family_name_kana == head.family_name_kana
                for spouse in (m for m in members if m.relationship == Relationship.SPOUSE):
                    assert 20 <= age[spouse.person_id] - age[member.person_id] <= 45
            elif member.relationship == Relationship.PARENT:
                assert 20 <= -gap <= 45, (household.pk, gap)
            elif member.relationship == Relationship.SPOUSE:
                assert abs(gap) <= 10
            elif member.relationship == Relationship.GRANDCHILD:
                assert gap >= 40


def test_most_people_are_registered_residents_and_some_are_not(town):
    people = Person.objects.all()
    registered = people.filter(is_registered_resident=True)
    numbers = list(registered.values_list("resident_number", flat=True))
    assert all(re.fullmatch(r"[0-9]{10}", n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    unregistered = people.filter(is_registered_resident=False)
    assert 0 < unregistered.count() <= 0.08 * people.count()
    assert not unregistered.exclude(resident_number="").exists()
    assert not Household.objects.filter(members__person__is_registered_resident=True, resident_household_number="")


# --- Impossible to mistake for real people ----------------------------------------------------------------


def test_addresses_phones_and_mail_are_visibly_fictional(town, kotoura):
    people = Person.objects.all()
    for p in people:
        assert not p.address or "（デモ）" in p.address
        for number in (p.phone, p.phone2):
            assert not number or number.startswith("0858-00-")
        assert not p.email or p.email.endswith("@example.jp")
    assert people.exclude(phone="").exists()
    for household in Household.objects.exclude(address=""):
        assert "（デモ）" in household.address
    districts = District.objects.filter(municipality=kotoura)
    assert [(d.name, d.name_kana) for d in districts.order_by("order")] == list(DEMO_DISTRICTS)


def test_protected_addresses_are_marked_and_kept_off_the_household(kotoura):
    run("--people", "4000")  # protected addresses are rare (about 0.2%): a larger town has some
    protected = Person.objects.filter(address_protected=True)
    assert protected.exists()
    assert set(protected.values_list("care_notes", flat=True)) == {DV_CARE_NOTE}
    assert not Household.objects.filter(members__person__address_protected=True).exclude(address="").exists()


# --- Access: grants and consents as the services would give them ------------------------------------------


def test_every_person_is_a_record_of_the_register_division_and_some_of_a_serving_agency(town):
    registered_by = {p.registered_by.name for p in Person.objects.select_related("registered_by")}
    assert registered_by == {"福祉あんしん課"}
    own = AccessGrant.objects.active().filter(basis=Basis.OWN_RECORD)
    assert set(Person.objects.values_list("pk", flat=True)) == set(
        own.filter(organization__name="福祉あんしん課", source="registration").values_list("person_id", flat=True)
    )
    clients = own.exclude(organization__name="福祉あんしん課").values("person_id").distinct().count()
    assert 0.03 * PEOPLE <= clients <= 0.15 * PEOPLE


def test_consents_cover_every_agency_of_the_plan_as_consent_record_would(town, kotoura):
    consents = list(Consent.objects.prefetch_related("organizations"))
    assert consents
    scope = {o.pk for o in plan_agencies(kotoura.pk)}
    for consent in consents:
        assert consent.all_plan_agencies and consent.method == "written" and consent.given_by == "self"
        assert AS_OF - timedelta(days=730) < consent.given_on <= AS_OF
        assert {o.pk for o in consent.organizations.all()} == scope
        grants = list(AccessGrant.objects.active().filter(consent=consent))
        assert {g.organization_id for g in grants} == scope and len(grants) == len(scope)
        for grant in grants:
            assert (grant.basis, grant.source, grant.person_id) == (
                Basis.CONSENT,
                f"consent:{consent.pk}",
                consent.person_id,
            )
            assert grant.granted_by_id == consent.taken_by_id
            assert grant.reason == consent.purpose
    assert not AccessGrant.objects.filter(basis=Basis.CONSENT, consent__isnull=True).exists()


def test_consents_are_taken_by_the_demo_account_of_the_taking_agency_when_there_is_one(kotoura):
    demo_accounts_create(municipality=kotoura)
    run("--people", "2000")
    demo_staff = {(a.username, a.organization) for a in DEMO_ACCOUNTS if a.role in CASEWORK_ROLES}
    consents = Consent.objects.select_related("taken_by", "taken_by_organization")
    assert consents.exists()
    for consent in consents:
        taker = (consent.taken_by.username, consent.taken_by_organization.name)
        has_demo_account = any(org == taker[1] for _, org in demo_staff)
        assert taker in demo_staff if has_demo_account else taker[0] == SYSTEM_USERNAME, taker


def test_the_records_are_created_by_an_inactive_system_user_with_one_audit_entry(town):
    user = User.objects.get(username=SYSTEM_USERNAME)
    assert not user.is_active and not user.has_usable_password()
    assert user.display_name == "デモデータ生成"
    assert not Person.objects.exclude(created_by=user).exists()
    entries = AuditEntry.objects.filter(summary__startswith="demo_town:")
    assert entries.count() == 1
    entry = entries.get()
    people, households = Person.objects.count(), Household.objects.count()
    assert entry.action == Action.CREATE
    assert entry.summary == f"demo_town: {people}人・{households}世帯を生成（seed {SEED}）"
    assert f"{people:,}人" in town and f"{households:,}世帯" in town and "本人同意" in town


# --- Running it again, and refusals ------------------------------------------------------------------------


def test_a_second_run_does_nothing_and_is_quick(town):
    people, grants, entries = Person.objects.count(), AccessGrant.objects.count(), AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        output = run(seed=SEED + 1)
    assert "すでに" in output
    assert len(queries) <= 3
    assert (Person.objects.count(), AccessGrant.objects.count(), AuditEntry.objects.count()) == (
        people,
        grants,
        entries,
    )


def test_it_refuses_outside_demo_mode_and_with_dates_or_towns_it_cannot_use(kotoura, settings):
    with pytest.raises(CommandError, match="未来"):
        run("--as-of", "2999-01-01")
    with pytest.raises(CommandError, match="313726"):
        run("--municipality", "313726")
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="デモモード"):
        run()
    assert not Person.objects.exists()


def test_wareki_reference_dates_are_accepted(kotoura):
    output = run("--as-of", "令和7年10月1日")
    assert "基準日 2025-10-01" in output


# --- What a caseworker sees ----------------------------------------------------------------------------------


def test_the_household_page_shows_members_with_wareki_birth_dates_and_ages(town, client, personas):
    household = (
        Household.objects.filter(members__person__birth_date__lt=date(1989, 1, 1), members__relationship="head")
        .exclude(members__person__address_protected=True)
        .order_by("pk")
        .first()
    )
    assert household is not None
    client.force_login(personas.coordinator)
    page = client.get(reverse("people:household-detail", args=[household.pk])).content.decode()
    assert "昭和" in page and "歳" in page
    for member in household.members.select_related("person"):
        assert member.person.full_name in page


# --- The extension hook: other apps add their records to the same run ---------------------------------------


def test_each_extension_is_called_once_with_its_own_seeded_random_source_and_its_line_printed(kotoura, monkeypatch):
    calls = []

    def extend(*, municipality, rng, as_of, people, user):
        calls.append((municipality, rng.random(), as_of, people, user.username, Person.objects.count()))
        return "テスト: 追加しました"

    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [("tsunagu.example", extend)])
    out = StringIO()
    totals = demo_town_create(municipality=kotoura, scale=TOWN.with_people(PEOPLE), seed=SEED, as_of=AS_OF, stdout=out)
    # Seeded from the run's seed and the app's name (crc32, the same in every process): reproducible.
    expected = random.Random(SEED + zlib.crc32(b"tsunagu.example")).random()
    assert calls == [(kotoura, expected, AS_OF, totals.people, SYSTEM_USERNAME, totals.people)]
    assert out.getvalue() == "  テスト: 追加しました\n"


def test_a_failing_extension_leaves_no_town_behind(kotoura, monkeypatch):
    def extend(**kwargs):
        raise RuntimeError("broken extension")

    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [("tsunagu.example", extend)])
    with pytest.raises(RuntimeError, match="broken extension"):
        demo_town_create(
            municipality=kotoura, scale=TOWN.with_people(PEOPLE), seed=SEED, as_of=AS_OF, stdout=StringIO()
        )
    assert not Person.objects.exists()


def test_extensions_are_found_in_other_tsunagu_apps_and_only_a_missing_demo_module_is_skipped(monkeypatch):
    found = demo_town_extensions()
    assert all(name.startswith("tsunagu.") and name != "tsunagu.people" and callable(f) for name, f in found)
    # tsunagu.core has a demo module (the demo accounts) without an extension: not listed.
    assert "tsunagu.core" not in [name for name, _ in found]

    real_import = generator.importlib.import_module

    def missing_inside(name, *args):
        if name == "tsunagu.audit.demo":
            raise ModuleNotFoundError("No module named 'faker'", name="faker")
        return real_import(name, *args)

    monkeypatch.setattr(generator.importlib, "import_module", missing_inside)
    with pytest.raises(ModuleNotFoundError, match="faker"):
        demo_town_extensions()
