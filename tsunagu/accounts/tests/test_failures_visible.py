"""Every failure visible to the auditor (issue 9, finding 5).

A failed login and a lock-out belong to the town of the account tried; with a username no account has,
to no town, and the deployment's auditors (TSUNAGU_DEPLOYMENT_AUDITORS) read those. Emergency lookups
name the address they came from and the organisation that asked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD
from tsunagu.core.models import Organization, Role
from tsunagu.core.services import user_create
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

LIMIT = 5


def fail(client: Client, username: str, times: int = 1) -> None:
    for _ in range(times):
        client.post(reverse("core:login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR="10.9.8.7")


def log_page(user, **query) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("audit:log"), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def stranger_auditor(personas):
    """The auditor of the other town (北栄町)."""
    organization = Organization.objects.get(name="北栄町地域包括支援センター")
    return user_create(
        municipality=organization.municipality,
        username="hokuei-audit",
        password=PASSWORD,
        memberships=[(organization, Role.AUDITOR)],
    )


def test_a_failed_login_is_in_the_log_of_the_accounts_town_only(personas, stranger_auditor):
    fail(Client(), "cw_a")
    entry = AuditEntry.objects.get(action=Action.LOGIN_FAILED, username="cw_a")
    assert (entry.municipality, entry.ip_address, entry.organization) == (personas.town, "10.9.8.7", None)
    assert f'data-entry="{entry.pk}"' in log_page(personas.auditor)
    assert f'data-entry="{entry.pk}"' not in log_page(stranger_auditor)
    fail(Client(), "stranger")
    other = AuditEntry.objects.get(action=Action.LOGIN_FAILED, username="stranger")
    assert f'data-entry="{other.pk}"' in log_page(stranger_auditor)
    assert f'data-entry="{other.pk}"' not in log_page(personas.auditor)


def test_the_lockout_is_one_entry_at_the_moment_it_falls(personas):
    client = Client()
    fail(client, "cw_a", LIMIT)
    [lockout] = AuditEntry.objects.filter(action=Action.LOCKOUT)
    assert (lockout.username, lockout.municipality, lockout.object_id) == (
        "cw_a", personas.town, str(personas.caseworker_a.pk),
    )  # fmt: skip
    assert "5回続けて失敗" in lockout.summary and "30分間" in lockout.summary
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, username="cw_a").count() == LIMIT
    # Attempts while locked are failures of their own, not new lock-outs.
    fail(client, "cw_a", 2)
    assert AuditEntry.objects.filter(action=Action.LOCKOUT).count() == 1
    while_locked = AuditEntry.objects.filter(action=Action.LOGIN_FAILED, username="cw_a").latest("id")
    assert "停止中" in while_locked.summary and while_locked.municipality == personas.town
    page = log_page(personas.auditor, action=Action.LOCKOUT)
    assert f'data-entry="{lockout.pk}"' in page and "ロックアウト" in page


def test_an_unknown_username_belongs_to_the_deployments_auditors(personas, settings, stranger_auditor):
    fail(Client(), "no-such-user", LIMIT)
    unknown = AuditEntry.objects.filter(username="no-such-user")
    assert unknown.count() == LIMIT + 1 and set(unknown.values_list("municipality", flat=True)) == {None}
    lockout = unknown.get(action=Action.LOCKOUT)

    # A town's auditor sees no entry of no town, and may not ask for them.
    assert f'data-entry="{lockout.pk}"' not in log_page(personas.auditor)
    assert "without_municipality" not in log_page(personas.auditor)
    # Asking anyway reads their own town's log: the parameter is not theirs to use.
    assert f'data-entry="{lockout.pk}"' not in log_page(personas.auditor, without_municipality="on")
    client = Client()
    client.force_login(personas.auditor)
    export = client.get(reverse("audit:export"), {"without_municipality": "on"})
    assert "no-such-user" not in export.getvalue().decode()

    # The operator names a deployment auditor: an auditor of their own town who reads those too.
    settings.TSUNAGU_DEPLOYMENT_AUDITORS = ["audit"]
    own_town = log_page(personas.auditor)
    assert "without_municipality" in own_town and f'data-entry="{lockout.pk}"' not in own_town
    deployment = log_page(personas.auditor, without_municipality="on")
    assert all(f'data-entry="{e.pk}"' in deployment for e in unknown)
    export = client.get(reverse("audit:export"), {"without_municipality": "on"})
    assert "no-such-user" in export.getvalue().decode()

    # Named, but no auditor: nothing.
    settings.TSUNAGU_DEPLOYMENT_AUDITORS = ["audit", "admin"]
    admin = Client()
    admin.force_login(personas.administrator)
    assert admin.get(reverse("audit:log"), {"without_municipality": "on"}).status_code == 404


@pytest.mark.parametrize("persona", ["caseworker_a", "supervisor", "administrator", "stranger"])
def test_nobody_else_reads_the_failures(personas, settings, persona):
    settings.TSUNAGU_DEPLOYMENT_AUDITORS = [getattr(personas, persona).username]
    fail(Client(), "no-such-user")
    client = Client()
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("audit:log"), {"without_municipality": "on"}).status_code == 404
    assert client.get(reverse("audit:log")).status_code == 404


def test_a_wrong_second_factor_is_in_the_users_town(personas):
    from tsunagu.accounts.services import two_factor_code_verify, two_factor_device_start

    device = two_factor_device_start(user=personas.coordinator)
    device.confirmed = True
    device.save()
    client = Client()
    request = client.get("/").wsgi_request
    two_factor_code_verify(user=personas.coordinator, token="000000", request=request)
    entry = AuditEntry.objects.filter(action=Action.LOGIN_FAILED, user=personas.coordinator).latest("id")
    assert entry.municipality == personas.town


def test_emergency_lookups_and_grants_name_the_address_and_the_organisation(personas):
    person = register(personas.caseworker_a, resident_number="0000054321")
    client = Client()
    client.force_login(personas.caseworker_b)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        reverse("access:emergency-access"),
        {"resident_number": "0000054321", "reason": "本人の安否が確認できず、救急要請の可能性がある", "hours": 1},
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302
    links = Organization.objects.get(name="相談支援センターサポートりんくす")
    new = AuditEntry.objects.filter(pk__gt=before).order_by("id")
    lookup = new.get(action=Action.SEARCH, basis_source="emergency lookup")
    grant = new.get(action=Action.GRANT, person_id=person.pk)
    for entry in (lookup, grant):
        assert (entry.ip_address, entry.organization, entry.user) == ("10.20.30.40", links, personas.caseworker_b)
    # A lookup that finds nobody is recorded the same way.
    client.post(
        reverse("access:emergency-access"),
        {"resident_number": "9999999999", "reason": "本人の安否が確認できず、救急要請の可能性がある", "hours": 1},
        REMOTE_ADDR="10.20.30.41",
    )
    miss = AuditEntry.objects.filter(action=Action.SEARCH, basis_source="emergency lookup").latest("id")
    assert (miss.ip_address, miss.organization, miss.records) == ("10.20.30.41", links, {"person": []})
