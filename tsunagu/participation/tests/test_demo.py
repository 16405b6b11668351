"""``demo_town`` adds 参加支援 through the real services: hosts and resources across the cross-sector fields, a
開拓 log, and supports with matches in every state and follow-ups for the person and the host, one of them begun
from a demo plan's role line — the same on every run with the same seed and date."""

from datetime import date
from io import StringIO

import pytest

from tsunagu.core.demo import demo_accounts_create
from tsunagu.participation.counts import participation_counts
from tsunagu.participation.models import (
    Host,
    MatchState,
    ParticipationFollowUp,
    ParticipationMatch,
    ParticipationSupport,
    ResourceDevelopment,
)
from tsunagu.people.demo.generator import TOWN, demo_town_create

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)


def test_demo_participation(kotoura, settings):
    settings.DEMO_MODE = True
    demo_accounts_create(municipality=kotoura)
    out = StringIO()
    demo_town_create(municipality=kotoura, scale=TOWN.with_people(1500), seed=7, as_of=AS_OF, stdout=out)
    assert "参加支援: 受け入れ先10件・社会資源10件・開拓5件・参加支援7件" in out.getvalue()
    assert {h.sector for h in Host.objects.all()} >= {"農業", "観光", "教育", "環境", "まちづくり", "保健・医療"}
    assert set(ResourceDevelopment.objects.values_list("outcome", flat=True)) == {
        "accepted", "conditional", "considering", "declined"}  # fmt: skip
    matches = list(ParticipationMatch.objects.select_related("support"))
    assert {m.state for m in matches} == set(MatchState.values)
    ended = next(m for m in matches if m.state == MatchState.ENDED)
    assert ended.end_reason and ended.trial_on is not None
    assert all(m.occurred_at.date() <= AS_OF and (m.trial_on or AS_OF) <= AS_OF for m in matches)
    assert set(ParticipationFollowUp.objects.values_list("about", flat=True)) == {"person", "host"}
    figures = participation_counts(municipality_id=kotoura.pk, fiscal_year=2025)
    assert figures.participants == 7 and figures.cooperating_hosts >= 1
    # One support was begun from a demo plan's role line asking for 参加支援, about the plan's own person.
    from_plan = ParticipationSupport.objects.get(plan_action__isnull=False)
    line = from_plan.plan_action
    assert line is not None
    assert (from_plan.source, line.application, line.plan.person_id) == ("plan", "participation", from_plan.person_id)
    assert line.organization_id == from_plan.organization_id and line.acknowledged_at is not None
