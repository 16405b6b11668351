"""会議カレンダー (issue 13, item 8): a month of the meetings a user may see — members, the convener's staff —
and their own follow-up tasks by due date, in a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.meetings import services
from tsunagu.meetings.tests.factories import kotoura_type, refreshed

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
URL = reverse("meetings:calendar")


def meet(personas, day: int, *, members=(), code="shien-kaigi", task_due: date | None = None):
    meeting = services.meeting_create(
        user=personas.coordinator, meeting_type=kotoura_type(personas.town, code),
        held_at=datetime(2025, 4, day, 14, 0, tzinfo=TOKYO), place="琴浦町役場 第1会議室",
    )  # fmt: skip
    for member in members:
        organization = services._member_organization(member)
        assert organization is not None
        services.member_add(user=personas.coordinator, meeting=refreshed(meeting), member=member,
                            organization=organization)  # fmt: skip
    if task_due:
        services.task_create(user=personas.coordinator, meeting=refreshed(meeting), data=services.TaskInput(
            title=f"訪問の報告（{day}日）", owner=members[0], due_on=task_due))  # fmt: skip
    return meeting


def rows(body: str, attribute: str) -> int:
    return body.count(f'data-{attribute}="')


def test_each_user_sees_the_meetings_they_sit_in_or_convene_and_their_tasks(client, personas):
    a = personas.caseworker_a
    sitting = meet(personas, 10, members=(a,), task_due=date(2025, 4, 24))
    other = meet(personas, 17, code="jusouteki-shien-kaigi")
    services.meeting_create(user=personas.coordinator, meeting_type=kotoura_type(personas.town, "shien-kaigi"),
                            held_at=datetime(2025, 5, 20, 10, tzinfo=TOKYO), place="会議室")  # fmt: skip

    client.force_login(a)
    body = client.get(URL, {"month": "2025-04"}).content.decode()
    assert "令和7年4月" in body
    assert f'data-meeting="{sitting.pk}"' in body and f'data-meeting="{other.pk}"' not in body
    assert reverse("meetings:meeting-detail", args=[sitting.pk]) in body
    assert "訪問の報告（10日）" in body and 'data-day="2025-04-24"' in body

    # The convener's staff (the supervisor of 福祉あんしん課) see both, linked only where they are members.
    client.force_login(personas.supervisor)
    body = client.get(URL, {"month": "2025-04"}).content.decode()
    assert f'data-meeting="{sitting.pk}"' in body and f'data-meeting="{other.pk}"' in body
    assert reverse("meetings:meeting-detail", args=[other.pk]) not in body and "構成員ではありません" in body
    client.force_login(personas.coordinator)
    assert reverse("meetings:meeting-detail", args=[other.pk]) in client.get(URL, {"month": "2025-04"}).content.decode()

    for persona in (personas.caseworker_b, personas.colleague_a, personas.stranger):
        client.force_login(persona)
        body = client.get(URL, {"month": "2025-04"}).content.decode()
        assert rows(body, "meeting") == 0 and rows(body, "task") == 0, persona
    for persona in (personas.administrator, personas.auditor):
        client.force_login(persona)
        assert client.get(URL).status_code == 404


def test_the_month_parameter_is_strict_and_the_page_is_linked(client, personas):
    client.force_login(personas.coordinator)
    assert client.get(URL).status_code == 200 and client.get(URL, {"month": ""}).status_code == 200
    for bad in ("2025-13", "2025-4", "１２３４-05", "9999-01", "x", "2025-04-01"):
        assert client.get(URL, {"month": bad}).status_code == 404, bad
    assert f'href="{URL}"' in client.get(reverse("meetings:meeting-list")).content.decode()
    assert 'href="?month=2025-03"' in client.get(URL, {"month": "2025-04"}).content.decode()


def test_queries_do_not_grow_with_meetings_and_tasks(client, personas):
    a = personas.caseworker_a
    meet(personas, 1, members=(a,), task_due=date(2025, 4, 2))
    client.force_login(a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"month": "2025-04"}).status_code == 200
        return len(queries)

    few = count()
    for day in range(2, 6):
        meet(personas, day, members=(a,), task_due=date(2025, 4, day + 1))
        meet(personas, day + 10, code="jusouteki-shien-kaigi", members=(a,))
    many = count()
    body = client.get(URL, {"month": "2025-04"}).content.decode()
    assert rows(body, "meeting") == 2 * 9 and rows(body, "task") == 2 * 5  # the grid and the lists
    assert many == few
