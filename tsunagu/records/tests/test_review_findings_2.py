"""The second hostile review (the paths added in issue 10 and the last findings of issue 9), kept as tests.

- G1: a supervisor role still waiting for confirmation (an administrator granted it; no supervisor said
  yes) named staff of another agency to see a protected (DV) location: the naming asked for any
  supervisor membership at the protecting agency, not a confirmed one, so the confirmation step that
  keeps an administrator from making supervisors was skipped for the one decision that opens a DV
  address to another agency.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.core.models import Membership, Organization, Role
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
