"""Every persona × action × consent state: an expected denial is a 404, an expected access works.

The expectations are written from the rules of DESIGN §4, not computed by the code under test:
- the registering agency (地域包括支援センター: caseworker A and colleague) always sees its own record;
- another agency sees it only through a consent naming it (or all agencies), or an emergency grant that
  has not expired (read only: no editing, no consent recording);
- administrators, auditors and staff of another municipality never see personal data.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record, consent_withdraw, emergency_access_request
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

PERSONAS = ["caseworker_a", "colleague_a", "caseworker_b", "coordinator", "supervisor", "administrator", "auditor",
            "stranger"]  # fmt: skip
ACTIONS = ["view", "household", "search", "edit", "record_consent"]

# state → personas who may read; personas who may also change the record.
OWN = {"caseworker_a", "colleague_a"}
ANSHIN = {"coordinator", "supervisor"}
EXPECTED = {
    "registered_only": (OWN, OWN),
    "consent_to_b": (OWN | {"caseworker_b"}, OWN | {"caseworker_b"}),
    "consent_to_anshin": (OWN | ANSHIN, OWN | ANSHIN),
    "consent_to_all": (OWN | {"caseworker_b"} | ANSHIN, OWN | {"caseworker_b"} | ANSHIN),
    "consent_to_b_withdrawn": (OWN, OWN),
    "emergency_for_b": (OWN | {"caseworker_b"}, OWN),
    "emergency_for_b_expired": (OWN, OWN),
}


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def arrange(state: str, personas, monkeypatch):
    a = personas.caseworker_a
    person = register(a)
    spouse = register(a, given_name="太郎", given_name_kana="タロウ", birth_date=date(1940, 1, 2))
    household_of(a, (spouse, Relationship.HEAD), (person, Relationship.SPOUSE))

    def consent(*names: str, everyone: bool = False):
        return consent_record(
            user=a,
            person=person,
            data=ConsentInput(
                purpose="支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
                organizations=[org(n) for n in names], all_plan_agencies=everyone,
            ),
        )  # fmt: skip

    if state == "consent_to_b":
        consent("相談支援センターサポートりんくす")
    elif state == "consent_to_anshin":
        consent("福祉あんしん課")
    elif state == "consent_to_all":
        consent(everyone=True)
    elif state == "consent_to_b_withdrawn":
        consent_withdraw(user=a, consent=consent("相談支援センターサポートりんくす"), withdrawn_on=timezone.localdate())
    elif state.startswith("emergency_for_b"):
        emergency_access_request(
            user=personas.caseworker_b,
            person=person,
            reason="本人と連絡が取れず、室内で倒れている恐れがある",
            hours=2,
        )
        if state.endswith("expired"):
            later = timezone.now() + timedelta(hours=3)
            monkeypatch.setattr(timezone, "now", lambda: later)
    return person


def outcome(client, action: str, person) -> bool:
    """Whether the action worked; a refusal must be a 404 (or, for search, the person not listed)."""
    household_id = person.household_memberships.get().household_id
    urls = {
        "view": reverse("people:person-detail", args=[person.pk]),
        "household": reverse("people:household-detail", args=[household_id]),
        "edit": reverse("people:person-edit", args=[person.pk]),
        "record_consent": reverse("access:consent-create", args=[person.pk]),
    }
    if action == "search":
        response = client.get(reverse("people:person-search"), {"name": "ことうら"})
        if response.status_code == 404:
            return False
        assert response.status_code == 200
        return f'data-person="{person.pk}"' in response.content.decode()
    response = client.get(urls[action])
    assert response.status_code in (200, 404), (action, response.status_code)
    return response.status_code == 200


@pytest.mark.parametrize("state", list(EXPECTED))
def test_access_matrix(client, personas, monkeypatch, state, capsys):
    person = arrange(state, personas, monkeypatch)
    readers, editors = EXPECTED[state]
    wrong = []
    checked = 0
    for name in PERSONAS:
        client.force_login(getattr(personas, name))
        for action in ACTIONS:
            expected = name in (editors if action in {"edit", "record_consent"} else readers)
            checked += 1
            if outcome(client, action, person) != expected:
                wrong.append((name, action, "expected access" if expected else "expected 404"))
    with capsys.disabled():
        print(f"\naccess matrix [{state}]: {checked} persona × action cases checked")
    assert checked == len(PERSONAS) * len(ACTIONS)
    assert not wrong, wrong
