"""The planner's statistics after a bulk load (issue 16): a fresh town and a freshly imported register are
planned with statistics at once, without waiting for anyone to run ANALYZE; the nightly job keeps them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tsunagu.notifications import schedule
from tsunagu.people.demo import generator
from tsunagu.people.models import Person
from tsunagu.people.tests.test_import_residents import ROWS, csv_text

pytestmark = pytest.mark.django_db

PERSON_TABLE = "people_person"


def statistics_rows(table: str) -> int:
    """Rows the planner keeps about ``table`` (sqlite_stat1 per index, pg_stats per column)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s", [table]
            )
        return cursor.fetchone()[0]


@pytest.fixture
def no_statistics(kotoura):
    """SQLite's statistics of an earlier test in this database are forgotten (the test's rollback restores
    them); PostgreSQL has none for a table that has never held a row."""
    if connection.vendor == "sqlite" and statistics_rows(PERSON_TABLE):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
    assert statistics_rows(PERSON_TABLE) == 0


def test_demo_town_leaves_statistics(no_statistics, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.DEMO_MODE = True
    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_town", "--people", "60", "--seed", "3", stdout=StringIO())
    assert statistics_rows(PERSON_TABLE) > 0


def test_a_demo_town_that_fails_half_way_refreshes_nothing(
    no_statistics, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The people are written, then an extension fails: the whole town is rolled back, and its refresh with it."""
    settings.DEMO_MODE = True

    def failing(**kwargs):
        raise RuntimeError("extension failed")

    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [("tsunagu.failing", failing)])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        call_command("demo_town", "--people", "60", "--seed", "3", stdout=StringIO())
    assert callbacks == []
    assert statistics_rows(PERSON_TABLE) == 0
    assert not Person.objects.exists()


def test_the_resident_import_leaves_statistics(no_statistics, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "register.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_residents", str(path), "--organization", "福祉あんしん課", stdout=StringIO())
    assert statistics_rows(PERSON_TABLE) > 0


def test_the_nightly_job_refreshes_statistics(no_statistics, settings, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr(generator, "demo_town_extensions", lambda: [])
    call_command("demo_town", "--people", "60", "--seed", "3", stdout=StringIO())  # its own refresh never commits
    assert statistics_rows(PERSON_TABLE) == 0
    schedule.job("db_statistics").run(timezone.now())
    assert statistics_rows(PERSON_TABLE) > 0
