"""Existence oracles (issue 9, finding 7): a 宛名番号 tried against a record the user may not see.

Tried as an attacker would: a caseworker of another agency registers (page), and changes a record of
their own (page and API), with numbers that belong to people they may not see, to a person they may see,
and to nobody. The refusal reads the same whether or not the user may see the record and names nothing
about it; every try at a hidden record is in the audit log on that person.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tsunagu.api.services import api_token_issue
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.people.models import Person
from tsunagu.people.services import PROBE_SUMMARY, RESIDENT_NUMBER_TAKEN
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

FORM = {
    "family_name": "山田", "given_name": "次郎", "family_name_kana": "ヤマダ", "given_name_kana": "ジロウ",
    "birth_date": "S50.1.1", "gender": "male", "address": "鳥取県東伯郡琴浦町大字赤碕1番地",
    "confirm_new_person": "on",
}  # fmt: skip


@pytest.fixture
def hidden(personas) -> list[Person]:
    """People of caseworker A's centre, which caseworker B's agency may not see."""
    return [
        register(personas.caseworker_a, family_name=name, family_name_kana=kana, resident_number=number,
                 address_protected=protected, care_notes="DV被害のため住所非開示" if protected else "")
        for name, kana, number, protected in (
            ("川本", "カワモト", "0001000001", True), ("森", "モリ", "0001000002", False),
        )
    ]  # fmt: skip


def strip_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def errors_of(response) -> list[str]:
    return list(response.context["form"].errors.get("resident_number", []))


def error_html(response) -> str:
    """The message block of the 宛名番号 field as the page renders it."""
    page = response.content.decode()
    return "".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', page, flags=re.S))


def test_registering_with_a_number_of_a_hidden_record_reads_as_any_number_in_use(client, personas, hidden, capsys):
    own = register(personas.caseworker_b, family_name="田中", family_name_kana="タナカ", resident_number="0002000001")
    client.force_login(personas.caseworker_b)
    before = Person.objects.count()

    tries = {number: client.post(reverse("people:person-register"), FORM | {"resident_number": number})
             for number in ("0001000001", "0001000002", own.resident_number)}  # fmt: skip

    refusals = {number: (r.status_code, errors_of(r), error_html(r)) for number, r in tries.items()}
    # The hidden records' answers and the answer for B's own record (which B may see) are the same.
    assert len(set(map(str, refusals.values()))) == 1, refusals
    status, errors, _html = refusals["0001000001"]
    assert (status, errors) == (400, [RESIDENT_NUMBER_TAKEN])
    assert Person.objects.count() == before
    # (the number typed is kept in the form, as everything typed is)
    pages = [strip_csrf(tries[n].content.decode()).replace(n, "N") for n in ("0001000001", "0001000002")]
    # A protected person's number and an ordinary one give the very same page, which names nothing of
    # the record: no name, no agency, no link to it.
    assert pages[0] == pages[1]
    for person in hidden:
        for telling in (
            person.family_name,
            person.family_name_kana,
            "琴浦町地域包括支援センター",
            f"/people/{person.pk}/",
        ):
            assert telling not in pages[0], telling

    probes = AuditEntry.objects.filter(action=Action.PROBE)
    assert sorted((p.person_id, p.user_id, p.basis, p.summary) for p in probes) == sorted(
        (p.pk, personas.caseworker_b.pk, "", PROBE_SUMMARY) for p in hidden
    )
    assert {p.organization_id for p in probes} == {personas.caseworker_b.memberships.get().organization_id}
    identical = sum(1 for refusal in refusals.values() if refusal == refusals["0001000001"])
    with capsys.disabled():
        print(f"\n[finding 7] 宛名番号 tried: {len(tries)}, identical refusals: {identical}, probes: {probes.count()}")
    assert (identical, probes.count()) == (len(tries), len(hidden))


def test_a_free_number_registers_and_writes_no_probe(client, personas, hidden):
    client.force_login(personas.caseworker_b)
    response = client.post(reverse("people:person-register"), FORM | {"resident_number": "0009999999"})
    assert response.status_code == 302
    assert Person.objects.filter(resident_number="0009999999", registered_by__name="相談支援センターサポートりんくす")
    assert not AuditEntry.objects.filter(action=Action.PROBE).exists()


def test_the_probe_is_in_the_hidden_persons_log_for_their_agency_to_see(personas, hidden):
    from tsunagu.people.services import PeopleError, PersonInput, person_register

    with pytest.raises(PeopleError) as refused:
        person_register(user=personas.caseworker_b, data=PersonInput(
            family_name="山田", family_name_kana="ヤマダ", resident_number="0001000001"))  # fmt: skip
    assert refused.value.message_dict == {"resident_number": [RESIDENT_NUMBER_TAKEN]}
    # Written outside the refused registration's transaction: it outlives the refusal.
    entry = AuditEntry.objects.get(action=Action.PROBE)
    assert (entry.person_id, entry.model, entry.changes, entry.basis) == (hidden[0].pk, "", {}, "")


def test_changing_ones_own_record_to_a_hidden_number_is_refused_alike_on_the_page_and_the_api(client, personas, hidden):
    own = register(personas.caseworker_b, family_name="田中", family_name_kana="タナカ")
    client.force_login(personas.caseworker_b)
    url = reverse("people:person-edit", args=[own.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if v is not False}
    page = client.post(url, data | {"resident_number": "0001000001"})
    assert (page.status_code, errors_of(page)) == (400, [RESIDENT_NUMBER_TAKEN])

    token = api_token_issue(user=personas.caseworker_b, name="テスト用", days=1)[1]
    api_url = reverse("api:person-detail", args=[own.pk])
    etag = client.get(api_url, HTTP_AUTHORIZATION=f"Token {token}")["ETag"]
    answer = client.patch(api_url, {"resident_number": "0001000002"}, content_type="application/json",
                          HTTP_IF_MATCH=etag, HTTP_AUTHORIZATION=f"Token {token}")  # fmt: skip
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"resident_number": [RESIDENT_NUMBER_TAKEN]}
    assert "森" not in answer.content.decode()
    own.refresh_from_db()
    assert own.resident_number == ""
    probed = AuditEntry.objects.filter(action=Action.PROBE).values_list("person_id", flat=True)
    assert set(probed) == {p.pk for p in hidden} and len(probed) == 2
