"""The home page's per-role sections and the role-confirmation page in English when it is chosen: their
labels are built in code (``home.sections``, ``accounts.views._LEVELS``), so they must be translated at
request time, not at import."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.core.models import Membership, Organization, Role
from tsunagu.core.services import user_create

pytestmark = pytest.mark.django_db

ENGLISH = {
    "caseworker_a": ["Caseworker", "Referrals to answer", "My next steps this week", "Overdue referrals"],
    "coordinator": ["Multi-agency collaboration (coordinator)", "Open collaboration cases"],
    "supervisor": ["Supervisor", "Emergency access awaiting review", "of which overdue for review",
                   "Overdue referrals in your division"],
    "administrator": ["Administrator", "Active users", "Organisations", "Tasks waiting to run",
                      "Audit log verification (latest)", "Not run yet"],
    "auditor": ["Auditor", "Recent entries needing attention (7 days)", "Emergency access"],
}  # fmt: skip
JAPANESE = re.compile(r"[\u3040-\u30ff]")  # kana: names of places and organisations are kanji-only here


def english(user) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def sections(page: str) -> str:
    return "".join(part.split("</section>", 1)[0] for part in page.split("data-section=")[1:])


@pytest.mark.parametrize("persona", sorted(ENGLISH))
def test_each_roles_home_section_is_english_when_chosen(personas, persona):
    page = english(getattr(personas, persona)).get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in page
    for words in ENGLISH[persona]:
        assert words in page, (persona, words)
    assert not JAPANESE.search(sections(page)), (persona, JAPANESE.findall(sections(page)))


def test_the_role_confirmation_page_names_the_confirmers_capacity_in_english(personas):
    anshin = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    new = user_create(municipality=personas.town, username="new-cw", password="correct-horse-battery",
                      display_name="new-cw", memberships=[(anshin, Role.CASEWORKER)])  # fmt: skip
    Membership.objects.filter(user=new).update(confirmed_at=None, requested_by=personas.administrator)
    page = english(personas.supervisor).get(reverse("core:memberships-pending")).content.decode()
    assert "As a supervisor of this organisation" in page
    assert "この機関の監督者として" not in page
