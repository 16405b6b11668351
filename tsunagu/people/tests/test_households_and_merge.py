"""Households shown as a whole (with 和暦 and ages), and 名寄せ that can be undone without losing a link."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.access.models import AccessGrant, ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization
from tsunagu.people.models import HouseholdMember, NameKind, Person, PersonName, Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.records.models import ChangeHistory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(personas):
    """The 8050 household of the consultation issue: an 80-year-old mother and her son in his fifties."""
    a = personas.caseworker_a
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(1945, 2, 11))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(1972, 9, 30))  # fmt: skip
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    return mother, son, household


def test_household_page_shows_members_with_wareki_birth_dates_and_ages(client, personas, family):
    mother, son, household = family
    client.force_login(personas.caseworker_a)
    content = client.get(reverse("people:household-detail", args=[household.pk])).content.decode()
    assert "昭和20年2月11日" in content and "昭和47年9月30日" in content
    from django.utils import timezone

    from tsunagu.core.japanese.wareki import age_on

    today = timezone.localdate()
    assert f"{age_on(mother.birth_date, today)}歳" in content
    assert f"{age_on(son.birth_date, today)}歳" in content
    assert "世帯主" in content and "子" in content


def test_a_household_shows_only_the_members_one_may_see(client, personas, family):
    mother, son, household = family
    consent_record(user=personas.caseworker_a, person=son, data=ConsentInput(
        purpose="就労支援のため", method=ConsentMethod.WRITTEN, given_on=date(2025, 5, 1),
        organizations=[Organization.objects.get(name="福祉あんしん課")]))  # fmt: skip
    client.force_login(personas.coordinator)
    content = client.get(reverse("people:household-detail", args=[household.pk])).content.decode()
    assert f'data-person="{son.pk}"' in content
    assert f'data-person="{mother.pk}"' not in content
    assert "トメ" not in content
    assert "ほかに閲覧権限のない世帯員が1名います" in content


def test_opening_a_person_page_writes_exactly_one_read_entry(client, personas, family):
    mother, _, household = family
    client.force_login(personas.colleague_a)
    before = AuditEntry.objects.count()
    client.get(reverse("people:person-detail", args=[mother.pk]))
    new = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.person_id, e.basis, e.username) for e in new] == [
        (Action.READ, mother.pk, "own_record", "cw_a2")
    ]
    client.get(reverse("people:household-detail", args=[household.pk]))
    assert AuditEntry.objects.count() == before + 2
    assert AuditEntry.objects.latest("id").model == "people.household"


def test_a_change_records_old_and_new_values(client, personas, family):
    mother, _, _ = family
    client.force_login(personas.caseworker_a)
    url = reverse("people:person-edit", args=[mother.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(birth_date="昭和20年2月11日", address="鳥取県東伯郡琴浦町大字八橋1番地", district="")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = AuditEntry.objects.filter(action=Action.UPDATE, person_id=mother.pk).latest("id")
    # The log names the field; the values are in the change history, read through the access core.
    assert entry.changes == {"fields": ["address"]}
    history = ChangeHistory.objects.get(audit_entry_id=entry.pk)
    assert history.changes == {"address": ["鳥取県東伯郡琴浦町大字徳万591番地2", "鳥取県東伯郡琴浦町大字八橋1番地"]}
    assert (history.person_id, history.model, history.object_id) == (mother.pk, "people.person", str(mother.pk))


def test_a_protected_address_stays_with_the_registering_agency(client, personas):
    person = register(personas.caseworker_a, address_protected=True, care_notes="DV被害のため住所非開示")
    consent_record(user=personas.caseworker_a, person=person, data=ConsentInput(
        purpose="支援", method=ConsentMethod.WRITTEN, given_on=date(2025, 5, 1),
        organizations=[Organization.objects.get(name="相談支援センターサポートりんくす")]))  # fmt: skip
    url = reverse("people:person-detail", args=[person.pk])
    client.force_login(personas.caseworker_b)
    other = client.get(url).content.decode()
    assert "徳万" not in other and "非開示（非開示を登録した機関と、その機関が指名した職員だけが閲覧できます）" in other
    assert "DV被害" not in other
    client.force_login(personas.caseworker_a)
    assert "徳万" in client.get(url).content.decode()


def test_household_page_query_count_does_not_grow_with_members(client, personas, family):
    *_, household = family
    client.force_login(personas.caseworker_a)
    url = reverse("people:household-detail", args=[household.pk])
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for i in range(6):
        grandchild = register(personas.caseworker_a, family_name="山田", given_name=f"孫{i}", family_name_kana="ヤマダ",
                              given_name_kana="マゴ", birth_date=date(2010, 1, 1 + i))  # fmt: skip
        HouseholdMember.objects.create(municipality=household.municipality, household=household, person=grandchild,
                                       relationship=Relationship.GRANDCHILD, order=10 + i)  # fmt: skip
    with CaptureQueriesContext(connection) as eight:
        content = client.get(url).content.decode()
    assert content.count("data-person=") == 8
    assert len(eight) == len(two)


def links_of(person: Person) -> dict[str, int]:
    return {
        "households": HouseholdMember.objects.filter(person=person).count(),
        "names": PersonName.objects.filter(person=person).count(),
        "consents": person.consents.count(),
        "grants": AccessGrant.objects.filter(person=person).count(),
    }


def test_a_supervisor_merges_a_duplicate_and_undoes_it_keeping_every_link(client, personas, family):
    from tsunagu.people.services import person_name_add

    mother, *_ = family
    duplicate = register(personas.supervisor, family_name="山田", given_name="とめ", family_name_kana="ﾔﾏﾀﾞ",
                         given_name_kana="ﾄﾒ", birth_date=date(1945, 2, 11))  # fmt: skip
    person_name_add(user=personas.supervisor, person=duplicate, kind=NameKind.FORMER, family_name="川上",
                    family_name_kana="カワカミ")  # fmt: skip
    consent_record(user=personas.supervisor, person=duplicate, data=ConsentInput(
        purpose="支援", method=ConsentMethod.ORAL, given_on=date(2025, 5, 1),
        organizations=[Organization.objects.get(name="琴浦町地域包括支援センター")]))  # fmt: skip
    consent_record(user=personas.caseworker_a, person=mother, data=ConsentInput(
        purpose="支援", method=ConsentMethod.ORAL, given_on=date(2025, 5, 1),
        organizations=[Organization.objects.get(name="福祉あんしん課")]))  # fmt: skip
    client.force_login(personas.supervisor)
    # Seen only through a consent, the mother's record is not the supervisor's to merge.
    refused = client.post(
        reverse("people:person-merge", args=[mother.pk]), {"other": duplicate.pk, "reason": "同一人物"}
    )
    assert "統合できるのは、自機関の記録どうしだけです" in refused.content.decode()
    assert duplicate.__class__.objects.get(pk=duplicate.pk).merged_into is None
    # The town division holds the resident register: her record is its own record too.
    from tsunagu.access.models import Basis
    from tsunagu.access.services import grant_create

    grant_create(organization=Organization.objects.get(name="福祉あんしん課"), person=mother, basis=Basis.OWN_RECORD,
                 source="resident-register", granted_by=None)  # fmt: skip
    before_mother, before_duplicate = links_of(mother), links_of(duplicate)

    client.force_login(personas.caseworker_a)
    assert client.get(reverse("people:person-merge", args=[mother.pk])).status_code == 404

    client.force_login(personas.supervisor)
    page = client.get(reverse("people:person-merge", args=[mother.pk])).content.decode()
    assert f"?other={duplicate.pk}" in page and "フリガナと生年月日が一致" in page
    response = client.post(reverse("people:person-merge", args=[mother.pk]),
                           {"other": duplicate.pk, "reason": "生年月日・住所が一致し同一人物と確認"})  # fmt: skip
    assert response.status_code == 302
    after = links_of(mother)
    assert after == {k: before_mother[k] + before_duplicate[k] for k in after}
    assert links_of(duplicate) == {"households": 0, "names": 0, "consents": 0, "grants": 0}
    assert client.get(reverse("people:person-detail", args=[duplicate.pk])).status_code == 404
    search = client.get(reverse("people:person-search"), {"name": "カワカミ"}).content.decode()
    assert f'data-person="{mother.pk}"' in search  # the former name now finds the kept record
    assert AuditEntry.objects.filter(action=Action.MERGE, person_id__in=[mother.pk, duplicate.pk]).count() == 2

    merge = mother.merges_kept.get()
    response = client.post(reverse("people:person-unmerge", args=[merge.pk]))
    assert response.status_code == 302
    assert links_of(mother) == before_mother
    assert links_of(duplicate) == before_duplicate
    assert client.get(reverse("people:person-detail", args=[duplicate.pk])).status_code == 200
    assert AuditEntry.objects.filter(action=Action.UNMERGE).count() == 2


def test_a_protected_members_address_is_not_given_away_by_the_household_or_the_log(client, personas):
    from tsunagu.audit.models import AuditEntry

    mother = register(personas.caseworker_a, family_name="川本", given_name="美和", family_name_kana="カワモト",
                      given_name_kana="ミワ", address_protected=True, care_notes="DV被害のため住所非開示")  # fmt: skip
    child = register(personas.caseworker_a, family_name="川本", given_name="陽", family_name_kana="カワモト",
                     given_name_kana="ヒナタ", birth_date=date(2019, 4, 2))  # fmt: skip
    household = household_of(personas.caseworker_a, (mother, Relationship.HEAD), (child, Relationship.CHILD))
    household.address = "鳥取県東伯郡琴浦町大字徳万591番地2"
    household.save()
    consent_record(user=personas.caseworker_a, person=child, data=ConsentInput(
        purpose="子育て支援", method=ConsentMethod.WRITTEN, given_on=date(2025, 5, 1),
        organizations=[Organization.objects.get(name="相談支援センターサポートりんくす")]))  # fmt: skip
    client.force_login(personas.caseworker_b)
    page = client.get(reverse("people:household-detail", args=[household.pk])).content.decode()
    assert "徳万" not in page and "非開示（非開示を登録した機関と、その機関が指名した職員だけが閲覧できます）" in page
    created = AuditEntry.objects.get(action=Action.CREATE, person_id=mother.pk, model="people.person")
    assert "徳万" not in str(created.changes) and "DV被害" not in str(created.changes)
    assert "address" in created.changes["fields"] and "care_notes" in created.changes["fields"]
