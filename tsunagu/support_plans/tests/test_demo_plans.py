"""``demo_town`` adds 多機関協働 cases in every state and 支援プラン of every type, through the real services.

One demo run per test is seconds, so the checks share a test rather than a module-scoped database fixture.
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.utils import timezone

from tsunagu.collaboration.models import Assessment, CaseState, CollaborationCase
from tsunagu.consultations.models import ReferralStatus
from tsunagu.core.demo import demo_accounts_create
from tsunagu.people.demo.generator import TOWN, demo_town_create
from tsunagu.people.models import HouseholdMember
from tsunagu.support_plans import plan_types
from tsunagu.support_plans.models import GoalEvaluation, PlanEvaluation, PlanProgress, PlanStatus, SupportPlan
from tsunagu.support_plans.services import role_problem

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)


@pytest.fixture
def town(kotoura, settings):
    settings.DEMO_MODE = True
    demo_accounts_create(municipality=kotoura)
    out = StringIO()
    demo_town_create(municipality=kotoura, scale=TOWN.with_people(1500), seed=7, as_of=AS_OF, stdout=out)
    return out.getvalue()


def test_demo_cases_and_plans(town):
    assert "多機関協働・支援プラン: ケース10件" in town
    cases = list(CollaborationCase.objects.all())
    assert {c.state for c in cases} == set(CaseState.values)
    # Cases come from the accepted referrals to 多機関協働 where the year made them.
    for case in cases:
        if case.referral is not None:
            assert case.referral.status == ReferralStatus.ACCEPTED
            assert case.referral.person_id == case.person_id
    closed = next(c for c in cases if c.state == CaseState.CLOSED)
    assert closed.lead_organization is not None and closed.closure_reason is not None
    assert Assessment.objects.filter(case__state=CaseState.SUSPENDED).exists()

    plans = list(SupportPlan.objects.select_related("organization"))
    assert {p.plan_type for p in plans} == {t.code for t in plan_types.all_types()}
    replanned = [p.series for p in plans if p.number == 2]
    assert len(replanned) == 1
    versions = SupportPlan.objects.filter(series=replanned[0]).order_by("number")
    assert [v.status for v in versions] == [PlanStatus.SUPERSEDED, PlanStatus.APPROVED]

    for plan in (p for p in plans if p.plan_type == "collaboration"):
        organizations = {a.organization for a in plan.actions.select_related("organization") if a.organization}
        assert len(organizations) >= 3
        assert all(role_problem(plan, o) is None for o in organizations)
        assert plan.case is not None
        if plan.status != PlanStatus.DRAFT and plan.case.state != CaseState.DECIDED:
            assert all(a.acknowledged_at for a in plan.actions.filter(organization__isnull=False))
    programme_plans = [p for p in plans if p.plan_type != "collaboration"]
    assert all(p.status == PlanStatus.APPROVED for p in programme_plans)
    # 利用者支援事業's plans are written with a parent of a small child.
    for plan in (p for p in programme_plans if p.plan_type in ("self-plan", "support-plan")):
        births = HouseholdMember.objects.filter(household=plan.household).values_list("person__birth_date", flat=True)
        assert any(b and b > AS_OF - timedelta(days=6 * 365) for b in births)

    assert PlanProgress.objects.exists()
    assert PlanEvaluation.objects.count() == 2
    assert GoalEvaluation.objects.exists()
    # Everything is dated in the past of the run.
    assert all(p.approved_on <= AS_OF for p in plans if p.approved_on)
    assert all(r.occurred_at <= timezone.now() for r in PlanProgress.objects.all())
