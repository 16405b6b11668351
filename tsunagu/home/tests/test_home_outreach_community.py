"""The home page leads outreach workers to their due targets and community staff to 地域づくり: counts only,
constant queries, and nothing for those who do not do that work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.community.tests.factories import place, session
from tsunagu.core.japanese.wareki import fiscal_year, fiscal_year_range
from tsunagu.core.models import Organization
from tsunagu.home.tests.test_home_by_role import counts
from tsunagu.outreach.models import OutreachTarget
from tsunagu.outreach.tests.factories import information, open_target, runs_outreach, worker_at

pytestmark = pytest.mark.django_db


def home(client, user) -> tuple[str, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_an_outreach_worker_sees_the_targets_whose_next_action_is_due(client, personas):
    organization = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(organization)
    worker = worker_at(organization, "anshin_outreach_home")
    today = timezone.localdate()
    for days in (-3, 0, 5):  # overdue, due today, not yet (planned earlier: a past date cannot be entered today)
        target = open_target(worker, [information(worker)], next_action="訪問", next_action_on=today)
        OutreachTarget.objects.filter(pk=target.pk).update(next_action_on=today + timedelta(days=days))
    page, _ = home(client, worker)
    assert counts(page, "caseworker")["対応日が来たアウトリーチ"] == "2"
    # Another agency's caseworker reads none of them: the count is theirs, 0.
    page, _ = home(client, personas.caseworker_b)
    assert counts(page, "caseworker")["対応日が来たアウトリーチ"] == "0"


def test_community_staff_see_their_places_and_this_years_sessions(client, personas):
    a = personas.caseworker_a  # 地域包括 runs the town's 介護予防 (community/tests/factories.py)
    first, _last = fiscal_year_range(fiscal_year(timezone.localdate()))
    salon = place(a, opened_on=date(2020, 4, 1))
    place(a, name="閉じた教室", opened_on=date(2020, 4, 1), closed_on=date(2021, 3, 31))
    session(a, salon, first, 12)
    session(a, salon, first - timedelta(days=1), 9)  # the previous 年度
    page, few = home(client, a)
    assert counts(page, "community") == {"開設中の拠点・居場所": "1", "今年度の活動の回数": "1"}
    for i in range(4):
        session(a, salon, first + timedelta(days=i + 1), 10)
    page, many = home(client, a)
    assert counts(page, "community")["今年度の活動の回数"] == "5" and many == few
    # サポートりんくす does no community work: no such section.
    page, _ = home(client, personas.caseworker_b)
    assert 'data-section="community"' not in page
