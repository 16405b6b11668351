"""Consent withdrawal and emergency access, from every side."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import AccessGrant, Basis, ConsentMethod, ReviewStatus
from tsunagu.access.services import AccessError, ConsentInput, consent_record, emergency_access_request
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def consent_to(user, person, *names):
    return consent_record(
        user=user,
        person=person,
        data=ConsentInput(
            purpose="多機関での支援のための情報共有", method=ConsentMethod.WRITTEN, given_on=date(2025, 6, 1),
            organizations=list(Organization.objects.filter(name__in=names)),
        ),
    )  # fmt: skip


def test_withdrawing_consent_revokes_access_in_the_same_request(client, personas):
    person = register(personas.caseworker_a)
    consent = consent_to(personas.caseworker_a, person, "相談支援センターサポートりんくす", "福祉あんしん課")
    url = reverse("people:person-detail", args=[person.pk])
    client.force_login(personas.caseworker_b)
    assert client.get(url).status_code == 200

    client.force_login(personas.caseworker_a)
    response = client.post(
        reverse("access:consent-withdraw", args=[consent.pk]), {"withdrawn_on": "令和7年7月1日", "note": "電話で申出"}
    )
    assert response.status_code == 302
    assert not AccessGrant.objects.active().filter(consent=consent).exists()
    assert AccessGrant.objects.filter(consent=consent, revoke_reason="本人同意の撤回").count() == 2
    assert AuditEntry.objects.filter(action=Action.REVOKE, person_id=person.pk).count() == 2

    client.force_login(personas.caseworker_b)
    assert client.get(url).status_code == 404
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 404
    client.force_login(personas.caseworker_a)
    assert client.get(url).status_code == 200


def test_consent_with_mistakes_saves_nothing(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    grants = AccessGrant.objects.count()
    response = client.post(
        reverse("access:consent-create", args=[person.pk]),
        {"purpose": "共有", "method": "written", "given_on": "2999-01-01", "given_by": "guardian"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "未来の日付は入力できません" in content
    response = client.post(
        reverse("access:consent-create", args=[person.pk]),
        {"purpose": "共有", "method": "written", "given_on": "R7.4.1", "given_by": "guardian"},
    )
    content = response.content.decode()
    assert "共有先の機関を一つ以上選ぶか" in content
    assert "代理人の氏名を入力してください" in content
    assert person.consents.count() == 0
    assert AccessGrant.objects.count() == grants


def test_consent_to_all_agencies_covers_the_agencies_of_that_day(personas):
    person = register(personas.caseworker_a)
    consent = consent_record(
        user=personas.caseworker_a, person=person,
        data=ConsentInput(purpose="共有", method=ConsentMethod.ORAL, given_on=date(2025, 4, 1), all_plan_agencies=True),
    )  # fmt: skip
    agencies = Organization.objects.filter(municipality=personas.town).count()
    assert consent.organizations.count() == agencies
    Organization.objects.create(municipality=personas.town, name="新設の相談窓口", kind="consultation_agency")
    assert consent.organizations.count() == agencies


def test_consent_through_the_page_records_who_took_it(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.colleague_a)
    anshin = Organization.objects.get(name="福祉あんしん課")
    response = client.post(
        reverse("access:consent-create", args=[person.pk]),
        {"purpose": "支援のための情報共有", "method": "oral", "given_on": "令和7年4月1日", "given_by": "self",
         "organizations": [anshin.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    consent = person.consents.get()
    assert (consent.taken_by, consent.given_on, consent.method) == (personas.colleague_a, date(2025, 4, 1), "oral")
    assert AccessGrant.objects.active().filter(person=person, organization=anshin, basis=Basis.CONSENT).exists()


def test_an_emergency_grant_expires(client, personas, monkeypatch):
    person = register(personas.caseworker_a, resident_number="0000012345")
    client.force_login(personas.caseworker_b)
    response = client.post(
        reverse("access:emergency-access"),
        {"resident_number": "0000012345", "reason": "本人の安否が確認できず、救急要請の可能性がある", "hours": 1},
    )
    assert response.status_code == 302
    url = reverse("people:person-detail", args=[person.pk])
    page = client.get(url).content.decode()
    assert "緊急時（生命・身体の保護）" in page
    later = timezone.now() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.force_login(personas.caseworker_b)  # the idle session has ended too: signed in again
    assert client.get(url).status_code == 404


def test_an_emergency_request_needs_a_reason_and_exact_identifiers(client, personas):
    register(personas.caseworker_a, resident_number="0000012345")
    client.force_login(personas.caseworker_b)
    short = client.post(
        reverse("access:emergency-access"), {"resident_number": "0000012345", "reason": "急ぎ", "hours": 1}
    )
    assert "10文字以上" in short.content.decode()
    vague = client.post(
        reverse("access:emergency-access"),
        {"family_name_kana": "コトウラ", "reason": "本人の安否が確認できないため", "hours": 1},
    )
    assert "フリガナ）と生年月日、または宛名番号" in vague.content.decode()
    assert not AccessGrant.objects.filter(basis=Basis.EMERGENCY).exists()


@pytest.mark.parametrize("persona", ["administrator", "auditor", "stranger"])
def test_only_this_towns_casework_staff_may_open_emergency_access(client, personas, persona):
    user = getattr(personas, persona)
    person = register(personas.caseworker_a, resident_number="0000012345")
    client.force_login(user)
    page = client.get(reverse("access:emergency-access"))
    # The stranger is a caseworker, of another town: the page exists for them, but finds nobody here.
    assert page.status_code == (200 if persona == "stranger" else 404)
    with pytest.raises(AccessError):
        emergency_access_request(user=user, person=person, reason="本人の安否が確認できないため緊急に確認する", hours=1)
    assert not AccessGrant.objects.filter(basis=Basis.EMERGENCY).exists()


def test_a_supervisor_rejecting_an_emergency_access_ends_it(client, personas):
    person = register(personas.caseworker_a)
    grant = emergency_access_request(
        user=personas.coordinator, person=person, reason="家族から自傷の恐れがあると連絡があった", hours=24
    )
    url = reverse("people:person-detail", args=[person.pk])
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 200

    client.force_login(personas.caseworker_b)
    assert client.get(reverse("access:emergency-review-list")).status_code == 404
    client.force_login(personas.supervisor)
    listing = client.get(reverse("access:emergency-review-list")).content.decode()
    assert f'data-grant="{grant.pk}"' in listing
    refused = client.post(reverse("access:emergency-review", args=[grant.pk]), {"approve": "0", "note": ""})
    assert refused.status_code == 400 and "不適切と判断した理由を書いてください" in refused.content.decode()
    grant.refresh_from_db()
    assert grant.review_status == ReviewStatus.PENDING  # a rejection needs its reason
    client.post(reverse("access:emergency-review", args=[grant.pk]), {"approve": "0", "note": "緊急性が認められない"})
    grant.refresh_from_db()
    assert grant.review_status == ReviewStatus.REJECTED and grant.revoked_at is not None
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 404


def test_an_emergency_lookup_says_nothing_without_a_reason_and_every_lookup_is_logged(client, personas):
    register(personas.caseworker_a, resident_number="0000012345")
    client.force_login(personas.caseworker_b)
    answers = [
        client.post(
            reverse("access:emergency-access"), {"resident_number": number, "reason": "急ぎ", "hours": 1}
        ).content.decode()
        for number in ("0000012345", "0000099999")
    ]
    for answer in answers:
        assert "10文字以上" in answer
        assert "見つかりません" not in answer
    assert not AuditEntry.objects.filter(action=Action.SEARCH, basis=Basis.EMERGENCY).exists()
    client.post(
        reverse("access:emergency-access"),
        {"resident_number": "0000099999", "reason": "安否確認のため緊急に確認する", "hours": 1},
    )
    logged = AuditEntry.objects.get(action=Action.SEARCH, basis=Basis.EMERGENCY)
    assert logged.terms["resident_number"] == "0000099999"
