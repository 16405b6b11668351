"""The API of people and households: personal tokens (expiry, revocation, audit), 404 outside scope as on
the pages, the protected address, ETag / If-Match, one error shape in Japanese (English on request)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.api.models import ApiToken
from tsunagu.api.services import ApiTokenError, api_token_issue, api_token_revoke
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Organization
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def token_for(user, days: int = 30) -> str:
    return api_token_issue(user=user, name="テスト用", days=days)[1]


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


@pytest.fixture
def shared_person(personas):
    person = register(
        personas.caseworker_a,
        address="鳥取県東伯郡琴浦町避難先1",
        address_protected=True,
        care_notes="DV等支援措置の対象",
    )
    consent_record(user=personas.caseworker_a, person=person, data=ConsentInput(
        purpose="支援のため", method=ConsentMethod.WRITTEN, given_on=timezone.localdate(),
        organizations=[Organization.objects.get(name="相談支援センターサポートりんくす")]))  # fmt: skip
    return person


def test_a_token_reads_a_person_and_the_read_is_audited_with_its_basis(client, personas, shared_person):
    token = token_for(personas.caseworker_b)
    response = client.get(reverse("api:person-detail", args=[shared_person.pk]), **auth(token))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == shared_person.pk and body["family_name"] == "琴浦"
    # Another agency reads on the consent, so the protected address stays hidden, as on the page.
    assert (body["address"], body["postal_code"], body["location_hidden"]) == (None, None, True)
    assert body["access"]["basis"] == "consent" and body["access"]["source"].startswith("consent:")
    assert response["ETag"] == f'"{body["version"]}"'
    entry = AuditEntry.objects.filter(action=Action.READ, person_id=shared_person.pk).latest("id")
    assert entry.user == personas.caseworker_b and entry.basis == "consent"
    assert AuditEntry.objects.filter(action=Action.LOGIN, summary__startswith="APIトークンで認証").exists()
    # The holding agency sees the address.
    own = client.get(reverse("api:person-detail", args=[shared_person.pk]), **auth(token_for(personas.caseworker_a)))
    assert own.json()["address"] == "鳥取県東伯郡琴浦町避難先1"


@pytest.mark.parametrize("persona", ["coordinator", "administrator", "auditor", "stranger"])
def test_outside_scope_is_404_in_one_error_shape(client, personas, shared_person, persona):
    token = token_for(getattr(personas, persona))
    for name in ("api:person-detail", "api:person-timeline", "api:person-consents"):
        response = client.get(reverse(name, args=[shared_person.pk]), **auth(token))
        assert response.status_code == 404, name
        assert response.json() == {"error": {"status": 404, "code": "not_found", "message": "見つかりませんでした。"}}


def test_expired_and_revoked_tokens_get_401(client, personas, shared_person, monkeypatch):
    url = reverse("api:person-detail", args=[shared_person.pk])
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401
    token = token_for(personas.caseworker_a, days=1)
    assert client.get(url, **auth(token)).status_code == 200
    key = ApiToken.objects.get(user=personas.caseworker_a).token_key
    api_token_revoke(user=personas.caseworker_a, token_key=key)
    response = client.get(url, **auth(token))
    assert response.status_code == 401 and "無効" in response.json()["error"]["message"]
    expiring = token_for(personas.caseworker_a, days=1)
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url, **auth(expiring)).status_code == 401


def test_tokens_are_stored_hashed_and_bounded(personas):
    token, text = api_token_issue(user=personas.caseworker_a, name="訪問用タブレット", days=90)
    assert text not in (token.digest, token.token_key) and text.startswith(token.token_key)
    with pytest.raises(ApiTokenError, match="有効期間"):
        api_token_issue(user=personas.caseworker_a, name="x", days=400)
    with pytest.raises(ApiTokenError, match="見つかりません"):
        api_token_revoke(user=personas.caseworker_b, token_key=token.token_key)  # someone else's token


def test_search_is_paged_by_cursor_and_audited(client, personas):
    for i in range(3):
        register(personas.caseworker_a, given_name=f"花子{i}", phone=f"0858-00-000{i}")
    token = token_for(personas.caseworker_a)
    first = client.get(reverse("api:person-list"), {"name": "ことうら", "page_size": 2}, **auth(token)).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"], **auth(token)).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == 3
    searches = AuditEntry.objects.filter(action=Action.SEARCH, user=personas.caseworker_a)
    assert sorted(len((e.records or {})["person"]) for e in searches) == [1, 2]
    bad = client.get(reverse("api:person-list"), {"name": "ことうら", "cursor": "forged"}, **auth(token))
    assert bad.status_code == 400 and "cursor" in bad.json()["error"]["fields"]


def test_errors_are_in_japanese_and_english_on_request(client, personas):
    token = token_for(personas.caseworker_a)
    response = client.get(reverse("api:person-list"), **auth(token))
    assert response.status_code == 400 and "いずれかを指定してください" in response.json()["error"]["message"]
    english = client.get(reverse("api:person-detail", args=[999999]), HTTP_ACCEPT_LANGUAGE="en", **auth(token))
    assert english.json()["error"]["message"] == "Not found."


def test_a_consent_is_recorded_and_withdrawn_through_the_api(client, personas):
    person = register(personas.caseworker_a)
    token = token_for(personas.caseworker_a)
    links = Organization.objects.get(name="相談支援センターサポートりんくす")
    response = client.post(
        reverse("api:person-consents", args=[person.pk]),
        {"purpose": "支援のため", "method": "written", "given_on": timezone.localdate().isoformat(),
         "organizations": [links.pk]},
        content_type="application/json", **auth(token),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    consent_id = response.json()["id"]
    reader = token_for(personas.caseworker_b)
    assert client.get(reverse("api:person-detail", args=[person.pk]), **auth(reader)).status_code == 200
    withdrawn = client.post(
        reverse("api:consent-withdraw", args=[consent_id]), {"withdrawn_on": timezone.localdate().isoformat()},
        content_type="application/json", **auth(token),
    )  # fmt: skip
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"]
    assert client.get(reverse("api:person-detail", args=[person.pk]), **auth(reader)).status_code == 404
    nothing = client.post(reverse("api:person-consents", args=[person.pk]), {"purpose": ""},
                          content_type="application/json", **auth(token))  # fmt: skip
    assert nothing.status_code == 400 and "method" in nothing.json()["error"]["fields"]


def test_the_schema_and_docs_are_served_without_a_cdn(client, personas):
    client.force_login(personas.caseworker_a)
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200 and b"/api/v1/people/{id}/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "//" not in docs.replace("://", "")


def test_an_update_needs_the_etag_and_a_stale_one_gets_409(client, personas):
    person = register(personas.caseworker_a)
    token = token_for(personas.caseworker_a)
    url = reverse("api:person-detail", args=[person.pk])
    etag = client.get(url, **auth(token))["ETag"]
    missing = client.patch(url, {"phone": "0858-00-1111"}, content_type="application/json", **auth(token))
    assert missing.status_code == 428 and "If-Match" in missing.json()["error"]["message"]
    first = client.patch(url, {"phone": "0858-00-1111"}, content_type="application/json", HTTP_IF_MATCH=etag,
                         **auth(token))  # fmt: skip
    assert first.status_code == 200 and first.json()["phone"] == "0858-00-1111"
    assert first["ETag"] != etag
    # A colleague still holding the old ETag is refused, with the current version, and nothing is lost.
    stale = client.patch(url, {"phone": "0858-00-2222"}, content_type="application/json", HTTP_IF_MATCH=etag,
                         **auth(token_for(personas.colleague_a)))  # fmt: skip
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict" and f'"{error["current_version"]}"' == first["ETag"]
    assert "電話番号" in error["message"]
    person.refresh_from_db()
    assert person.phone == "0858-00-1111"
    bad = client.patch(url, {"family_name_kana": "abc"}, content_type="application/json",
                       HTTP_IF_MATCH=first["ETag"], **auth(token))  # fmt: skip
    assert bad.status_code == 400 and "family_name_kana" in bad.json()["error"]["fields"]


def test_an_agency_reading_on_consent_cannot_change_a_protected_address(client, personas, shared_person):
    token = token_for(personas.caseworker_b)
    url = reverse("api:person-detail", args=[shared_person.pk])
    etag = client.get(url, **auth(token))["ETag"]
    response = client.patch(url, {"address": "どこか"}, content_type="application/json", HTTP_IF_MATCH=etag,
                            **auth(token))  # fmt: skip
    assert response.status_code == 400 and "address" in response.json()["error"]["fields"]
    shared_person.refresh_from_db()
    assert shared_person.address == "鳥取県東伯郡琴浦町避難先1"
    # 支援会議 or emergency access is read-only: 404 for a change, as the edit page answers.
    assert client.patch(url, {"phone": "1"}, content_type="application/json", HTTP_IF_MATCH=etag,
                        **auth(token_for(personas.stranger))).status_code == 404  # fmt: skip
