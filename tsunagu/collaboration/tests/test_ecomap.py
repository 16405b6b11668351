"""エコマップ of the 8050 household: drawn from the data the reader may see — nodes and edges exactly as
the case, its participant and the referral say — hidden members counted, not drawn; 404 for a stranger;
names escaped; queries constant as the household grows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.collaboration.ecomap import CASE, REFERRAL_OPEN, REGISTERED, ecomap_for_user, ecomap_svg
from tsunagu.collaboration.tests import test_flow
from tsunagu.collaboration.tests.factories import consent_for
from tsunagu.people import selectors as people
from tsunagu.people.models import Relationship
from tsunagu.people.services import MemberInput, household_member_add
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

# The 8050 household, its referral and its case, as the flow tests build them.
household_8050 = test_flow.household_8050
accepted_referral = test_flow.accepted_referral
case = test_flow.case
org = test_flow.org


def ecomap_of(user, household):
    return ecomap_for_user(user=user, view=people.household_get_for_user(user=user, pk=household.pk))


def test_the_coordinator_sees_every_member_and_organisation(personas, case, household_8050):
    mother, son, household, _ = household_8050
    ecomap = ecomap_of(personas.coordinator, household)
    assert [(m.person_id, m.relationship, m.symbol) for m in ecomap.members] == [
        (mother.pk, "世帯主", "diamond"), (son.pk, "子", "diamond")]  # fmt: skip
    assert ecomap.members[0].age == 80 or ecomap.members[0].age == 79
    assert ecomap.hidden_count == 0
    names = {o.organization_id: o.name for o in ecomap.organizations}
    assert sorted(names.values()) == sorted(
        ["福祉あんしん課", "相談支援センターサポートりんくす", case.referral.from_organization.name]
    )
    edges = {(names[e.organization_id], e.person_id, e.kind) for e in ecomap.edges}
    # The case (coordinator and participant) is the strongest line; the referral's sender registered her.
    assert edges == {
        ("福祉あんしん課", mother.pk, CASE),
        ("相談支援センターサポートりんくす", mother.pk, CASE),
        (case.referral.from_organization.name, mother.pk, REGISTERED),
    }
    assert REFERRAL_OPEN in {k for k, _ in ecomap.legend}


def test_a_member_the_reader_may_not_see_is_counted_not_drawn(client, personas, case, household_8050):
    """サポートりんくす (caseworker B) is named by the mother's consent only: the son is counted, never drawn."""
    mother, son, household, _ = household_8050
    ecomap = ecomap_of(personas.caseworker_b, household)
    assert [m.person_id for m in ecomap.members] == [mother.pk]
    assert ecomap.hidden_count == 1
    assert all(e.person_id in (mother.pk, None) for e in ecomap.edges)
    client.force_login(personas.caseworker_b)
    page = client.get(reverse("collaboration:household-ecomap", args=[household.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-member="{mother.pk}"' in body and f'data-member="{son.pk}"' not in body
    assert "一郎" not in body and "トメ" in body
    assert 'id="hidden-members"' in body


def test_a_stranger_gets_404(client, personas, case, household_8050):
    client.force_login(personas.stranger)
    assert client.get(reverse("collaboration:household-ecomap", args=[household_8050[2].pk])).status_code == 404


def test_the_case_page_links_the_ecomap(client, personas, case):
    client.force_login(personas.coordinator)
    page = client.get(reverse("collaboration:case-detail", args=[case.pk])).content.decode()
    assert reverse("collaboration:household-ecomap", args=[case.household_id]) in page


def test_names_are_escaped(personas, case, household_8050):
    _mother, _son, household, _ = household_8050
    a = personas.caseworker_a
    odd = register(a, family_name="<script>alert(1)</script>", given_name="", family_name_kana="アヤシイ",
                   given_name_kana="", birth_date=date(1990, 1, 1))  # fmt: skip
    consent_for(a, odd, org("福祉あんしん課"))
    household_member_add(
        user=a, household=household, member=MemberInput(person=odd, relationship=Relationship.OTHER_RELATIVE)
    )
    svg = ecomap_svg(ecomap_of(personas.coordinator, household))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'role="img"' in svg and "<title>" in svg


def _grow(personas, household, n):
    a = personas.caseworker_a
    for i in range(n):
        p = register(a, family_name="山田", given_name=f"孫{i}", family_name_kana="ヤマダ", given_name_kana="マゴ")
        consent_for(a, p, org("福祉あんしん課"))
        household_member_add(
            user=a, household=household, member=MemberInput(person=p, relationship=Relationship.GRANDCHILD)
        )


def test_queries_do_not_grow_with_the_household(client, personas, case, household_8050):
    household = household_8050[2]
    client.force_login(personas.coordinator)
    url = reverse("collaboration:household-ecomap", args=[household.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _grow(personas, household, 1)
    small = count()
    _grow(personas, household, 4)
    assert count() == small
