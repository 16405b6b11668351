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
