"""The worker's list and the district table: the right counts and days since the last contact on a frozen
clock, and a query count that does not grow with the targets; the idle reminder job, once per idle spell."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tsunagu.core.models import District, Organization
from tsunagu.notifications.models import Event, Notice
from tsunagu.outreach import jobs
from tsunagu.outreach.models import OutreachTarget, Result
from tsunagu.outreach.tests.factories import contact, information, open_target, runs_outreach, worker_at

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)


@pytest.fixture
def worker(personas):
    organization = Organization.objects.get(municipality=personas.town, name="福祉あんしん課")
    runs_outreach(organization)
    return worker_at(organization, "anshin_outreach")


def _target(worker, district=None, *, contacts=(), description="60代男性"):
    target = open_target(worker, [information(worker, description=description, district=district)])
    for days_ago, result in contacts:
        contact(worker, target, result, at=NOW - timedelta(days=days_ago))
    return target


def test_the_list_shows_attempts_and_days_since_the_last_contact(client, worker, time_machine):
    time_machine.move_to(NOW - timedelta(days=30), tick=False)
    hidden = _target(worker, description="一度も接触していない方")
    time_machine.move_to(NOW, tick=False)
    tried = _target(worker, contacts=[(9, Result.ABSENT), (6, Result.ABSENT), (3, Result.REFUSED)])
    client.force_login(worker)
    page = client.get(reverse("outreach:target-list")).content.decode()
    row = page.split(f'data-target="{tried.pk}"')[1].split("</tr>")[0]
    assert '<td class="attempts">3回</td>' in row and '<td class="days-since">3日</td>' in row
    untouched = page.split(f'data-target="{hidden.pk}"')[1].split("</tr>")[0]
    assert '<td class="days-since">—</td>' in untouched and "0回" in untouched


def test_the_district_table_counts_open_targets_by_stage(client, worker, personas, time_machine):
    time_machine.move_to(NOW, tick=False)
    yabase, _created = District.objects.get_or_create(municipality=personas.town, name="八橋")
    _target(worker, yabase)
    _target(worker, yabase, contacts=[(2, Result.ABSENT)])
    _target(worker, yabase, contacts=[(2, Result.MET)])
    _target(worker, None)
    from tsunagu.outreach.selectors import district_table_for_user

    rows = {row.district.name if row.district else None: row for row in district_table_for_user(user=worker)}
    assert rows["八橋"].counts == {"uncontacted": 1, "attempting": 1, "contacted": 1} and rows["八橋"].total == 3
    assert rows[None].total == 1
    # Someone outside outreach counts nothing: the table is over the targets the reader may read.
    assert district_table_for_user(user=personas.caseworker_b) == []


def test_the_list_keeps_its_query_count_as_targets_grow(client, worker, django_assert_max_num_queries):
    client.force_login(worker)
    _target(worker, contacts=[(2, Result.ABSENT)])
    client.get(reverse("outreach:target-list"))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("outreach:target-list")).status_code == 200
    for n in range(12):
        _target(worker, contacts=[(n + 1, Result.ABSENT), (n, Result.TALKED)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("outreach:target-list"))
    assert page.content.decode().count("data-target=") == 13
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_idle_reminder_notifies_the_worker_once_per_idle_spell(worker, time_machine, settings):
    settings.TSUNAGU_OUTREACH_IDLE_DAYS = 14
    time_machine.move_to(NOW - timedelta(days=20), tick=False)
    idle = _target(worker)
    time_machine.move_to(NOW - timedelta(days=5), tick=False)
    _target(worker)  # acted on 5 days ago: not yet
    time_machine.move_to(NOW, tick=False)
    jobs.outreach_idle(NOW)
    jobs.outreach_idle(NOW)  # a second run adds nothing
    notices = Notice.objects.filter(event=Event.OUTREACH_IDLE)
    assert list(notices.values_list("user_id", "record_id")) == [(worker.pk, idle.pk)]
    assert "14日以上" in notices.get().summary
    # Acted on, then idle again: reminded again.
    contact(worker, OutreachTarget.objects.get(pk=idle.pk), Result.ABSENT, at=NOW - timedelta(hours=1))
    later = NOW + timedelta(days=15)
    time_machine.move_to(later, tick=False)
    jobs.outreach_idle(later)
    assert notices.filter(record_id=idle.pk).count() == 2
