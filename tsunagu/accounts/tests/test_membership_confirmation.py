"""A casework role given on the administration pages opens nothing until a supervisor confirms it.

From each side: the administrator who gives it, the supervisor of the organisation who confirms it, a
supervisor of another organisation, the caseworker, the auditor and a stranger of another town.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tsunagu.access.policy import casework_memberships
from tsunagu.accounts.tests.admin_pages import errors, page_data
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.conftest import PASSWORD
from tsunagu.core.models import Membership, Organization, OrganizationKind, Role, User
from tsunagu.core.services import user_create

pytestmark = pytest.mark.django_db

PENDING = "core:memberships-pending"
NEW_PASSWORD = "a-long-enough-passphrase"


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def staff(username: str, organization: Organization, role: Role) -> User:
    return user_create(
        municipality=organization.municipality, username=username, password=PASSWORD, memberships=[(organization, role)]
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new object: casework_memberships is cached per object


def admin_adds_user(admin: Client, username: str, organization: Organization, role: Role) -> User:
    response = admin.post(
        reverse("tsunagu-admin:core_user_add"),
        {"username": username, "display_name": f"{username} さん", "password1": NEW_PASSWORD,
         "password2": NEW_PASSWORD, "usable_password": "true",
         "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
         "memberships-0-organization": organization.pk, "memberships-0-role": role},
    )  # fmt: skip
    assert response.status_code == 302, errors(response)
    return User.objects.get(username=username)


def admin_edits_memberships(admin: Client, user: User, change) -> None:
    url = reverse("tsunagu-admin:core_user_change", args=[user.pk])
    data = page_data(admin.get(url))
    change(data)
    response = admin.post(url, data)
    assert response.status_code == 302, errors(response)


@pytest.fixture
def admin(personas) -> Client:
    return signed_in(personas.administrator)


@pytest.fixture
def new_caseworker(admin, personas) -> User:
    """A caseworker at 福祉あんしん課, whose supervisor is ``personas.supervisor``."""
    return admin_adds_user(admin, "new-cw", org("福祉あんしん課"), Role.CASEWORKER)


def test_a_casework_role_given_by_an_administrator_waits_and_opens_nothing(admin, personas, new_caseworker):
    membership = Membership.objects.get(user=new_caseworker)
    assert membership.is_pending
    assert (membership.requested_by, membership.confirmed_by_name) == (personas.administrator, "")
    assert casework_memberships(fresh(new_caseworker)) == []
    client = signed_in(new_caseworker)
    home = client.get(reverse("core:home")).content.decode()
    assert "確認待ち" in home and "本人検索" not in home
    assert client.get(reverse("people:person-search")).status_code == 404
    entry = AuditEntry.objects.filter(model="core.user", object_id=str(new_caseworker.pk), action=Action.CREATE).get()
    assert entry.changes["memberships"] == [[], [["福祉あんしん課", "caseworker", "確認待ち"]]]


def test_the_supervisor_of_the_organisation_confirms_it_and_it_takes_effect(personas, new_caseworker):
    supervisor = signed_in(personas.supervisor)
    assert "役割の確認" in supervisor.get(reverse("core:home")).content.decode()  # the link in the menu
    page = supervisor.get(reverse(PENDING)).content.decode()
    membership = Membership.objects.get(user=new_caseworker)
    assert f'data-membership="{membership.pk}"' in page and "この機関の監督者として" in page
    response = supervisor.post(reverse("core:membership-confirm", args=[membership.pk]))
    assert response["Location"] == reverse(PENDING)
    membership.refresh_from_db()
    assert not membership.is_pending
    assert (membership.confirmed_by, membership.confirmed_by_name) == (personas.supervisor, "super")
    assert [m.organization.name for m in casework_memberships(fresh(new_caseworker))] == ["福祉あんしん課"]
    entry = AuditEntry.objects.filter(model="core.membership", object_id=str(membership.pk)).get()
    assert (entry.action, entry.user) == (Action.UPDATE, personas.supervisor)
    assert "役割の確認" in entry.summary and "new-cw" in entry.summary
    assert signed_in(new_caseworker).get(reverse("people:person-search")).status_code == 200


def test_the_supervisor_may_decline_and_the_request_goes(personas, new_caseworker):
    membership = Membership.objects.get(user=new_caseworker)
    signed_in(personas.supervisor).post(reverse("core:membership-decline", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.filter(model="core.membership", object_id=str(membership.pk)).get()
    assert (entry.action, entry.user) == (Action.DELETE, personas.supervisor)
    # Answered once: a second answer is refused in Japanese.
    again = signed_in(personas.supervisor).post(reverse("core:membership-confirm", args=[membership.pk]), follow=True)
    assert "すでに処理された" in again.content.decode()


def test_a_supervisor_of_another_organisation_neither_sees_nor_confirms_it(personas, new_caseworker):
    other = signed_in(staff("sup_links", org("相談支援センターサポートりんくす"), Role.SUPERVISOR))
    membership = Membership.objects.get(user=new_caseworker)
    assert f'data-membership="{membership.pk}"' not in other.get(reverse(PENDING)).content.decode()
    answer = other.post(reverse("core:membership-confirm", args=[membership.pk]), follow=True).content.decode()
    assert "この役割を確認する権限がありません" in answer
    assert Membership.objects.get(pk=membership.pk).is_pending


@pytest.mark.parametrize("persona", ["caseworker_a", "coordinator", "auditor", "stranger"])
def test_the_page_is_not_there_for_others(personas, new_caseworker, persona):
    client = signed_in(getattr(personas, persona))
    membership = Membership.objects.get(user=new_caseworker)
    assert client.get(reverse(PENDING)).status_code == 404
    assert client.post(reverse("core:membership-confirm", args=[membership.pk])).status_code == 404
    assert client.post(reverse("core:membership-decline", args=[membership.pk])).status_code == 404
    assert Membership.objects.get(pk=membership.pk).is_pending
    assert "役割の確認" not in client.get(reverse("core:home")).content.decode()


def test_the_administrator_who_asked_does_not_confirm(admin, personas, new_caseworker):
    membership = Membership.objects.get(user=new_caseworker)
    assert f'data-membership="{membership.pk}"' not in admin.get(reverse(PENDING)).content.decode()
    admin.post(reverse("core:membership-confirm", args=[membership.pk]))
    assert Membership.objects.get(pk=membership.pk).is_pending


def test_nobody_confirms_their_own_role(admin, personas):
    # The only supervisor of 福祉あんしん課 is given a second role there: someone else must confirm it.
    def add_coordinator(data):
        data.update({"memberships-TOTAL_FORMS": "2", "memberships-1-organization": str(org("福祉あんしん課").pk),
                     "memberships-1-role": Role.COORDINATOR, "memberships-1-user": str(personas.supervisor.pk)})  # fmt: skip

    admin_edits_memberships(admin, personas.supervisor, add_coordinator)
    membership = Membership.objects.get(user=personas.supervisor, role=Role.COORDINATOR)
    assert membership.is_pending
    own = signed_in(personas.supervisor)
    assert f'data-membership="{membership.pk}"' not in own.get(reverse(PENDING)).content.decode()
    assert (
        "権限がありません"
        in own.post(reverse("core:membership-confirm", args=[membership.pk]), follow=True).content.decode()
    )
    assert Membership.objects.get(pk=membership.pk).is_pending


def test_without_a_supervisor_of_its_own_the_divisions_supervisor_confirms(admin, personas):
    # 琴浦町地域包括支援センター belongs to すこやか健康課 and has no supervisor of its own.
    kenko = signed_in(staff("sup_kenko", org("すこやか健康課"), Role.SUPERVISOR))
    user = admin_adds_user(admin, "new-houkatsu", org("琴浦町地域包括支援センター"), Role.CASEWORKER)
    membership = Membership.objects.get(user=user)
    page = kenko.get(reverse(PENDING)).content.decode()
    assert f'data-membership="{membership.pk}"' in page and "所管課の監督者として" in page
    anshin = signed_in(personas.supervisor).get(reverse(PENDING)).content.decode()
    assert f'data-membership="{membership.pk}"' not in anshin
    kenko.post(reverse("core:membership-confirm", args=[membership.pk]))
    assert not Membership.objects.get(pk=membership.pk).is_pending


def test_the_first_supervisor_of_a_new_organisation_is_confirmed_by_a_second_administrator(admin, personas):
    npo = Organization.objects.create(municipality=personas.town, name="NPOひだまり", kind=OrganizationKind.OTHER)
    user = admin_adds_user(admin, "npo-sup", npo, Role.SUPERVISOR)
    membership = Membership.objects.get(user=user)
    # An administrator the first one made on these pages is no second pair of eyes.
    puppet = admin_adds_user(admin, "admin-puppet", org("福祉あんしん課"), Role.ADMINISTRATOR)
    assert not Membership.objects.get(user=puppet).is_pending  # opens no personal data: in effect at once
    puppet_client = signed_in(puppet)
    assert f'data-membership="{membership.pk}"' not in puppet_client.get(reverse(PENDING)).content.decode()
    puppet_client.post(reverse("core:membership-confirm", args=[membership.pk]))
    assert Membership.objects.get(pk=membership.pk).is_pending
    assert f'data-membership="{membership.pk}"' not in admin.get(reverse(PENDING)).content.decode()
    # An administrator the operator created (a command) may.
    second = signed_in(staff("admin2", org("福祉あんしん課"), Role.ADMINISTRATOR))
    page = second.get(reverse(PENDING)).content.decode()
    assert f'data-membership="{membership.pk}"' in page and "別のシステム管理者として" in page
    second.post(reverse("core:membership-confirm", args=[membership.pk]))
    assert Membership.objects.get(pk=membership.pk).confirmed_by_name == "admin2"
    # From then on the new organisation's supervisor confirms its caseworkers.
    staff_user = admin_adds_user(admin, "npo-cw", npo, Role.CASEWORKER)
    assert [m.user for m in _pending_for(user)] == [staff_user]


def _pending_for(user: User) -> list[Membership]:
    from tsunagu.accounts.selectors import memberships_pending_for_user

    return memberships_pending_for_user(user=user)


def test_a_role_taken_away_is_gone_at_once_and_recorded(admin, personas):
    membership = Membership.objects.get(user=personas.caseworker_a)

    def delete(data):
        data["memberships-0-DELETE"] = "on"

    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    admin_edits_memberships(admin, personas.caseworker_a, delete)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert casework_memberships(fresh(personas.caseworker_a)) == []
    entry = AuditEntry.objects.filter(pk__gt=before, model="core.user").get()
    assert entry.changes["memberships"][1] == []


def test_a_step_down_within_the_organisation_needs_no_confirmation(admin, personas):
    membership = Membership.objects.get(user=personas.supervisor)
    admin_edits_memberships(admin, personas.supervisor, lambda data: data.update({"memberships-0-role": "caseworker"}))
    membership.refresh_from_db()
    assert (membership.role, membership.is_pending) == (Role.CASEWORKER, False)
    assert [m.role for m in casework_memberships(fresh(personas.supervisor))] == [Role.CASEWORKER]


def test_a_step_up_or_a_move_waits_for_confirmation(admin, personas):
    membership = Membership.objects.get(user=personas.caseworker_b)
    admin_edits_memberships(
        admin, personas.caseworker_b, lambda data: data.update({"memberships-0-role": "supervisor"})
    )
    membership.refresh_from_db()
    assert (membership.role, membership.is_pending, membership.requested_by) == (
        Role.SUPERVISOR, True, personas.administrator,
    )  # fmt: skip
    assert casework_memberships(fresh(personas.caseworker_b)) == []


def test_roles_made_by_code_are_in_effect_and_name_who_stands_behind_them(personas):
    membership = Membership.objects.get(user=personas.caseworker_a)
    assert not membership.is_pending and membership.confirmed_by_name == "user_create"


def test_the_demo_accounts_name_the_command(personas, settings):
    from tsunagu.core.demo import demo_accounts_create

    settings.DEMO_MODE = True
    demo_accounts_create(municipality=personas.town)
    names = set(Membership.objects.filter(user__username="houkatsu").values_list("confirmed_by_name", flat=True))
    assert len(names) == 1 and next(iter(names)).startswith("manage.py setup_demo")


def test_the_migration_confirms_the_memberships_that_were_in_effect(personas):
    membership = Membership.objects.get(user=personas.caseworker_a)
    Membership.objects.filter(pk=membership.pk).update(confirmed_at=None, confirmed_by_name="")
    migration = importlib.import_module("tsunagu.core.migrations.0005_membership_confirmation")
    migration.confirm_existing(apps, None)
    membership.refresh_from_db()
    assert not membership.is_pending and membership.confirmed_by_name == "migration core.0005"
