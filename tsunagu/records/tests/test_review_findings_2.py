"""The second hostile review (the paths added in issue 10 and the last findings of issue 9), kept as tests.

- G1: a supervisor role still waiting for confirmation (an administrator granted it; no supervisor said
  yes) named staff of another agency to see a protected (DV) location: the naming asked for any
  supervisor membership at the protecting agency, not a confirmed one, so the confirmation step that
  keeps an administrator from making supervisors was skipped for the one decision that opens a DV
  address to another agency.
- G2: an administrator confirmed their own casework role through two accounts of their making: the
  confirming administrator must not hold a role given by the one who asked, but only one step was looked
  at, so A → Z (an administrator A made) → Y (one Z made) let Y confirm the supervisor role A asked for at
  a new organisation outside any division: a casework role with nobody but A behind it.
- G3: another agency confirmed a guess at a protected (DV) address: it registered someone at the guessed
  address and put them into the protected mother's household (it may edit the household through its
  consent on the child); the newcomer's address turned 非表示 exactly when the guess was right, since a
  member who shares a protected member's address inherits the protection.
- G4: the same guess, by editing a member already in that household who lives elsewhere (the father, whom
  the agency may edit on consent): his address set to the guess turned 非表示 exactly when it was right.
- G5: an administrator took the deployment auditors' view (the entries of no town), which only the
  operator is to give (TSUNAGU_DEPLOYMENT_AUDITORS names usernames): the administration's user page let
  them rename the listed auditor's account away and give the name to an account of their own. A
  username is now fixed once the account exists (it is also what the log's entries keep of who acted).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.selectors import confirmers_for_municipality
from tsunagu.accounts.tests.admin_pages import page_data
from tsunagu.audit.selectors import is_deployment_auditor
from tsunagu.core.models import Membership, Organization, OrganizationKind, Role, User
from tsunagu.core.services import user_create
from tsunagu.people.address_viewers import address_viewer_add, may_name_viewers
from tsunagu.people.models import AddressViewer, Relationship
from tsunagu.people.selectors import location_hidden_for_user, person_check_for_user
from tsunagu.people.services import (
    MemberInput,
    PeopleError,
    PersonInput,
    household_create,
    household_member_add,
    person_update,
)
from tsunagu.people.tests import test_dv_protection as dv
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

ADDRESS = "琴浦町避難先十番（試験）"


def test_g1_only_a_confirmed_supervisor_names_staff_who_see_a_protected_location(client, personas):
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    mother = register(personas.coordinator, address=ADDRESS, address_protected=True, care_notes="DV被害")
    # The coordinator (福祉あんしん課) is given a supervisor role on the administration pages: a request.
    Membership.objects.create(
        municipality=personas.town, user=personas.coordinator, organization=anshin, role=Role.SUPERVISOR,
        requested_by=personas.administrator, requested_at=timezone.now(),
    )  # fmt: skip
    assert not may_name_viewers(user=personas.coordinator, person=mother)
    with pytest.raises(PeopleError):
        address_viewer_add(user=personas.coordinator, person=mother, viewer=personas.caseworker_b, reason="同行")
    assert not AddressViewer.objects.filter(person=mother).exists()
    client.force_login(personas.caseworker_b)
    assert ADDRESS not in client.get(reverse("people:person-detail", args=[mother.pk])).content.decode()


def test_g2_an_administrator_made_through_a_chain_of_the_askers_accounts_confirms_nothing(client, personas):
    a, town = personas.administrator, personas.town
    anshin = Organization.objects.get(municipality=town, name="福祉あんしん課")

    def administrator_made_by(maker, username):
        made = user_create(municipality=town, username=username, password="x-very-long-pw-1")
        Membership.objects.create(
            municipality=town, user=made, organization=anshin, role=Role.ADMINISTRATOR, requested_by=maker,
            requested_at=timezone.now(), confirmed_at=timezone.now(), confirmed_by=maker,
        )  # fmt: skip
        return made

    z = administrator_made_by(a, "admin_z")
    y = administrator_made_by(z, "admin_y")
    new = Organization.objects.create(municipality=town, name="新しい相談所（試験）", kind=OrganizationKind.OTHER)
    w = user_create(municipality=town, username="friend_w", password="x-very-long-pw-1")
    asked = Membership.objects.create(
        municipality=town, user=w, organization=new, role=Role.SUPERVISOR, requested_by=a, requested_at=timezone.now()
    )
    confirmers = confirmers_for_municipality(municipality_id=town.pk)
    assert not confirmers.may_confirm(user=z, membership=asked)
    assert not confirmers.may_confirm(user=y, membership=asked)
    client.force_login(y)
    client.post(reverse("core:membership-confirm", args=[asked.pk]))
    asked.refresh_from_db()
    assert asked.is_pending


def test_g3_a_household_with_a_hidden_protected_location_takes_no_members_from_who_cannot_see_it(personas):
    a = dv.arrange(personas)  # 福祉あんしん課 protects the mother; りんくす (caseworker B) reads both on consent
    b = personas.caseworker_b
    answers: dict[str, object] = {}
    for guess in (dv.ADDRESS, "琴浦町外れの住所一番（試験）"):
        dummy = register(b, family_name="試験", given_name="推測", address=guess)
        try:
            household_member_add(user=b, household=a.household, member=MemberInput(dummy, Relationship.UNRELATED))
        except PeopleError:
            answers[guess] = "refused"
            continue
        answers[guess] = location_hidden_for_user(user=b, person=dummy)
    assert answers[dv.ADDRESS] == answers["琴浦町外れの住所一番（試験）"], answers
    # A new household with the mother in it, likewise (B may edit the mother on consent).
    dummy = register(b, family_name="試験", given_name="二人目", address=dv.ADDRESS)
    with pytest.raises(PeopleError):
        household_create(user=b, members=[MemberInput(a.mother, Relationship.HEAD),
                                          MemberInput(dummy, Relationship.UNRELATED)])  # fmt: skip


def test_g4_a_member_of_a_household_with_a_hidden_protected_location_cannot_be_moved_to_a_guess(personas):
    a = dv.arrange(personas)
    anshin, b = personas.coordinator, personas.caseworker_b
    father = register(anshin, family_name="川本", given_name="父", address="琴浦町別の住所二番（試験）")
    dv.consent_record(user=anshin, person=father, data=dv.ConsentInput(
        purpose="支援のための情報共有", method=dv.ConsentMethod.WRITTEN, given_on=timezone.localdate(),
        organizations=[dv.org("相談支援センターサポートりんくす")]))  # fmt: skip
    household_member_add(user=anshin, household=a.household, member=MemberInput(father, Relationship.SPOUSE))
    assert not location_hidden_for_user(user=b, person=father)  # he lives elsewhere: his address is B's to see
    answers: dict[str, object] = {}
    for guess in ("琴浦町外れの住所一番（試験）", dv.ADDRESS):
        view = person_check_for_user(user=b, pk=father.pk, editing=True)
        data = {f: getattr(view.person, f) for f in PersonInput.__dataclass_fields__} | {"address": guess}
        try:
            person_update(user=b, person=view.person, data=PersonInput(**data), expected_version=view.person.version)
        except PeopleError:
            answers[guess] = "refused"
            continue
        answers[guess] = location_hidden_for_user(user=b, person=father)
    assert answers[dv.ADDRESS] == answers["琴浦町外れの住所一番（試験）"], answers


def test_g5_an_administrator_cannot_rename_accounts_into_the_deployment_auditors_list(client, personas, settings):
    settings.TSUNAGU_DEPLOYMENT_AUDITORS = [personas.auditor.username]
    listed = personas.auditor.username
    own = user_create(municipality=personas.town, username="admin_friend", password="x-very-long-pw-1")
    Membership.objects.create(
        municipality=personas.town, user=own, organization=Organization.objects.get(name="福祉あんしん課"),
        role=Role.AUDITOR, requested_by=personas.administrator, confirmed_at=timezone.now(),
    )  # fmt: skip
    client.force_login(personas.administrator)
    for user, name in ((personas.auditor, "audit_old"), (own, listed)):
        url = reverse("tsunagu-admin:core_user_change", args=[user.pk])
        data = page_data(client.get(url)) | {"username": name}
        client.post(url, data)
    assert User.objects.get(pk=personas.auditor.pk).username == listed
    assert not is_deployment_auditor(User.objects.get(pk=own.pk))
