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
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.selectors import confirmers_for_municipality
from tsunagu.core.models import Membership, Organization, OrganizationKind, Role
from tsunagu.core.services import user_create
from tsunagu.people.address_viewers import address_viewer_add, may_name_viewers
from tsunagu.people.models import AddressViewer
from tsunagu.people.services import PeopleError
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
