"""Every sign-in, failed sign-in and sign-out leaves one audit entry; the login page's security headers."""

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def new_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("id")[before:])


def test_a_login_writes_one_entry(client, personas):
    before = AuditEntry.objects.count()
    client.post(reverse("core:login"), {"username": "coord", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    [entry] = new_entries(before)
    assert entry.action == Action.LOGIN
    assert entry.user == personas.coordinator
    assert entry.username == "coord"
    assert entry.municipality == personas.town
    assert entry.ip_address == "10.1.2.3"


def test_a_failed_login_writes_one_entry_with_the_username_tried(client, personas):
    before = AuditEntry.objects.count()
    client.post(reverse("core:login"), {"username": "coord", "password": "wrong"})
    [entry] = new_entries(before)
    assert entry.action == Action.LOGIN_FAILED
    assert entry.user is None
    assert entry.username == "coord"
    # The account's town: its auditor sees the attempt (issue 9, finding 5).
    assert entry.municipality == personas.town
    assert (entry.model, entry.object_id) == ("core.user", str(personas.coordinator.pk))
    assert entry.organization is None


def test_a_failed_login_with_an_unknown_username_belongs_to_no_town(client, personas):
    before = AuditEntry.objects.count()
    client.post(reverse("core:login"), {"username": "nobody", "password": "wrong"})
    [entry] = new_entries(before)
    assert (entry.action, entry.user, entry.username) == (Action.LOGIN_FAILED, None, "nobody")
    assert entry.municipality is None and entry.object_id == ""


def test_a_form_with_an_empty_field_is_not_an_attempt(client, personas):
    before = AuditEntry.objects.count()
    client.post(reverse("core:login"), {"username": "coord", "password": ""})
    assert new_entries(before) == []


def test_attempts_while_locked_out_are_recorded_as_such(client, personas):
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "coord", "password": "wrong"})
    before = AuditEntry.objects.count()
    client.post(reverse("core:login"), {"username": "coord", "password": PASSWORD})
    [entry] = new_entries(before)
    assert entry.action == Action.LOGIN_FAILED
    assert "停止中" in entry.summary


def test_a_logout_writes_one_entry(client, personas):
    client.force_login(personas.coordinator)
    before = AuditEntry.objects.count()
    client.post(reverse("core:logout"))
    [entry] = new_entries(before)
    assert (entry.action, entry.user) == (Action.LOGOUT, personas.coordinator)


def test_the_login_page_carries_the_security_headers(client):
    response = client.get(reverse("core:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "url",
    ["core:login", "core:logout", "core:two-factor-setup", "core:two-factor-verify", "core:password-change"],
)
def test_a_post_without_a_csrf_token_is_refused(personas, url):
    client = Client(enforce_csrf_checks=True)
    if url != "core:login":
        client.force_login(personas.coordinator)
    response = client.post(reverse(url), {"username": "coord", "password": PASSWORD, "token": "123456"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=Action.LOGIN).count() == 0


def test_a_login_with_the_csrf_token_passes(personas):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("core:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("core:login"), {"username": "coord", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
