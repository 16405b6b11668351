"""Registering people and finding them again, as a caseworker would."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.people.models import Person
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

VALID = {
    "family_name": "佐藤",
    "given_name": "花子",
    "family_name_kana": "さとう",
    "given_name_kana": "はなこ",
    "birth_date": "S45.3.1",
    "gender": "female",
    "postal_code": "689-2392",
    "address": "鳥取県東伯郡琴浦町大字徳万591番地2",
    "phone": "0858-52-1111",
}


def post_register(client, **changes):
    return client.post(reverse("people:person-register"), {**VALID, **changes})


def test_registering_a_person_normalises_kana_and_reads_wareki(client, personas):
    client.force_login(personas.caseworker_a)
    response = post_register(client)
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person-detail", args=[person.pk])
    assert (person.family_name_kana, person.given_name_kana) == ("サトウ", "ハナコ")
    assert person.birth_date == date(1970, 3, 1)
    assert person.postal_code == "6892392"
    assert person.kana_key == "サトウハナコ"
    page = client.get(response["Location"]).content.decode()
    assert "昭和45年3月1日" in page
    assert "自機関の記録" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("family_name_kana", "佐藤", "フリガナはカタカナ（またはひらがな）で入力してください"),
        ("birth_date", "令和0年4月1日", "令和0年"),
        ("birth_date", "令和7年2月30日", "2月30日"),
        ("birth_date", "平成32年5月1日", "平成は31年4月30日まで"),
        ("birth_date", "2999-01-01", "未来の日付は入力できません"),
        ("phone", "0858-52", "電話番号は市外局番から10桁または11桁"),
        ("postal_code", "68923", "郵便番号は7桁"),
        ("family_name", "", "この項目は必須です"),  # Django's message as DRF's catalogue words it
    ],
)
def test_bad_input_gets_a_japanese_message_and_nothing_is_saved(client, personas, field, value, message):
    client.force_login(personas.caseworker_a)
    entries = AuditEntry.objects.count()
    response = post_register(client, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_a_dv_address_needs_a_reason(client, personas):
    client.force_login(personas.caseworker_a)
    response = post_register(client, address_protected="on")
    assert "住所を非開示にする理由" in response.content.decode()
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "typed",
    [
        {"family_name_kana": "ｻﾄｳ", "given_name_kana": "ﾊﾅｺ"},
        {"family_name_kana": "サトウ", "given_name_kana": "ハナコ"},
        {"family_name_kana": "さとう", "given_name_kana": "はなこ"},
    ],
)
def test_a_likely_duplicate_is_shown_before_saving(client, personas, typed):
    client.force_login(personas.caseworker_a)
    existing = register(personas.caseworker_a, family_name="佐藤", given_name="花子", family_name_kana="サトウ",
                        given_name_kana="ハナコ", birth_date=date(1970, 3, 1), phone="")  # fmt: skip
    response = post_register(client, phone="", address="", **typed)
    content = response.content.decode()
    assert response.status_code == 200
    assert "同じ方の可能性がある記録" in content
    assert reverse("people:person-detail", args=[existing.pk]) in content
    assert "フリガナと生年月日が一致" in content
    assert Person.objects.count() == 1
    confirmed = post_register(client, phone="", address="", confirm_new_person="on", **typed)
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_duplicates_are_only_looked_for_among_visible_records(client, personas):
    register(personas.caseworker_b, family_name="佐藤", given_name="花子", family_name_kana="サトウ",
             given_name_kana="ハナコ", birth_date=date(1970, 3, 1))  # fmt: skip
    client.force_login(personas.caseworker_a)
    response = post_register(client)
    assert response.status_code == 302  # nothing disclosed about the other agency's record


@pytest.fixture
def satos(personas):
    a = personas.caseworker_a
    return [
        register(a, family_name="佐藤", given_name="花子", family_name_kana="サトウ", given_name_kana="ハナコ",
                 birth_date=date(1970, 3, 1), phone="0858-52-1111"),
        register(a, family_name="佐藤", given_name="一郎", family_name_kana="サトウ", given_name_kana="イチロウ",
                 birth_date=date(1940, 1, 2), phone="0858-53-2222"),
        register(a, family_name="斉藤", given_name="学", family_name_kana="サイトウ", given_name_kana="マナブ",
                 birth_date=date(1988, 8, 8), phone=""),
    ]  # fmt: skip


def found(client, **query) -> set[int]:
    content = client.get(reverse("people:person-search"), query).content.decode()
    import re

    return {int(pk) for pk in re.findall(r'data-person="(\d+)"', content)}


@pytest.mark.parametrize("typed", ["ｻﾄｳ", "さとう", "サトウ", "ザトウ", "さと", "ｻﾄｳ ﾊﾅｺ", "サトウ　ハナ"])
def test_kana_search_ignores_width_script_and_voicing(client, personas, satos, typed):
    client.force_login(personas.caseworker_a)
    result = found(client, name=typed)
    assert satos[0].pk in result
    assert satos[2].pk not in result
    if "ハナ" in typed or "ﾊﾅ" in typed:
        assert result == {satos[0].pk}
    else:
        assert result == {satos[0].pk, satos[1].pk}


def test_search_by_kanji_birth_date_phone_and_resident_number(client, personas, satos):
    client.force_login(personas.caseworker_a)
    assert found(client, name="佐藤") == {satos[0].pk, satos[1].pk}
    assert found(client, name="佐藤 一") == {satos[1].pk}
    assert found(client, birth_date="S63.8.8") == {satos[2].pk}
    assert found(client, phone="０８５８（５３）２２２２") == {satos[1].pk}


def test_a_search_is_audited_with_its_terms(client, personas, satos):
    client.force_login(personas.caseworker_a)
    found(client, name="さとう", birth_date="昭和45年3月1日")
    entry = AuditEntry.objects.filter(action=Action.SEARCH).latest("id")
    assert entry.terms == {"name": "さとう", "birth_date": "1970-03-01"}
    assert entry.username == "cw_a"


def test_other_agencies_do_not_find_the_record(client, personas, satos):
    client.force_login(personas.caseworker_b)
    assert found(client, name="サトウ") == set()


def test_search_query_count_does_not_grow_with_results(client, personas):
    client.force_login(personas.caseworker_a)
    register(
        personas.caseworker_a, family_name="山根", family_name_kana="ヤマネ", given_name="一", given_name_kana="ハジメ"
    )
    with CaptureQueriesContext(connection) as few:
        assert len(found(client, name="やまね")) == 1
    for i in range(60):
        register(personas.caseworker_a, family_name="山根", family_name_kana="ヤマネ", given_name=f"次{i}",
                 given_name_kana="ジロウ", birth_date=date(1950, 1, 1 + i % 28), phone="")  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert len(found(client, name="やまね")) == 50
    assert len(many) == len(few)


def test_person_page_query_count_does_not_grow_with_consents(client, personas):
    from tsunagu.access.models import ConsentMethod
    from tsunagu.access.services import ConsentInput, consent_record
    from tsunagu.core.models import Organization

    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    url = reverse("people:person-detail", args=[person.pk])

    def give_consent():
        agencies = Organization.objects.filter(name__in=["福祉あんしん課", "琴浦町社会福祉協議会"])
        data = ConsentInput(
            purpose="情報共有", method=ConsentMethod.ORAL, given_on=date(2025, 4, 1), organizations=list(agencies)
        )
        consent_record(user=personas.caseworker_a, person=person, data=data)

    give_consent()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        give_consent()
    with CaptureQueriesContext(connection) as six:
        content = client.get(url).content.decode()
    assert content.count("data-consent=") == 6
    assert len(six) == len(one)
