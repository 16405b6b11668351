"""demo_town's 地域づくり: the seed's places by name with a year of sessions, partners in every platform sector,
the coordinator's log — through the services, deterministic, and counted by the plan's indicators."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tsunagu.community import counts, demo
from tsunagu.community.models import ActivitySession, CoordinatorLogEntry, Partner, Place, SessionParticipation
from tsunagu.core.demo import demo_accounts_create
from tsunagu.core.models import User
from tsunagu.people.demo.generator import demo_town_extensions
from tsunagu.people.tests.helpers import register

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 1)


def test_the_demo_records_a_year_of_community_work_through_the_services(kotoura, settings):
    assert "tsunagu.community" in [name for name, _ in demo_town_extensions()]
    settings.DEMO_MODE = True
    assert demo.extend_demo_town(municipality=kotoura, rng=random.Random(1), as_of=AS_OF, people=0,
                                 user=None).startswith("地域づくり: デモ用の職員")  # type: ignore[arg-type]  # fmt: skip
    demo_accounts_create(municipality=kotoura)
    houkatsu = User.objects.get(username="houkatsu")
    for name in ("一郎", "二郎"):
        register(houkatsu, given_name=name)
    line = demo.extend_demo_town(municipality=kotoura, rng=random.Random(1), as_of=AS_OF, people=0,
                                 user=None)  # type: ignore[arg-type]  # fmt: skip
    places = {p.name: p for p in Place.objects.filter(municipality=kotoura).select_related("host_organization")}
    assert places["みどり保育園 子育て支援センター"].host_label == "みどり保育園"
    assert places["赤碕こども園 子育て支援センター"].program.code == "child-rearing-hub"
    assert places["琴浦町地域活動支援センター"].program.code == "community-activity-support-centre"
    assert len(places) == 7
    sessions = ActivitySession.objects.filter(municipality=kotoura)
    assert min(s.held_on for s in sessions) >= date(2025, 3, 1) and max(s.held_on for s in sessions) < AS_OF
    sectors = set(Partner.objects.filter(municipality=kotoura).values_list("sector__name", flat=True))
    assert sectors == {
        "消費者相談",
        "教育",
        "保健・医療",
        "若年層支援",
        "地方創生",
        "環境",
        "まちづくり",
        "観光",
        "農業",
    }
    assert CoordinatorLogEntry.objects.filter(municipality=kotoura).count() == 12
    known = SessionParticipation.objects.filter(municipality=kotoura)
    assert known.exists() and {k.organization.name for k in known} == {"琴浦町地域包括支援センター"}
    # The summary and the 年度's counts come from the same records: a fixed seed gives fixed figures.
    year = counts.community_counts(municipality_id=kotoura.pk, period=counts.period_of(2025))
    in_year = sessions.filter(held_on__gte=date(2025, 4, 1))
    assert year.participants == sum(s.participants for s in in_year) and year.places == 7
    assert line == (f"地域づくり: 参加機関12・拠点7か所・活動{sessions.count()}回（名前の分かる参加{known.count()}件）・"
                    "コーディネーターの活動記録12件を生成")  # fmt: skip
