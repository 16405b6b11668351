"""The 8050 flow of consultations/tests/test_flow.py through the API alone, with personal tokens:
地域包括支援センター records the mother's consent, takes the intake with it and connects the household to
福祉あんしん課, which accepts and keeps a progress record; both read one timeline. An unrelated agency and a
caseworker of another town get 404 at every step, and every read is audited with the basis that let the
reader in."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.api.services import api_token_issue
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


class Caller:
    """A persona calling the API with a personal token of their own."""

    def __init__(self, client, user) -> None:
        self.client, self.user = client, user
        self.headers = {
            "HTTP_AUTHORIZATION": f"Token {api_token_issue(user=user, name='訪問用タブレット', days=30)[1]}"
        }

    def get(self, url: str, params: dict[str, Any] | None = None):
        return self.client.get(url, params or {}, **self.headers)

    def post(self, url: str, body: dict[str, Any] | None = None):
        return self.client.post(url, body or {}, content_type="application/json", **self.headers)


@pytest.fixture
def callers(client, personas) -> dict[str, Caller]:
    names = ("caseworker_a", "coordinator", "caseworker_b", "stranger")
    return {name: Caller(client, getattr(personas, name)) for name in names}


@pytest.fixture
def household_8050(personas):
    """The mother (80) and her son (52), registered at 地域包括支援センター; no consent yet."""
    a = personas.caseworker_a
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 52, 6, 1))  # fmt: skip
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    return mother, son, household


def issue_ids(town, *codes: str) -> list[int]:
    by_code = {i.code: i.pk for i in issues_ensure(town)}
    return [by_code[c] for c in codes]


def test_the_8050_flow_through_the_api_alone(callers, personas, household_8050):
    mother, _son, household = household_8050
    a, coordinator = callers["caseworker_a"], callers["coordinator"]
    outsiders = [callers["caseworker_b"], callers["stranger"]]
    today = timezone.localdate()

    def refused(method: str, url: str, body: dict[str, Any] | None = None) -> None:
        for outsider in outsiders:
            response = getattr(outsider, method)(url, body)
            assert response.status_code == 404, (outsider.user.username, method, url, response.content)
            assert response.json()["error"]["code"] == "not_found"

    # 1. The mother's consent, naming both agencies.
    consents = reverse("api:person-consents", args=[mother.pk])
    consent_body = {
        "purpose": "世帯の生活と介護の支援のため関係機関で情報を共有する", "method": "written",
        "given_on": (today - timedelta(days=1)).isoformat(),
        "organizations": [org("琴浦町地域包括支援センター").pk, org("福祉あんしん課").pk],
    }  # fmt: skip
    refused("post", consents, consent_body)
    response = a.post(consents, consent_body)
    assert response.status_code == 201, response.json()
    consent_id = response.json()["id"]
    refused("post", consents, consent_body)

    # 2. The intake, 本人同意あり, with that consent.
    intake = {
        "person": mother.pk, "household": household.pk,
        "program": Program.objects.get(code="community-general-support-centre").pk,
        "received_at": (timezone.localtime() - timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "route": "visit", "visitor": "person", "consent_variant": "with_consent", "consent": consent_id,
        "issues": issue_ids(personas.town, "8050", "income", "job-search", "care"),
        "main_issue": issue_ids(personas.town, "8050")[0],
        "words": "息子が仕事を辞めて家にいる。年金だけでは暮らしていけない。", "wishes": "息子に働いてほしい",
        "urgency": "soon", "outcome": "referred",
    }  # fmt: skip
    refused("post", reverse("api:consultation-list"), intake)
    response = a.post(reverse("api:consultation-list"), intake)
    assert response.status_code == 201, response.json()
    consultation = response.json()
    assert (consultation["consent_variant"], consultation["consent_id"]) == ("with_consent", consent_id)
    assert consultation["person"]["id"] == mother.pk and consultation["household_id"] == household.pk
    assert set(consultation["domains"]) >= {"elderly", "poverty"}
    assert consultation["received_at"] == intake["received_at"]  # ISO 8601, in the town's time zone
    consultation_url = reverse("api:consultation-detail", args=[consultation["id"]])
    refused("get", consultation_url)

    # 3. The referral to 福祉あんしん課, on the consent.
    referrals = reverse("api:consultation-referrals", args=[consultation["id"]])
    referral_body = {
        "to_organization": org("福祉あんしん課").pk,
        "to_program": Program.objects.get(code="self-reliance-consultation").pk, "basis": "consent",
        "reason": "息子の就労と世帯の家計の相談のため", "shared_information": "世帯構成、収入状況、本人の希望",
        "due_on": (today + timedelta(days=7)).isoformat(),
    }  # fmt: skip
    refused("post", referrals, referral_body)
    response = a.post(referrals, referral_body)
    assert response.status_code == 201, response.json()
    referral = response.json()
    assert (referral["status"], referral["basis"], referral["consent_id"]) == ("sent", "consent", consent_id)
    assert referral["due_on"] == referral_body["due_on"]
    referral_url = reverse("api:referral-detail", args=[referral["id"]])
    refused("get", referral_url)

    # 4. 福祉あんしん課 finds it among the open referrals, reads it and accepts it.
    open_rows = {r["id"]: r for r in coordinator.get(reverse("api:referrals-open")).json()["results"]}
    assert open_rows[referral["id"]]["readable"] and open_rows[referral["id"]]["person"]["id"] == mother.pk
    # Every casework user of the town sees that it waits, but the name only where they may read it.
    unrelated = {r["id"]: r for r in outsiders[0].get(reverse("api:referrals-open")).json()["results"]}
    assert (unrelated[referral["id"]]["readable"], unrelated[referral["id"]]["person"]) == (False, None)
    assert outsiders[1].get(reverse("api:referrals-open")).json()["results"] == []
    detail = coordinator.get(referral_url).json()
    assert detail["access"]["basis"] == "consent"
    assert detail["access"]["source"] == f"consent:{consent_id} referral:{referral['id']}"
    accept = reverse("api:referral-accept", args=[referral["id"]])
    refused("post", accept)
    response = coordinator.post(accept)
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    again = coordinator.post(accept)
    assert again.status_code == 400 and "すでに回答しています" in again.json()["error"]["message"]
    assert referral["id"] not in {r["id"] for r in coordinator.get(reverse("api:referrals-open")).json()["results"]}

    # 5. Progress records on both sides: the coordinator's visit (from a tablet), the centre's call.
    note = {
        "occurred_at": (timezone.localtime() - timedelta(minutes=30)).isoformat(), "means": "home_visit",
        "counterpart": "family", "content": "息子と面談。就労の意欲あり。", "next_step": "ハローワーク同行",
        "next_step_on": (today + timedelta(days=7)).isoformat(),
    }  # fmt: skip
    person_notes = reverse("api:person-notes", args=[mother.pk])
    refused("post", person_notes, note)
    response = coordinator.post(person_notes, note)
    assert response.status_code == 201, response.json()
    assert response.json()["organization"]["name"] == "福祉あんしん課"
    visit_id = response.json()["id"]
    consultation_notes = reverse("api:consultation-notes", args=[consultation["id"]])
    call = {**note, "means": "phone", "content": "母の介護認定の申請を案内。", "next_step": "", "next_step_on": None}
    refused("post", consultation_notes, call)
    response = a.post(consultation_notes, call)
    assert response.status_code == 201 and response.json()["consultation_id"] == consultation["id"]
    call_id = response.json()["id"]
    notes = a.get(consultation_notes).json()
    # One list with the timeline's: the person's records the centre may read (the coordinator's visit, on the
    # consent that names the centre), wherever they were posted, newest first.
    assert [n["content"] for n in notes["results"]] == ["母の介護認定の申請を案内。", "息子と面談。就労の意欲あり。"]
    assert notes["next"] is None
    refused("get", consultation_notes)

    # 6. Both read one timeline: the consultation, the referral and both records.
    timeline_url = reverse("api:person-timeline", args=[mother.pk])
    for caller in (a, coordinator):
        items = caller.get(timeline_url).json()["results"]
        kinds = sorted(i["kind"] for i in items)
        assert kinds == ["case_note", "case_note", "consultation", "referral"], kinds
        assert {"息子と面談。就労の意欲あり。", "母の介護認定の申請を案内。"} <= {i["content"] for i in items}
    refused("get", timeline_url)
    own = a.get(consultation_url).json()
    assert own["access"]["basis"] == "own_record"
    assert [(r["id"], r["status"]) for r in own["referrals"]] == [(referral["id"], "accepted")]
    assert coordinator.get(consultation_url).json()["access"]["basis"] == "consent"

    # 7. Each read is in the audit log with the basis that let the reader in; the outsiders read nothing.
    reads = AuditEntry.objects.filter(action=Action.READ)

    def bases(user, model: str = "", summary: str = "") -> set[str]:
        found = reads.filter(user=user, model__startswith=model, summary__startswith=summary)
        return set(found.values_list("basis", flat=True))

    assert bases(personas.caseworker_a, "consultations.consultation") == {"own_record"}
    assert bases(personas.coordinator, "consultations.referral") == {"consent"}
    assert bases(personas.coordinator, "consultations.consultation") == {"consent"}

    # The timeline names what each read relied on: the agency's own records, and the other's on the consent.
    def timeline_reads(user) -> dict[str, dict[str, list[int]]]:
        found = reads.filter(user=user, summary__startswith="支援経過")
        return {
            e.basis: {k: v for k, v in (e.records or {}).items() if k not in ("person", "sources")}
            for e in found.order_by("id")
        }

    centre = {"consultation": [consultation["id"]], "referral": [referral["id"]], "case_note": [call_id]}
    assert timeline_reads(personas.caseworker_a) == {"own_record": centre, "consent": {"case_note": [visit_id]}}
    assert timeline_reads(personas.coordinator) == {"consent": centre, "own_record": {"case_note": [visit_id]}}
    referral_read = reads.get(user=personas.coordinator, model="consultations.referral")
    assert referral_read.basis_source == f"consent:{consent_id} referral:{referral['id']}"
    assert referral_read.organization == org("福祉あんしん課")
    assert not AuditEntry.objects.filter(
        user__in=[personas.caseworker_b, personas.stranger], person_id=mother.pk
    ).exists()
