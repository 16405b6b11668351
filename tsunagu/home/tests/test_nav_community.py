"""The menu's 地域づくり link (templates/base.html): shown to the staff who work in 地域づくり — whom its pages let
in — and not to another agency's caseworker, whom they answer 404; 参加支援 is in every caseworker's menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tsunagu.community.tests.fixed import fixed_town

pytestmark = pytest.mark.django_db


def _menu(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("core:home")).content.decode()
    start = page.index('<nav class="main-nav"')
    return page[start : page.index("</nav>", start)]


def test_the_community_link_is_shown_to_those_who_may_use_it(client, personas):
    fixed = fixed_town(personas)
    community = reverse("community:index")
    for staff in (personas.caseworker_a, fixed.shakyo):
        menu = _menu(client, staff)
        assert f'href="{community}"' in menu and "地域づくり" in menu
        assert client.get(community).status_code == 200
    outsider = _menu(client, personas.caseworker_b)
    assert f'href="{community}"' not in outsider and reverse("participation:index") in outsider
    assert client.get(community).status_code == 404
