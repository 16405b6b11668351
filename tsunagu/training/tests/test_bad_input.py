"""Hostile input on every training form and filter, one field at a time: never a server error, nothing saved
(the site-wide walk, ``home/tests/test_bad_input.py``, reaches these pages without a session to open)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tsunagu.training.models import TrainingMaterial, TrainingSession
from tsunagu.training.tests.factories import org, session_of

pytestmark = pytest.mark.django_db

HOSTILE = ("-1", "²", "٣", "１２", str(2**63), str(2**64), "1e400", "NaN", "\x00", "x" * 10_001, "令和99年99月99日",
           "R0.0.0", "9999-12-31", "10000-01-01", "<script>alert(1)</script>", "javascript:alert(1)")  # fmt: skip


def test_hostile_values_never_fail_and_save_nothing(client, personas):
    session = session_of(personas.coordinator, held_on=date(2025, 5, 1))
    shakyo = f"others_{org(personas.town, '琴浦町社会福祉協議会').pk}"
    client.force_login(personas.supervisor)
    for value in HOSTILE:
        # Every field hostile at once: a form cleans each field whatever the others hold.
        data = {"held_on": value, "theme": value, "place": value, "description": value, shakyo: value, "staff": value}
        assert client.post(reverse("training:session-create"), data).status_code == 400, value
        edited = client.post(reverse("training:session-edit", args=[session.pk]), {**data, "version": value})
        assert edited.status_code == 400, value
        # The count alone, beside good fields: refused unless it is a count a caseworker could mean.
        alone = client.post(reverse("training:session-create"), {"held_on": "R7.6.1", "theme": "研修", shakyo: value})
        assert alone.status_code in (302, 400), value
        listed = client.get(reverse("training:session-list"), {"fy": value, "start": value, "end": value})
        assert listed.status_code == 400, value
        added = client.post(reverse("training:material-add", args=[session.pk]), {"title": value, "url": value})
        assert added.status_code in (302, 400), value
    # Only what a caseworker could have meant was saved, and markup is escaped on the page.
    counts = TrainingSession.objects.exclude(pk=session.pk).values_list("participations__other_attendees", flat=True)
    assert set(counts) <= {12}  # only "１２" (full-width digits) is a count: NFKC, as Django's IntegerField reads it
    assert not TrainingMaterial.objects.filter(url__startswith="javascript").exists()
    page = client.get(reverse("training:session-list"), {"fy": "2025"}).content.decode()
    assert "<script>alert(1)</script>" not in page
