"""Administrators manage users and master data of their own town, and nothing else."""

import pytest
from django.urls import reverse

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Membership, Organization, Role, User

pytestmark = pytest.mark.django_db


def test_administrator_sees_only_their_towns_users_and_organisations(client, personas):
    client.force_login(personas.administrator)
    users = client.get(reverse("tsunagu-admin:core_user_changelist")).content.decode()
    assert "cw_a" in users and "stranger" not in users
    organizations = client.get(reverse("tsunagu-admin:core_organization_changelist")).content.decode()
    assert "琴浦町社会福祉協議会" in organizations and "北栄町地域包括支援センター" not in organizations
    stranger_org = Organization.objects.get(name="北栄町地域包括支援センター")
    assert client.get(reverse("tsunagu-admin:core_organization_change", args=[stranger_org.pk])).status_code == 302


def test_no_personal_data_is_administered_here(client, personas):
    client.force_login(personas.administrator)
    index = client.get(reverse("tsunagu-admin:index")).content.decode()
    assert "本人" not in index and "世帯" not in index and "同意" not in index


@pytest.mark.parametrize("persona", ["caseworker_a", "coordinator", "supervisor", "auditor", "stranger"])
def test_other_roles_cannot_open_the_administration(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("tsunagu-admin:core_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_administrator_adds_a_user_with_a_role_and_it_is_audited(client, personas):
    client.force_login(personas.administrator)
    shakyo = Organization.objects.get(name="琴浦町社会福祉協議会")
    response = client.post(
        reverse("tsunagu-admin:core_user_add"),
        {"username": "new-cw", "display_name": "新任 相談員", "password1": "a-long-enough-passphrase",
         "password2": "a-long-enough-passphrase", "usable_password": "true",
         "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
         "memberships-0-organization": shakyo.pk, "memberships-0-role": Role.CASEWORKER},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    user = User.objects.get(username="new-cw")
    assert user.municipality == personas.town
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.municipality) == (shakyo, "caseworker", personas.town)
    entry = AuditEntry.objects.get(action=Action.CREATE, model="core.user", object_id=str(user.pk))
    assert "a-long-enough-passphrase" not in str(entry.changes)
    assert entry.changes["password"] == ["", "（設定）"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_administration_pages_work_under_the_strict_csp(page, personas):
    from tsunagu.plans.tests.test_browser import sign_in

    sign_in(page, "admin")
    page.get_by_role("link", name="管理").click()
    page.get_by_role("link", name="利用者", exact=True).first.click()
    page.get_by_role("link", name="cw_a", exact=True).click()
    assert page.locator("#id_display_name").input_value() == "cw_a"
    # The page fixture fails the test on any console error, CSP violations included.
