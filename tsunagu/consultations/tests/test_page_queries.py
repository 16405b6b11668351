"""The consultation page and the inbox cost the same queries however much there is to show (DESIGN §8): more
progress records, referrals and household members add rows, never queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.policy import decide
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import CaseNote, ConsentVariant, Counterpart, Means, Outcome, ReferralBasis, Route
from tsunagu.consultations.services import ConsultationInput, ReferralInput, consultation_record, referral_send
from tsunagu.consultations.tests.referrals import consent_for_anshin, org
from tsunagu.people.models import HouseholdMember, Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def consultation_in_a_household(user):
    """A consultation with consent about a member of a household, with one referral and one progress record."""
    person = register(user)
    spouse = register(user, given_name="太郎", given_name_kana="タロウ")
    household = household_of(user, (spouse, Relationship.HEAD), (person, Relationship.SPOUSE))
    consent = consent_for_anshin(user, person)
    by_code = {i.code: i for i in issues_ensure(user.municipality)}
    consultation = consultation_record(user=user, data=ConsultationInput(
        program=Program.objects.get(municipality=user.municipality, code="community-general-support-centre"),
        received_at=timezone.now() - timedelta(hours=1), route=Route.VISIT,
        consent_variant=ConsentVariant.WITH_CONSENT, consent=consent, issues=[by_code["8050"], by_code["income"]],
        main_issue=by_code["8050"], outcome=Outcome.HANDLED, person=person, person_decision=decide(user, person.pk),
        household=household, household_visible=True, words="年金だけでは暮らせない",
    ))  # fmt: skip
    refer(user, consultation, consent)
    write_notes(user, consultation, 1)
    return consultation, consent, household


def refer(user, consultation, consent) -> None:
    referral_send(user=user, consultation=consultation, data=ReferralInput(
        to_organization=org("福祉あんしん課"), reason="家計の相談", shared_information="収入状況",
        basis=ReferralBasis.CONSENT, due_on=timezone.localdate() + timedelta(days=7), consent=consent,
    ))  # fmt: skip


def write_notes(user, consultation, count: int) -> None:
    CaseNote.objects.bulk_create(
        CaseNote(
            municipality=consultation.municipality, organization=consultation.organization,
            person=consultation.person, consultation=consultation, occurred_at=timezone.now() - timedelta(minutes=i),
            means=Means.PHONE, staff=user, counterpart=Counterpart.PERSON, content=f"電話 {i}",
        )
        for i in range(count)
    )  # fmt: skip


def test_the_consultation_page_costs_the_same_queries_with_more_records_referrals_and_members(client, personas):
    holder = personas.caseworker_a
    consultation, consent, household = consultation_in_a_household(holder)
    url = reverse("consultations:consultation-detail", args=[consultation.pk])
    client.force_login(holder)
    queries(client, url)  # the first view loads the town's routing rules once
    few = queries(client, url)
    write_notes(holder, consultation, 40)
    for _ in range(3):
        refer(holder, consultation, consent)
    for n in range(3):
        child = register(holder, given_name=f"次郎{n}", given_name_kana="ジロウ")
        HouseholdMember.objects.create(
            municipality=household.municipality, household=household, person=child, relationship=Relationship.CHILD
        )
    many = queries(client, url)
    assert (few, many) == (few, few)
    html = client.get(url).content.decode()
    assert html.count("data-note=") == 41 and html.count("data-referral=") == 4
    # Still nobody else's page: a stranger to the person gets 404, whatever the page costs.
    client.force_login(personas.stranger)
    assert client.get(url).status_code == 404


def test_the_inbox_costs_the_same_queries_with_more_consultations(client, personas):
    holder = personas.caseworker_a
    consultation_in_a_household(holder)
    client.force_login(holder)
    url = reverse("consultations:inbox")
    queries(client, url)
    few = queries(client, url)
    for _ in range(3):
        consultation_in_a_household(holder)
    assert queries(client, url) == few


def test_the_inbox_panels_show_the_20_most_urgent_and_say_there_are_more(client, personas):
    """A panel that grew with the data made the inbox grow with it: 20 rows, the rest on the open list."""
    from tsunagu.audit.models import AuditEntry
    from tsunagu.consultations.models import Referral
    from tsunagu.consultations.views import PANEL_SIZE

    holder = personas.caseworker_a
    consultation, consent, _household = consultation_in_a_household(holder)
    client.force_login(holder)
    url = reverse("consultations:inbox")
    html = client.get(url).content.decode()
    assert html.count("data-referral=") == 1 and "panel-more" not in html
    for _ in range(PANEL_SIZE):
        refer(holder, consultation, consent)
    few = queries(client, url)
    refer(holder, consultation, consent)
    assert queries(client, url) == few
    before = AuditEntry.objects.count()
    html = client.get(url).content.decode()
    assert html.count("data-referral=") == PANEL_SIZE == 20
    assert "期限の近い20件を表示しています。" in html and reverse("consultations:referrals-open") in html
    hidden = Referral.objects.filter(consultation=consultation).order_by("due_on", "id").last()
    assert hidden is not None
    assert f'data-referral="{hidden.pk}"' not in html
    named = [pk for e in AuditEntry.objects.order_by("id")[before:] for pk in (e.records or {}).get("referral", [])]
    assert len(named) == PANEL_SIZE and hidden.pk not in named  # the row fetched to know there are more: not shown
