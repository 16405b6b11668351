"""``demo_town`` adds outreach targets in every stage through the real services, with the district
configuration as data; deterministic for a seed and date."""

from datetime import date
from io import StringIO

import pytest

from tsunagu.collaboration.models import CollaborationCase
from tsunagu.core.demo import demo_accounts_create
from tsunagu.outreach.models import CommissionerDistrict, DistrictSetting, OutreachContact, OutreachTarget, Stage
from tsunagu.people.demo.generator import TOWN, demo_town_create

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 10, 1)


def test_demo_targets_in_every_stage_with_their_histories(kotoura, settings):
    settings.DEMO_MODE = True
    demo_accounts_create(municipality=kotoura)
    out = StringIO()
    demo_town_create(municipality=kotoura, scale=TOWN.with_people(1500), seed=7, as_of=AS_OF, stdout=out)
    assert "アウトリーチ: 対象9件" in out.getvalue()
    targets = list(OutreachTarget.objects.order_by("occurred_at"))
    assert {t.stage for t in targets} == set(Stage.values)
    longest = max(targets, key=lambda t: t.attempt_count)
    assert longest.attempt_count == 12 and longest.first_contact_at is None
    assert longest.information.count() == 3  # 民生委員, 学校, ライフライン side by side
    # Dated in the story's past: opened before the last contact, which is before the run's day.
    for t in targets:
        assert t.occurred_at.date() <= AS_OF and t.last_action_at.date() <= AS_OF
        contacts = OutreachContact.objects.filter(target=t)
        assert all(c.occurred_at >= t.occurred_at for c in contacts)
    connected = [t for t in targets if t.stage == Stage.CONNECTED]
    assert any(t.consultation_id for t in connected) and any(t.collaboration_case_id for t in connected)
    assert CollaborationCase.objects.filter(pk__in=[t.collaboration_case_id for t in connected]).exists()
    assert any(t.person_id is None for t in targets)
    assert CommissionerDistrict.objects.filter(municipality=kotoura).count() == 2
    assert DistrictSetting.objects.filter(map_row=2, map_column=4).exists()
