"""The consultation and referral API beyond the main flow: the intake without consent and anonymous, the
service's rules answered as 400 in the one error shape, the inbox's filters and keyset pages (audited as
shown, a constant number of queries), declining, and 404 for roles without casework."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.policy import decide
from tsunagu.api.tests.test_people_api import auth, token_for
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations import services
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Outcome, ReferralStatus, Route, Urgency
from tsunagu.core.models import Organization
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db


def program_id() -> int:
    return Program.objects.get(code="community-general-support-centre").pk


def issues(town, *codes: str) -> list[int]:
    by_code = {i.code: i.pk for i in issues_ensure(town)}
    return [by_code[c] for c in codes]


def intake_body(town, **changes):
    body = {
        "program": program_id(), "received_at": (timezone.localtime() - timedelta(hours=2)).isoformat(),
        "route": "phone", "consent_variant": "without_consent", "issues": issues(town, "hikikomori", "income"),
        "main_issue": issues(town, "hikikomori")[0], "outcome": "handled",
    }  # fmt: skip
    return {**body, **changes}


def post(client, token: str, url: str, body=None):
    return client.post(url, body or {}, content_type="application/json", **auth(token))


def recorded(user, person, *, hours_ago: float, urgency: Urgency = Urgency.NORMAL, codes=("income",)):
    """A consultation recorded through the service (the list tests need several)."""
    found = {i.code: i for i in issues_ensure(user.municipality)}
    return services.consultation_record(
        user=user,
        data=services.ConsultationInput(
            program=Program.objects.get(pk=program_id()), received_at=timezone.now() - timedelta(hours=hours_ago),
            route=Route.VISIT, consent_variant=ConsentVariant.WITHOUT_CONSENT, issues=[found[c] for c in codes],
            main_issue=found[codes[0]], outcome=Outcome.HANDLED, person=person,
            person_decision=decide(user, person.pk), urgency=urgency,
        ),
    )  # fmt: skip


def test_intake_without_consent_goes_only_to_the_support_meeting(client, personas):
    son = register(personas.caseworker_a, given_name="一郎", given_name_kana="イチロウ")
    token = token_for(personas.caseworker_a)
    response = post(client, token, reverse("api:consultation-list"), intake_body(personas.town, person=son.pk))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["consent_variant"], body["consent_id"], body["person"]["full_name"]) == (
        "without_consent", None, "琴浦　一郎"
    )  # fmt: skip
    referrals = reverse("api:consultation-referrals", args=[body["id"]])
    common = {"reason": "本人が支援を拒んでいるが生活が困窮している", "shared_information": "世帯の状況",
              "due_on": (timezone.localdate() + timedelta(days=14)).isoformat()}  # fmt: skip
    anshin = Organization.objects.get(name="福祉あんしん課")
    refused = post(client, token, referrals, {**common, "to_organization": anshin.pk, "basis": "consent"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid"
    assert "支援会議（社会福祉法第106条の6）での検討としてのみつなげます" in refused.json()["error"]["message"]
    sent = post(client, token, referrals, {**common, "to_meeting": True, "basis": "art106_6"})
    assert sent.status_code == 201, sent.json()
    assert (sent.json()["to_organization"]["name"], sent.json()["to_meeting"]) == ("福祉あんしん課", True)


def test_an_anonymous_consultation_and_the_rules_of_the_intake(client, personas):
    token = token_for(personas.caseworker_a)
    url = reverse("api:consultation-list")
    anonymous = intake_body(personas.town, is_anonymous=True, anonymous_description="60代男性（近所の方からの相談）")
    response = post(client, token, url, anonymous)
    assert response.status_code == 201, response.json()
    assert (response.json()["person"], response.json()["is_anonymous"]) == (None, True)
    # The service's rules, as the page shows them: field by field, in Japanese.
    mother = register(personas.caseworker_a)
    cases: list[tuple[dict[str, object], str, str]] = [
        ({"consent_variant": "with_consent", "person": mother.pk}, "consent", "同意の記録を選んでください"),
        ({"is_anonymous": True}, "anonymous_description", "匿名の方の概要"),
        ({}, "person", "相談の対象の方を選ぶか"),
        ({"person": mother.pk, "received_at": (timezone.now() + timedelta(days=1)).isoformat()}, "received_at",
         "未来の日時"),
        ({"person": mother.pk, "received_at": "0835-09-29T00:51:34+09:00"}, "received_at", "1900年以降"),
    ]  # fmt: skip
    for changes, field, message in cases:
        refused = post(client, token, url, intake_body(personas.town, **changes))
        assert refused.status_code == 400, changes
        assert any(message in m for m in refused.json()["error"]["fields"][field]), refused.json()
    # A household or consent that is not the person's own is not a choice.
    other = register(personas.caseworker_a, given_name="次郎")
    not_hers = post(client, token, url, intake_body(personas.town, person=other.pk, household=999_999))
    assert not_hers.status_code == 400 and "household" in not_hers.json()["error"]["fields"]
    assert AuditEntry.objects.filter(action=Action.CREATE, model="consultations.consultation").count() == 1


def test_another_agency_cannot_take_an_intake_about_someone_it_may_not_see(client, personas):
    mother = register(personas.caseworker_a)
    for persona in ("caseworker_b", "stranger", "administrator", "auditor"):
        token = token_for(getattr(personas, persona))
        response = post(client, token, reverse("api:consultation-list"), intake_body(personas.town, person=mother.pk))
        assert response.status_code == 404, persona
    # Administrators and auditors do no casework: every consultation endpoint is 404 for them, as the pages.
    for persona in ("administrator", "auditor"):
        token = token_for(getattr(personas, persona))
        for name in ("api:consultation-list", "api:referrals-open"):
            assert client.get(reverse(name), **auth(token)).status_code == 404, (persona, name)


def test_the_inbox_filters_and_pages_by_keyset_audited_as_shown(client, personas):
    a = personas.caseworker_a
    person = register(a)
    made = [recorded(a, person, hours_ago=h) for h in (1, 2, 3, 4, 5)]
    urgent = recorded(a, person, hours_ago=6, urgency=Urgency.URGENT, codes=("debt",))
    token = token_for(a)
    url = reverse("api:consultation-list")
    since = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    first = client.get(url, {"page_size": 4}, **auth(token)).json()
    second = client.get(first["next"], **auth(token)).json()
    assert [c["id"] for c in first["results"]] == [c.pk for c in made[:4]]
    assert [c["id"] for c in second["results"]] == [made[4].pk, urgent.pk] and second["next"] is None
    # Each page is audited as shown, with the records it showed.
    pages = AuditEntry.objects.filter(id__gt=since, action=Action.READ, summary__startswith="相談の一覧を閲覧")
    pages = pages.order_by("id")
    assert [(e.records or {}).get("consultation") for e in pages] == [[c.pk for c in made[:4]], [made[4].pk, urgent.pk]]
    assert {e.basis for e in pages} == {"own_record"}
    # The page's filters, parsed by the page's form: the issue, the sort, the dates (ISO 8601 or 和暦).
    debt = issues(personas.town, "debt")[0]
    assert [c["id"] for c in client.get(url, {"issue": debt}, **auth(token)).json()["results"]] == [urgent.pk]
    by_urgency = client.get(url, {"sort": "urgency", "page_size": 2}, **auth(token)).json()
    assert [c["id"] for c in by_urgency["results"]] == [urgent.pk, made[0].pk]
    walked, page = [], by_urgency
    while page["next"]:  # the next link keeps the sort and the page size
        page = client.get(page["next"], **auth(token)).json()
        walked += [c["id"] for c in page["results"]]
    assert walked == [c.pk for c in made[1:]]
    newest_day = timezone.localtime(made[0].received_at).date()
    oldest_first = client.get(url, {"sort": "received_at", "date_from": newest_day.isoformat()}, **auth(token))
    assert [c["id"] for c in oldest_first.json()["results"]][-1] == made[0].pk
    before = (timezone.localtime(urgent.received_at).date() - timedelta(days=1)).isoformat()
    assert client.get(url, {"date_to": before}, **auth(token)).json()["results"] == []
    bad = client.get(url, {"program": 999_999, "cursor": ""}, **auth(token))
    assert bad.status_code == 400 and "program" in bad.json()["error"]["fields"]
    forged = client.get(url, {"cursor": "forged"}, **auth(token))
    assert forged.status_code == 400 and "cursor" in forged.json()["error"]["fields"]
    # Another agency's caseworker sees none of them.
    other = client.get(url, **auth(token_for(personas.caseworker_b))).json()
    assert other == {"next": None, "results": []}


def test_the_inbox_query_count_does_not_grow_with_the_rows(client, personas):
    a = personas.caseworker_a
    person = register(a)
    token = token_for(a)
    url = reverse("api:consultation-list")
    client.get(url, **auth(token))  # the first use of the token is audited once an hour: not counted

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, **auth(token)).status_code == 200
        return len(captured)

    recorded(a, person, hours_ago=1)
    few = queries()
    for hours in range(2, 12):
        recorded(a, register(a, given_name=f"花子{hours}"), hours_ago=hours)
    assert queries() == few


def test_declining_needs_a_reason_and_only_the_receiver_answers(client, personas, monkeypatch):
    from tsunagu.records.tests.matrix import arrange, examples

    arrangement = arrange("own", personas, monkeypatch)
    referral_id = examples()["referral"](arrangement)  # to 子育て応援課, where no persona works
    decline = reverse("api:referral-decline", args=[referral_id])
    sender = token_for(personas.caseworker_a)
    missing = post(client, sender, decline)
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    refused = post(client, sender, decline, {"reason": "対象外のため"})
    assert refused.status_code == 400 and "つなぎ先の機関の職員だけが回答できます" in refused.json()["error"]["message"]
    assert post(client, sender, reverse("api:referral-accept", args=[referral_id])).status_code == 400
    for persona in ("caseworker_b", "stranger"):
        assert post(client, token_for(getattr(personas, persona)), decline, {"reason": "x"}).status_code == 404


def test_a_receiver_declines_with_its_reason(client, personas):
    a = personas.caseworker_a
    person = register(a)
    consultation = recorded(a, person, hours_ago=1)
    token = token_for(a)
    sent = post(client, token, reverse("api:consultation-referrals", args=[consultation.pk]), {
        "to_meeting": True, "basis": "art106_6", "reason": "検討依頼", "shared_information": "概要",
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})  # fmt: skip
    assert sent.status_code == 201, sent.json()
    coordinator = token_for(personas.coordinator)
    blank = post(client, coordinator, reverse("api:referral-decline", args=[sent.json()["id"]]), {"reason": "  "})
    assert blank.status_code == 400 and "reason" in blank.json()["error"]["fields"]
    declined = post(client, coordinator, reverse("api:referral-decline", args=[sent.json()["id"]]),
                    {"reason": "支援会議の対象ではありません"})  # fmt: skip
    assert declined.status_code == 200, declined.json()
    body = declined.json()
    assert (body["status"], body["decline_reason"]) == (ReferralStatus.DECLINED, "支援会議の対象ではありません")
    assert body["responded_at"] is not None
    assert client.get(reverse("api:referrals-open"), **auth(coordinator)).json()["results"] == []


def test_a_progress_record_from_a_tablet_is_checked_by_the_service(client, personas):
    mother = register(personas.caseworker_a)
    token = token_for(personas.caseworker_a)
    url = reverse("api:person-notes", args=[mother.pk])
    note = {"occurred_at": timezone.localtime().isoformat(), "means": "home_visit", "counterpart": "person",
            "content": "訪問。室内は片付いている。"}  # fmt: skip
    response = post(client, token, url, note)
    assert response.status_code == 201, response.json()
    assert (response.json()["person_id"], response.json()["next_step_on"]) == (mother.pk, None)
    for changes, field in (
        ({"occurred_at": "0835-09-29T00:51:34+09:00"}, "occurred_at"),  # found by schemathesis
        ({"content": "  "}, "content"),
        ({"next_step_on": timezone.localdate().isoformat()}, "next_step"),
        ({"means": "telepathy"}, "means"),
    ):
        refused = post(client, token, url, {**note, **changes})
        assert refused.status_code == 400 and field in refused.json()["error"]["fields"], (changes, refused.json())
