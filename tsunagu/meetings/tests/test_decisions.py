"""Decisions that act (issue 13 item 4): a 重層的支援会議's 支援決定, 評価, 終結 and 中断 go through the
collaboration and support-plans services; their refusal is the meeting's, and nothing is saved. Which
kinds a meeting may take is its type's configuration."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import CaseState, CaseTransition, EvaluationResult
from tsunagu.collaboration.tests.factories import consent_for, open_case, walk_to
from tsunagu.core.models import Organization
from tsunagu.meetings import acting, services
from tsunagu.meetings.models import AgendaItem, Decision
from tsunagu.meetings.tests.factories import hold, kotoura_type, meeting_type, refreshed
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import MeetingBasis
from tsunagu.records.selectors import timeline_for_user
from tsunagu.support_plans.models import PlanEvaluation, PlanStatus, SupportPlan
from tsunagu.support_plans.tests.factories import case_plan

pytestmark = pytest.mark.django_db


def org(town, name: str) -> Organization:
    return Organization.objects.get(municipality=town, name=name)


def _item(meeting, person, case) -> AgendaItem:
    item = services.agenda_item_add(
        user=meeting.chair, meeting=refreshed(meeting),
        data=services.AgendaItemInput(person=person, topic="支援プランの協議", case=case, household=case.household),
    )  # fmt: skip
    return AgendaItem.objects.select_related("meeting__meeting_type", "meeting__chair").get(pk=item.pk)


@pytest.fixture
def planned(personas):
    """A consented 8050 case in プラン作成 with a complete draft plan, on a 重層的支援会議's agenda."""
    coordinator = personas.coordinator
    person = register(coordinator)
    household = household_of(coordinator, (person, Relationship.HEAD))
    consent_for(coordinator, person, org(personas.town, "福祉あんしん課"))
    case = walk_to(coordinator, open_case(coordinator, person, household, summary="8050の世帯"), CaseState.PLANNING)
    plan = case_plan(coordinator, case)
    meeting = hold(coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"))
    return case, plan, _item(meeting, person, case)


def decide(item, kind: str, content: str = "協議のとおり", **fields) -> Decision:
    return services.decision_record(
        user=item.meeting.chair, item=item, data=services.DecisionInput(kind=kind, content=content, **fields)
    )


def test_support_decision_approves_the_plan_and_moves_the_case_to_supporting_on_its_timeline(client, personas, planned):
    case, plan, item = planned
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("meetings:decision-add", args=[item.pk]), {"kind": "support_decision", "content": "プランを承認する"}
    )
    assert response.status_code == 302, response.content.decode()
    plan.refresh_from_db()
    case.refresh_from_db()
    held_on = timezone.localdate(item.meeting.held_at)
    assert (plan.status, plan.approved_on) == (PlanStatus.APPROVED, held_on)
    assert item.meeting.meeting_type.name in plan.decision_reference
    assert (case.state, case.decided_on) == (CaseState.SUPPORTING, held_on)
    decision = Decision.objects.get(agenda_item=item)
    steps = list(decision.transitions.order_by("id"))
    assert [(t.from_state, t.to_state) for t in steps] == [
        (CaseState.PLANNING, CaseState.DECIDED), (CaseState.DECIDED, CaseState.SUPPORTING),
    ]  # fmt: skip
    assert all(item.meeting.meeting_type.name in t.note for t in steps) and decision.plan == plan
    # The person's timeline (the case-record mechanism) shows both steps, named by the meeting.
    timeline = timeline_for_user(user=personas.coordinator, person_ids=[case.person_id])
    on_timeline = [i.record for i in timeline.items if isinstance(i.record, CaseTransition)]
    assert {t.pk for t in steps} <= {t.pk for t in on_timeline}
    assert "支援中" in client.get(reverse("collaboration:case-detail", args=[case.pk])).content.decode()


def test_a_support_decision_the_case_refuses_is_refused_with_its_message(personas):
    coordinator = personas.coordinator
    person = register(coordinator)
    household = household_of(coordinator, (person, Relationship.HEAD))
    consent_for(coordinator, person, org(personas.town, "福祉あんしん課"))
    case = open_case(coordinator, person, household, summary="8050の世帯")
    item = _item(hold(coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi")), person, case)
    transitions_before = CaseTransition.objects.filter(case=case).count()
    # The case is still 受付: the collaboration rule refuses 支援決定 from there, and says so.
    with pytest.raises(services.MeetingError) as refused:
        decide(item, "support_decision", "プランを承認する")
    assert any("支援決定" in m for m in refused.value.messages)
    assert not Decision.objects.filter(agenda_item=item).exists()
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert CaseTransition.objects.filter(case=case).count() == transitions_before


def test_an_incomplete_plan_refuses_the_support_decision_with_the_plans_problems(personas):
    coordinator = personas.coordinator
    person = register(coordinator)
    household = household_of(coordinator, (person, Relationship.HEAD))
    consent_for(coordinator, person, org(personas.town, "福祉あんしん課"))
    case = walk_to(coordinator, open_case(coordinator, person, household), CaseState.PLANNING)
    item = _item(hold(coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi")), person, case)
    with pytest.raises(services.MeetingError, match="プラン"):
        decide(item, "support_decision")
    case.refresh_from_db()
    assert case.state == CaseState.PLANNING and not Decision.objects.exists()


def test_case_decisions_need_a_case_on_the_item(personas):
    person = register(personas.coordinator)
    consent_for(personas.coordinator, person, org(personas.town, "福祉あんしん課"))
    meeting = hold(personas.coordinator, kotoura_type(personas.town, "jusouteki-shien-kaigi"))
    item = services.agenda_item_add(user=personas.coordinator, meeting=refreshed(meeting),
                                    data=services.AgendaItemInput(person=person, topic="評価"))  # fmt: skip
    item = AgendaItem.objects.select_related("meeting__meeting_type").get(pk=item.pk)
    for kind in ("support_decision", "evaluation", "closure", "suspension"):
        with pytest.raises(services.MeetingError, match="多機関協働ケースの検討事項"):
            decide(item, kind)


def test_evaluation_by_the_meeting_goes_goal_by_goal_through_the_plan(personas, planned):
    case, plan, item = planned
    decide(item, "support_decision")
    goals = list(plan.goals.all())
    # One goal left without a result: the plan's rule refuses, and the case stays 支援中 (its move to 評価,
    # made first, is undone with the rest).
    partial = acting.EvaluationInput(
        result=EvaluationResult.PARTLY, goals={goals[0].pk: (EvaluationResult.ACHIEVED, "")}
    )
    with pytest.raises(services.MeetingError, match="すべての目標について評価"):
        decide(item, "evaluation", "半年の評価", evaluation=partial)
    case.refresh_from_db()
    assert case.state == CaseState.SUPPORTING and not PlanEvaluation.objects.filter(plan=plan).exists()
    assert Decision.objects.filter(agenda_item=item).count() == 1
    every = {g.pk: (EvaluationResult.ACHIEVED, "できた") for g in goals}
    decision = decide(item, "evaluation", "目標を達成した",
                      evaluation=acting.EvaluationInput(result=EvaluationResult.ACHIEVED, goals=every))  # fmt: skip
    case.refresh_from_db()
    assert (case.state, case.evaluation_result) == (CaseState.EVALUATING, EvaluationResult.ACHIEVED)
    assert decision.evaluation == PlanEvaluation.objects.get(plan=plan) and decision.plan == plan
    assert [t.to_state for t in decision.transitions.all()] == [CaseState.EVALUATING]


def test_closure_needs_a_reason_from_the_list_and_the_lead_agency_it_names(personas, planned):
    case, plan, item = planned
    decide(item, "support_decision")
    every = {g.pk: (EvaluationResult.ACHIEVED, "") for g in plan.goals.all()}
    decide(item, "evaluation", evaluation=acting.EvaluationInput(result=EvaluationResult.ACHIEVED, goals=every))
    with pytest.raises(services.MeetingError, match="終結理由を一覧から"):
        decide(item, "closure", closure=acting.ClosureInput(reason=None))
    handing_over = next(r for r in closure_reasons_ensure(personas.town.pk) if r.needs_lead_agency)
    with pytest.raises(services.MeetingError, match="主担当機関を選んで"):
        decide(item, "closure", closure=acting.ClosureInput(reason=handing_over))
    case.refresh_from_db()
    assert case.state == CaseState.EVALUATING
    lead = org(personas.town, "琴浦町地域包括支援センター")
    decision = decide(item, "closure", "地域包括に引き継いで終結",
                      closure=acting.ClosureInput(reason=handing_over, lead_organization=lead))  # fmt: skip
    case.refresh_from_db()
    assert (case.state, case.closure_reason, case.lead_organization) == (CaseState.CLOSED, handing_over, lead)
    assert [t.to_state for t in decision.transitions.all()] == [CaseState.CLOSED]


def test_suspension_records_the_decision_as_its_reason(personas, planned):
    case, _plan, item = planned
    decision = decide(item, "suspension", "本人の入院により中断")
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
    step = decision.transitions.get()
    assert "本人の入院により中断" in step.note and item.meeting.meeting_type.name in step.note


def test_kinds_follow_the_type_configuration_not_its_name(personas, planned):
    case, _plan, _item_on_the_agenda = planned
    coordinator = personas.coordinator
    # The town's 支援会議 may not close or suspend a case (its plan file says so) …
    shien = hold(coordinator, kotoura_type(personas.town, "shien-kaigi"))
    services.acknowledge(user=coordinator, meeting=refreshed(shien))
    on_shien = _item(refreshed(shien), case.person, case)
    with pytest.raises(services.MeetingError, match="「中断」を決定できません"):
        decide(on_shien, "suspension", "中断")
    # … while a 106条の6 type configured to suspend does, whatever it is called.
    kind = meeting_type(org(personas.town, "福祉あんしん課"), basis=MeetingBasis.ART106_6, code="kaigi-x",
                        decisions=["suspension"])  # fmt: skip
    other = hold(coordinator, kind)
    services.acknowledge(user=coordinator, meeting=refreshed(other))
    decide(_item(refreshed(other), case.person, case), "suspension", "連絡が途絶えたため中断")
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED


def test_only_the_chair_decides_and_strangers_get_404(client, personas, planned):
    case, _plan, item = planned
    meeting = item.meeting
    services.member_add(user=personas.coordinator, meeting=refreshed(meeting), member=personas.supervisor,
                        organization=org(personas.town, "福祉あんしん課"))  # fmt: skip
    item = AgendaItem.objects.select_related("meeting__meeting_type").get(pk=item.pk)
    with pytest.raises(services.MeetingError, match="議長だけ"):
        services.decision_record(user=personas.supervisor, item=item,
                                 data=services.DecisionInput(kind="suspension", content="中断"))  # fmt: skip
    url = reverse("meetings:decision-add", args=[item.pk])
    for stranger in (personas.caseworker_b, personas.stranger, personas.administrator):
        client.force_login(stranger)
        assert client.post(url, {"kind": "suspension", "content": "中断"}).status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.PLANNING and not Decision.objects.exists()


def test_a_chair_outside_the_cases_organisation_gets_the_cases_refusal(personas):
    """The chair of a meeting convened by 地域包括 reads the case (consent) but does not hold it: the case's
    rule refuses them, in its words."""
    coordinator, chair = personas.coordinator, personas.caseworker_a
    person = register(coordinator)
    household = household_of(coordinator, (person, Relationship.HEAD))
    consent_for(
        coordinator, person, org(personas.town, "福祉あんしん課"), org(personas.town, "琴浦町地域包括支援センター")
    )
    case = open_case(coordinator, person, household)
    kind = meeting_type(org(personas.town, "琴浦町地域包括支援センター"), basis=MeetingBasis.CONSENT, code="houkatsu")
    item = _item(hold(chair, kind), person, case)
    with pytest.raises(services.MeetingError, match="ケースを受け持つ機関"):
        decide(item, "suspension", "中断")
    assert SupportPlan.objects.filter(case=case).count() == 0 and not Decision.objects.exists()


def test_the_api_decides_evaluates_and_closes(client, personas, planned):
    case, plan, item = planned
    client.force_login(personas.coordinator)
    url = reverse("api:agenda-item-decisions", args=[item.pk])

    def post(body):
        return client.post(url, body, content_type="application/json")

    decided = post({"kind": "support_decision", "content": "承認"})
    assert decided.status_code == 201, decided.content
    assert decided.json()["plan_id"] == plan.pk and len(decided.json()["transition_ids"]) == 2
    goals = [{"goal": g.pk, "result": "achieved"} for g in plan.goals.all()]
    evaluated = post({"kind": "evaluation", "content": "達成",
                      "evaluation": {"result": "achieved", "goals": goals, "decision": "close"}})  # fmt: skip
    assert evaluated.status_code == 201 and evaluated.json()["evaluation_id"]
    assert post({"kind": "closure", "content": "終結", "closure_reason": 2**40}).status_code == 400
    reason = next(r for r in closure_reasons_ensure(personas.town.pk) if not r.needs_lead_agency)
    closed = post({"kind": "closure", "content": "目標を達成して終結", "closure_reason": reason.pk})
    assert closed.status_code == 201, closed.content
    case.refresh_from_db()
    assert (case.state, case.closure_reason) == (CaseState.CLOSED, reason)
    client.force_login(personas.caseworker_b)
    assert post({"kind": "suspension", "content": "中断"}).status_code == 404


def test_the_page_evaluates_goal_by_goal_and_shows_the_plans_refusal(client, personas, planned):
    case, plan, item = planned
    decide(item, "support_decision")
    client.force_login(personas.coordinator)
    page = client.get(reverse("meetings:agenda-item-detail", args=[item.pk])).content.decode()
    goals = list(plan.goals.all())
    assert all(f'name="goal_{g.pk}"' in page for g in goals)
    url = reverse("meetings:decision-add", args=[item.pk])
    body = {"kind": "evaluation", "content": "半年の評価", "evaluation_result": "partly", "evaluation_next": "continue"}
    refused = client.post(url, {**body, f"goal_{goals[0].pk}": "achieved"})
    assert refused.status_code == 400 and "すべての目標について評価" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.SUPPORTING
    done = client.post(url, {**body, **{f"goal_{g.pk}": "partly" for g in goals}})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.evaluation_result) == (CaseState.EVALUATING, EvaluationResult.PARTLY)
