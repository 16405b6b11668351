"""The support page (ranking and matches), the match page (follow-ups) and the registry list answer in a number
of queries that does not grow with the resources, matches and follow-ups."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.participation import services
from tsunagu.participation.models import FollowUpAbout, MatchState
from tsunagu.participation.tests.factories import advance, follow_up, host, resource, support, worker_at, workshop
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_do_not_grow_with_the_data(client, personas):
    staff = worker_at(workshop(personas.town), "sagyo_queries")
    person = register(staff, family_name="数井", family_name_kana="カズイ")
    opened = support(staff, person)
    first = services.match_propose(user=staff, support=opened, resource=resource(staff, name="資源0"))
    first = advance(staff, first, MatchState.TRIAL)
    follow_up(staff, first, FollowUpAbout.PERSON, "一回目")
    client.force_login(staff)
    urls = [reverse("participation:support-detail", args=[opened.pk]),
            reverse("participation:match-detail", args=[first.pk]), reverse("participation:resource-list")]  # fmt: skip
    few = [queries(client, url) for url in urls]
    for i in range(1, 8):
        place = resource(staff, of=host(staff, f"受け入れ先{i}"), name=f"資源{i}")
        advance(staff, services.match_propose(user=staff, support=opened, resource=place), MatchState.TRIAL)
        follow_up(staff, first, FollowUpAbout.HOST, f"{i}回目", worries="心配")
    many = [queries(client, url) for url in urls]
    assert many == few
