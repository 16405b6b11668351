"""The person's and the household's timeline: one indexed query per kind, merged in time order, a page at
a time — the number of queries does not grow with the records, and a person with 2,000 records pages
through all of them, newest first, with none lost or repeated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.consultations.models import CaseNote, Counterpart, Means
from tsunagu.core.models import Organization
from tsunagu.records.tests.matrix import arrange, examples

pytestmark = pytest.mark.django_db


def notes(arrangement, count: int, *, start=None) -> None:
    """``count`` progress records about the person, one a minute back from ``start`` (test data in bulk)."""
    start = start or timezone.now() - timedelta(days=1)
    organization = Organization.objects.get(municipality=arrangement.town, name="琴浦町地域包括支援センター")
    CaseNote.objects.bulk_create(
        CaseNote(
            municipality=arrangement.town, organization=organization, person=arrangement.person,
            occurred_at=start - timedelta(minutes=i), means=Means.PHONE, staff=arrangement.holder,
            counterpart=Counterpart.PERSON, content=f"電話 {i}",
        )
        for i in range(count)
    )  # fmt: skip


def one_of_every_kind(arrangement) -> None:
    for target in ("consultation", "referral", "case_note"):
        examples()[target](arrangement)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["people:person-timeline", "people:person-detail", "people:person-timeline-print"])
def test_person_pages_keep_their_query_count_as_records_grow(client, personas, monkeypatch, page):
    arrangement = arrange("consented", personas, monkeypatch)
    one_of_every_kind(arrangement)
    url = reverse(page, args=[arrangement.person.pk])
    readers = (personas.caseworker_a, personas.caseworker_b)  # the holder, and an agency with consent
    few = {}
    for reader in readers:
        client.force_login(reader)
        few[reader.pk] = queries(client, url)
    one_of_every_kind(arrangement)
    one_of_every_kind(arrangement)
    notes(arrangement, 120)
    for reader in readers:
        client.force_login(reader)
        assert queries(client, url) == few[reader.pk], reader


def test_household_timeline_keeps_its_query_count(client, personas, monkeypatch):
    arrangement = arrange("own", personas, monkeypatch)
    one_of_every_kind(arrangement)
    client.force_login(personas.caseworker_a)
    url = reverse("people:household-timeline", args=[arrangement.household.pk])
    few = queries(client, url)
    one_of_every_kind(arrangement)
    notes(arrangement, 80)
    assert queries(client, url) == few


def test_a_person_with_2000_records_pages_through_all_of_them(client, personas, monkeypatch, capsys):
    arrangement = arrange("own", personas, monkeypatch)
    one_of_every_kind(arrangement)
    notes(arrangement, 2000)
    total = CaseNote.objects.filter(person=arrangement.person).count() + 2  # and a consultation and a referral
    client.force_login(personas.caseworker_a)
    url = reverse("people:person-timeline", args=[arrangement.person.pk])
    seen: list[str] = []
    counts = set()
    pages = 0
    cursor = ""
    while True:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"before": cursor} if cursor else {})
        counts.add(len(captured))
        page = response.context["page"]
        pages += 1
        seen += [f"{i.kind.key}:{i.record.pk}" for i in page.items]
        keys = [i.sort_key for i in page.items]
        assert keys == sorted(keys, reverse=True)
        if not page.older:
            break
        assert len(page.items) == 50
        cursor = page.older
    with capsys.disabled():
        print(f"\ntimeline of {total} records: {pages} pages, queries per page {sorted(counts)}")
    assert len(seen) == total and len(set(seen)) == total
    assert len(counts) <= 2  # the first page and the others differ only by the cursor's parsing, not the data


def test_a_cursor_that_was_not_written_by_the_page_answers_404(client, personas, monkeypatch):
    arrangement = arrange("own", personas, monkeypatch)
    client.force_login(personas.caseworker_a)
    url = reverse("people:person-timeline", args=[arrangement.person.pk])
    for bad in ("x", "2025-01-01T00:00:00~1", "2025-01-01T00:00:00~10~5", "2025-01-01T00:00:00+09:00~10~²",
                "2025-01-01T00:00:00+09:00~10~99999999999999999999"):  # fmt: skip
        assert client.get(url, {"before": bad}).status_code == 404, bad
