"""The personal API tokens page: issue (shown once), list, use, revoke; nobody touches another's token."""

import re

import pytest
from django.urls import reverse

from tsunagu.api.models import ApiToken
from tsunagu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_shown_once_used_and_revoked(client, personas):
    client.force_login(personas.caseworker_a)
    page = client.post(reverse("core:api-tokens"), {"action": "issue", "name": "訪問用タブレット", "days": "30"})
    body = page.content.decode()
    token = re.search(r'<code id="issued-token">([^<]+)</code>', body)[1]  # type: ignore[index]
    assert "今だけ表示されます" in body
    stored = ApiToken.objects.get(user=personas.caseworker_a)
    assert stored.name == "訪問用タブレット" and token not in (stored.digest, stored.token_key)
    listing = client.get(reverse("core:api-tokens")).content.decode()
    assert "訪問用タブレット" in listing and token not in listing
    assert AuditEntry.objects.filter(summary__startswith="APIトークンを発行: 訪問用タブレット").exists()

    # Another member of staff cannot revoke it (their page knows only their own tokens).
    client.force_login(personas.colleague_a)
    client.post(reverse("core:api-tokens"), {"action": "revoke", "token_key": stored.token_key})
    assert ApiToken.objects.filter(pk=stored.pk).exists()

    client.force_login(personas.caseworker_a)
    client.post(reverse("core:api-tokens"), {"action": "revoke", "token_key": stored.token_key})
    assert not ApiToken.objects.filter(pk=stored.pk).exists()
    assert AuditEntry.objects.filter(summary__startswith="APIトークンを取消: 訪問用タブレット").exists()


def test_bad_input_gets_a_clear_message(client, personas):
    client.force_login(personas.caseworker_a)
    body = client.post(reverse("core:api-tokens"), {"action": "issue", "name": "", "days": "999"}).content.decode()
    assert "この項目は必須です" in body and "365 以下" in body
    assert not ApiToken.objects.exists()


def test_a_token_is_issued_only_after_the_second_factor_where_the_role_requires_it(client, personas):
    from tsunagu.accounts.services import municipality_two_factor_require
    from tsunagu.conftest import PASSWORD
    from tsunagu.core.models import Role

    municipality_two_factor_require(municipality=personas.town, roles=[Role.CASEWORKER], by="test")
    client.post(reverse("core:login"), {"username": "cw_a", "password": PASSWORD})
    response = client.post(reverse("core:api-tokens"), {"action": "issue", "name": "タブレット", "days": "30"})
    assert response.status_code == 302 and "two-factor" in response["Location"]
    assert not ApiToken.objects.exists()


def test_requests_are_throttled_per_token(client, personas, monkeypatch):
    from tsunagu.api.services import api_token_issue
    from tsunagu.api.views import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
    first = api_token_issue(user=personas.caseworker_a, name="a", days=1)[1]
    second = api_token_issue(user=personas.caseworker_a, name="b", days=1)[1]
    url = reverse("api:person-list")
    statuses = [client.get(url, {"name": "x"}, HTTP_AUTHORIZATION=f"Token {first}").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    # Another token of the same person has its own allowance.
    assert client.get(url, {"name": "x"}, HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
