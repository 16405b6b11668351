"""Administrators leave traces (issue 9, finding 3): every page of the administration writes to the log.

The walk below takes every ModelAdmin registered on the site — other apps' included — and adds and
changes a row through its own pages, so that a page added later is covered without a new test.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from tsunagu.accounts.admin import site
from tsunagu.accounts.tests.admin_pages import errors, page_data
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD
from tsunagu.core.models import District, Organization, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase-9"


def new_entries(before: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("id")[before:])


def changed(value: str, suffix: str) -> str:
    return f"{value}{suffix}"


def admin_urls(model) -> tuple[str, str, str]:
    name = f"tsunagu-admin:{model._meta.app_label}_{model._meta.model_name}"
    return f"{name}_changelist", f"{name}_add", f"{name}_change"


def a_row(model_admin, request_user):
    request = RequestFactory().get("/")
    request.user = request_user
    return model_admin.get_queryset(request).exclude(pk=request_user.pk).order_by("pk").first()


@pytest.fixture
def admin_client(client, personas):
    # The plan file has no districts: one to change.
    District.objects.get_or_create(municipality=personas.town, name="赤碕地区", defaults={"order": 1})
    client.force_login(personas.administrator)
    return client


REGISTERED = sorted(site._registry.items(), key=lambda item: item[0]._meta.label)


def test_the_walk_covers_the_pages_the_issue_names():
    labels = {model._meta.label_lower for model, _ in REGISTERED}
    # passwords and roles (the user page), organisations, routing and issue lists
    assert {"core.user", "core.organization", "consultations.routingrule", "consultations.consultationissue"} <= labels


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_every_administration_page_change_is_in_the_log(admin_client, personas, model, model_admin):
    changelist, add, change = admin_urls(model)
    assert admin_client.get(reverse(changelist)).status_code == 200  # loads a list's defaults where it has them
    row = a_row(model_admin, personas.administrator)
    assert row is not None, f"no {model._meta.label} row to change"
    label = model._meta.label_lower

    # Change: the page as shown, with one text field edited.
    shown = admin_client.get(reverse(change, args=[row.pk]))
    data = page_data(shown)
    for name in ("display_name", "name", "short_name", "name_kana"):
        if isinstance(data.get(name), str):
            data[name] = changed(data[name], "（改）")  # type: ignore[arg-type]
            break
    before = AuditEntry.objects.count()
    response = admin_client.post(reverse(change, args=[row.pk]), data)
    assert response.status_code == 302, errors(response)
    [entry] = [e for e in new_entries(before) if e.model == label]
    assert (entry.action, entry.user, entry.object_id) == (Action.UPDATE, personas.administrator, str(row.pk))
    assert entry.municipality == personas.town
    assert entry.changes, "the entry names what changed"

    # Add: a copy of that row under new names.
    data = page_data(shown, with_inline_rows=False)
    for name in admin_client.get(reverse(add)).context["adminform"].form.fields:
        if name not in data and isinstance(getattr(row, name, None), str):
            data[name] = getattr(row, name)  # read-only once saved (a list's code): given on adding
    for name in ("username", "code", "name"):
        if isinstance(data.get(name), str):
            data[name] = changed(data[name], "-copy" if name in ("username", "code") else "（写）")  # type: ignore[arg-type]
    if "username" in data:
        data.update({"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    before = AuditEntry.objects.count()
    response = admin_client.post(reverse(add), data)
    assert response.status_code == 302, errors(response)
    [entry] = [e for e in new_entries(before) if e.model == label]
    assert (entry.action, entry.user) == (Action.CREATE, personas.administrator)
    assert model._default_manager.filter(pk=entry.object_id).exists()
    assert NEW_PASSWORD not in str(entry.changes)


def test_no_bulk_action_bypasses_the_log(personas):
    """Deleting is off on every page; any other action would be logged by AuditedAdmin.response_action."""
    request = RequestFactory().get("/")
    request.user = personas.administrator
    for model, model_admin in REGISTERED:
        assert "delete_selected" not in model_admin.get_actions(request), model._meta.label
        assert not model_admin.has_delete_permission(request)


def test_a_deletion_through_the_log_hooks_is_recorded(personas):
    """log_deletions (the delete page and delete_selected) writes an entry per row, before the rows go."""
    request = RequestFactory().post("/")
    request.user = personas.administrator
    organization = Organization.objects.get(name="みどり保育園")
    before = AuditEntry.objects.count()
    site._registry[Organization].log_deletions(request, Organization.objects.filter(pk=organization.pk))
    [entry] = new_entries(before)
    assert (entry.action, entry.model, entry.object_id) == (Action.DELETE, "core.organization", str(organization.pk))


# --- The password reset of the issue ---------------------------------------------------------------
def test_an_administrator_resetting_a_password_and_signing_in_as_the_user_leaves_both_traces(personas):
    caseworker = Client()
    assert caseworker.post(reverse("core:login"), {"username": "cw_a", "password": PASSWORD}).status_code == 302
    administrator = Client()
    administrator.force_login(personas.administrator)
    before = AuditEntry.objects.count()
    response = administrator.post(
        reverse("tsunagu-admin:auth_user_password_change", args=[personas.caseworker_a.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, errors(response)
    [reset] = [e for e in new_entries(before) if e.model == "core.user"]
    assert reset.action == Action.UPDATE
    assert reset.user == personas.administrator and reset.object_id == str(personas.caseworker_a.pk)
    assert "パスワードの再設定" in reset.summary and "cw_a" in reset.summary and "admin" in reset.summary
    personas.caseworker_a.refresh_from_db()
    assert NEW_PASSWORD not in str(reset.changes) and personas.caseworker_a.password not in str(reset.changes)

    # The caseworker's own session ended with the old password.
    assert caseworker.get(reverse("core:home")).status_code == 302

    # The administrator signs in as the caseworker: that login is in the log too, after the reset.
    intruder = Client()
    intruder.post(reverse("core:login"), {"username": "cw_a", "password": NEW_PASSWORD})
    login = AuditEntry.objects.filter(action=Action.LOGIN, user=personas.caseworker_a).latest("id")
    assert login.pk > reset.pk

    auditor = Client()
    auditor.force_login(personas.auditor)
    page = auditor.get(reverse("audit:log")).content.decode()
    assert f'data-entry="{reset.pk}"' in page and f'data-entry="{login.pk}"' in page


def test_disabling_a_password_is_recorded_and_ends_the_sessions(personas):
    caseworker = Client()
    caseworker.post(reverse("core:login"), {"username": "cw_a", "password": PASSWORD})
    administrator = Client()
    administrator.force_login(personas.administrator)
    before = AuditEntry.objects.count()
    response = administrator.post(
        reverse("tsunagu-admin:auth_user_password_change", args=[personas.caseworker_a.pk]),
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    [entry] = [e for e in new_entries(before) if e.model == "core.user"]
    assert entry.changes == {"password": ["", "（無効化）"]}
    assert caseworker.get(reverse("core:home")).status_code == 302


def test_retiring_an_account_ends_its_sessions_and_is_recorded(admin_client, personas):
    caseworker = Client()
    caseworker.post(reverse("core:login"), {"username": "cw_a", "password": PASSWORD})
    url = reverse("tsunagu-admin:core_user_change", args=[personas.caseworker_a.pk])
    data = page_data(admin_client.get(url))
    data.pop("is_active")
    before = AuditEntry.objects.count()
    assert admin_client.post(url, data).status_code == 302
    [entry] = [e for e in new_entries(before) if e.model == "core.user"]
    assert entry.changes["is_active"] == [True, False]
    assert caseworker.get(reverse("core:home")).status_code == 302


def test_an_administrator_does_not_reset_their_own_password_on_the_admin_page(admin_client, personas):
    url = reverse("tsunagu-admin:auth_user_password_change", args=[personas.administrator.pk])
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 403
    assert "この操作は許可されていません" in response.content.decode()
    personas.administrator.refresh_from_db()
    assert not personas.administrator.check_password(NEW_PASSWORD)


# --- One's own password, and the admin site's own doors ---------------------------------------------
def test_ones_own_password_change_is_recorded_and_a_wrong_current_password_too(client, personas):
    client.force_login(personas.caseworker_b)
    before = AuditEntry.objects.count()
    wrong = {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(reverse("core:password-change"), wrong).status_code == 200
    [failed] = new_entries(before)
    assert (failed.action, failed.user) == (Action.LOGIN_FAILED, personas.caseworker_b)
    right = {**wrong, "old_password": PASSWORD}
    assert client.post(reverse("core:password-change"), right)["Location"] == reverse("core:password-change-done")
    changed_entry = AuditEntry.objects.latest("id")
    assert (changed_entry.action, changed_entry.summary) == (Action.UPDATE, "パスワードの変更（本人）")
    assert NEW_PASSWORD not in str(changed_entry.changes)
    assert client.get(reverse("core:home")).status_code == 200  # this session stays


def test_the_admin_site_signs_in_and_out_through_the_audited_pages(client, personas):
    response = client.get(reverse("tsunagu-admin:login"), {"next": "/admin/core/user/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    # A login posted to the admin's own form is not checked there at all.
    posted = client.post(reverse("tsunagu-admin:login"), {"username": "admin", "password": PASSWORD})
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
    client.force_login(personas.administrator)
    assert client.get(reverse("tsunagu-admin:password_change"))["Location"] == reverse("core:password-change")
    before = AuditEntry.objects.count()
    client.post(reverse("tsunagu-admin:logout"))
    [entry] = new_entries(before)
    assert (entry.action, entry.user) == (Action.LOGOUT, personas.administrator)


def test_a_signed_in_non_administrator_gets_the_refusal_not_a_second_login_form(client, personas):
    client.force_login(personas.caseworker_a)
    response = client.get(reverse("tsunagu-admin:login"))
    assert response.status_code == 403
    assert 'name="password"' not in response.content.decode()


# --- Nobody changes their own roles ------------------------------------------------------------------
def test_an_administrator_cannot_give_themselves_a_role(admin_client, personas):
    url = reverse("tsunagu-admin:core_user_change", args=[personas.administrator.pk])
    data = page_data(admin_client.get(url))
    shakyo = Organization.objects.get(name="琴浦町社会福祉協議会")
    data.update({"memberships-TOTAL_FORMS": "2", "memberships-0-organization": str(shakyo.pk)})
    data.update(
        {"memberships-1-organization": str(shakyo.pk), "memberships-1-role": "supervisor", "memberships-1-user": ""}
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "ご自身の所属・役割は変更できません" in response.content.decode()
    assert not personas.administrator.memberships.filter(organization=shakyo).exists()


def test_an_administrator_cannot_retire_their_own_account(admin_client, personas):
    url = reverse("tsunagu-admin:core_user_change", args=[personas.administrator.pk])
    data = page_data(admin_client.get(url))
    data.pop("is_active")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "ご自身のアカウントの利用停止は変更できません" in response.content.decode()
    assert User.objects.get(pk=personas.administrator.pk).is_active


def test_the_own_user_page_still_saves_a_name(admin_client, personas):
    url = reverse("tsunagu-admin:core_user_change", args=[personas.administrator.pk])
    data = page_data(admin_client.get(url))
    data["display_name"] = "管理 次郎"
    assert admin_client.post(url, data).status_code == 302
    assert User.objects.get(pk=personas.administrator.pk).display_name == "管理 次郎"


@pytest.mark.parametrize("persona", ["caseworker_a", "supervisor", "auditor", "stranger"])
def test_other_personas_change_nothing_on_the_administration(client, personas, persona):
    client.force_login(getattr(personas, persona))
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        reverse("tsunagu-admin:auth_user_password_change", args=[personas.caseworker_a.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    personas.caseworker_a.refresh_from_db()
    assert not personas.caseworker_a.check_password(NEW_PASSWORD)
    assert not AuditEntry.objects.filter(pk__gt=before, model="core.user").exists()


def test_the_anonymous_user_is_no_administrator():
    from tsunagu.accounts.admin import is_administrator

    assert not is_administrator(AnonymousUser())
