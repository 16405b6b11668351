"""demo_town's 研修: a year of sessions by the demo coordinator, counted in the 年度 they fall in."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tsunagu.core.demo import demo_accounts_create
from tsunagu.core.japanese.wareki import fiscal_year
from tsunagu.people.demo.generator import demo_town_extensions
from tsunagu.training import demo
from tsunagu.training.models import TrainingAttendee, TrainingMaterial, TrainingSession
from tsunagu.training.selectors import training_counts

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_year_of_sessions_through_the_services(kotoura, settings):
    assert "tsunagu.training" in [name for name, _ in demo_town_extensions()]
    settings.DEMO_MODE = True
    assert demo.extend_demo_town(municipality=kotoura, rng=random.Random(1), as_of=date(2026, 3, 1), people=0,
                                 user=None).startswith("研修: デモ用のコーディネーターがいない")  # type: ignore[arg-type]  # fmt: skip
    demo_accounts_create(municipality=kotoura)
    line = demo.extend_demo_town(municipality=kotoura, rng=random.Random(1), as_of=date(2026, 3, 1), people=0,
                                 user=None)  # type: ignore[arg-type]  # fmt: skip
    sessions = list(TrainingSession.objects.filter(municipality=kotoura).order_by("held_on"))
    assert line.startswith("研修: 8回") and len(sessions) == 8
    assert date(2025, 3, 1) <= sessions[0].held_on and sessions[-1].held_on < date(2026, 3, 1)
    assert {s.organizer.name for s in sessions} == {"福祉あんしん課"}
    assert all(s.held_on.weekday() < 5 for s in sessions)
    assert TrainingAttendee.objects.exists() and TrainingMaterial.objects.count() >= 8
    in_year = [s for s in sessions if fiscal_year(s.held_on) == 2025]
    assert training_counts(municipality_id=kotoura.pk, fiscal_year=2025).sessions == len(in_year)
