"""The pages of 支援プラン cost the same number of SQL queries however much a plan holds (issue 12, acceptance):
the plan page (a draft with its goals and roles; a decided version with its progress records and
evaluations), a household's plans, an organisation's roles and the evaluation page and form. Each page is
loaded once before counting (first loads fill per-process caches), then counted with one of everything and
again with many."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseState, CollaborationCase
from tsunagu.collaboration.tests.factories import assessment_input, consent_for, move, open_case
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.support_plans import follow_up, services
from tsunagu.support_plans.models import (
    ActorKind,
    GoalTerm,
    PlanEvaluation,
    ProgressStatus,
    SupportPlan,
)
from tsunagu.support_plans.tests.factories import case_plan, evaluate_plan

pytestmark = pytest.mark.django_db

LINKS = "相談支援センターサポートりんくす"
HOUKATSU = "琴浦町地域包括支援センター"


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def planning_case(personas, given_name: str = "トメ") -> CollaborationCase:
    """地域包括's household of mother and son, her consent reaching the coordinator, サポートりんくす and 地域包括;
    a 多機関協働 case with an assessment, in プラン作成."""
    a, coordinator = personas.caseworker_a, personas.coordinator
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name=given_name, family_name_kana="ヤマダ",
                      given_name_kana="トメ", birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name=f"{given_name}の子", family_name_kana="ヤマダ",
                   given_name_kana="イチロウ", birth_date=date(today.year - 52, 6, 1))  # fmt: skip
    home = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent_for(a, mother, org("福祉あんしん課"), org(LINKS), org(HOUKATSU))
    case = open_case(coordinator, mother, home, focus_members=[son], summary="8050の世帯")
    case = move(coordinator, case, CaseState.ASSESSMENT)
    collaboration.assessment_record(user=coordinator, case=case, data=assessment_input(case))
    return move(coordinator, case, CaseState.PLANNING)


@pytest.fixture
def case(personas) -> CollaborationCase:
    return planning_case(personas)


def more_parts(user, plan: SupportPlan, n: int) -> None:
    """n more goals of each term and n more roles for each of サポートりんくす, 地域包括 and the family."""
    for i in range(n):
        for term in (GoalTerm.LONG, GoalTerm.SHORT):
            services.goal_add(user=user, plan=plan, term=term, text=f"追加の目標{term}{i}",
                              target_on=timezone.localdate() + timedelta(days=30 + i))  # fmt: skip
        goal = plan.goals.order_by("-id").first()
        for name in (LINKS, HOUKATSU):
            services.action_add(user=user, plan=plan, data=services.ActionInput(
                content=f"追加の役割{name}{i}", organization=org(name), staff_name="担当者", frequency="週1回",
                goal=goal, ends_on=timezone.localdate() + timedelta(days=60)))  # fmt: skip
        services.action_add(user=user, plan=plan, data=services.ActionInput(
            content=f"家族の役割{i}", actor=ActorKind.FAMILY, goal=goal))  # fmt: skip


def decide(user, case: CollaborationCase) -> CollaborationCase:
    case = collaboration.case_decide(user=user, case=case, decided_on=timezone.localdate() - timedelta(days=1),
                                     reference="第3回重層的支援会議")  # fmt: skip
    return move(user, case, CaseState.SUPPORTING)


# services.approval_problems (shown on a draft to its holder) calls role_problem for each role of another
# organisation, and each call reads that organisation's access grants: one query per role.
def test_the_draft_plan_page_queries_do_not_grow_with_its_goals_and_roles(client, personas, case):
    coordinator = personas.coordinator
    plan = case_plan(coordinator, case, org(LINKS))
    client.force_login(coordinator)
    url = reverse("support_plans:plan-detail", args=[plan.pk])
    client.get(url)
    few = queries(client, url)
    more_parts(coordinator, plan, 4)
    page = client.get(url).content.decode()
    assert page.count("追加の役割") == 8 and page.count("追加の目標") >= 8 and "決定できる状態です。" in page
    assert queries(client, url) == few


@pytest.mark.parametrize("viewer", ["coordinator", "caseworker_b"])
def test_the_decided_plan_page_queries_do_not_grow_with_progress_and_evaluations(client, personas, case, viewer):
    """The coordinator who holds the plan, and サポートりんくす which holds a role in it."""
    coordinator, links = personas.coordinator, personas.caseworker_b
    plan = case_plan(coordinator, case, org(LINKS), org(HOUKATSU))
    more_parts(coordinator, plan, 1)
    case = decide(coordinator, case)
    plan.refresh_from_db()
    role = plan.actions.filter(organization=org(LINKS)).first()

    def progress(i: int) -> None:
        follow_up.progress_record(user=coordinator, plan=plan, action=None, status=ProgressStatus.ON_TRACK,
                                  note=f"訪問した{i}")  # fmt: skip
        follow_up.progress_record(user=links, plan=plan, action=role, status=ProgressStatus.DELAYED,
                                  note=f"見学は延期{i}")  # fmt: skip

    progress(0)
    case = move(coordinator, case, CaseState.EVALUATING)
    evaluate_plan(coordinator, case, "continue")
    client.force_login(getattr(personas, viewer))
    url = reverse("support_plans:plan-detail", args=[plan.pk])
    client.get(url)
    few = queries(client, url)
    for i in range(1, 5):
        progress(i)
        evaluate_plan(coordinator, case, "continue")
    page = client.get(url).content.decode()
    assert page.count("見学は延期") == 5 and plan.evaluations.count() == 5
    assert queries(client, url) == few


def test_the_household_plans_queries_do_not_grow_with_versions_and_roles(client, personas, case):
    """More versions of the case's plan (each 再プラン a new one), each with more roles."""
    coordinator = personas.coordinator
    plan = case_plan(coordinator, case, org(LINKS))
    client.force_login(coordinator)
    url = reverse("support_plans:household-plans", args=[case.household_id])
    client.get(url)
    few = queries(client, url)
    more_parts(coordinator, plan, 2)
    for number in (2, 3):
        case = decide(coordinator, case)
        case = move(coordinator, case, CaseState.EVALUATING)
        evaluate_plan(coordinator, case, "continue")
        case = collaboration.case_replan(user=coordinator, case=case, note="目標を見直す")
        next_version = SupportPlan.objects.get(case=case, number=number)
        more_parts(coordinator, next_version, 1)
    page = client.get(url).content.decode()
    assert SupportPlan.objects.filter(household_id=case.household_id).count() == 3
    assert page.count("第3版") == 1 and page.count("追加の役割") >= 12
    assert queries(client, url) == few


def test_the_role_list_queries_do_not_grow_with_the_plans_and_roles(client, personas, case):
    """サポートりんくす's roles: one plan first, then plans of other households, some decided, followed and
    overdue; the whole list and the overdue one."""
    coordinator, links = personas.coordinator, personas.caseworker_b

    def decided_with_an_overdue_role(case: CollaborationCase, plan: SupportPlan, i: int) -> None:
        services.action_add(user=coordinator, plan=plan, data=services.ActionInput(
            content=f"期限を過ぎた役割{i}", organization=org(LINKS), ends_on=timezone.localdate() - timedelta(days=1)))  # fmt: skip
        decide(coordinator, case)
        plan.refresh_from_db()
        follow_up.progress_record(user=links, plan=plan, action=plan.actions.filter(organization=org(LINKS)).first(),
                                  status=ProgressStatus.DONE, note="終えた")  # fmt: skip

    decided_with_an_overdue_role(case, case_plan(coordinator, case, org(LINKS)), 0)
    client.force_login(links)
    url = reverse("support_plans:action-list")
    overdue = url + "?overdue=1"
    client.get(url)
    few, few_overdue = queries(client, url), queries(client, overdue)
    for i in range(4):
        other = planning_case(personas, given_name=f"花子{i}")
        plan = case_plan(coordinator, other, org(LINKS), org(HOUKATSU))
        more_parts(coordinator, plan, 1)
        if i % 2:
            decided_with_an_overdue_role(other, plan, i)
    page = client.get(url).content.decode()
    assert page.count("追加の役割相談支援センターサポートりんくす") == 4 and page.count("完了") >= 3
    assert client.get(overdue).content.decode().count("期限を過ぎた役割") == 3
    assert queries(client, url) == few
    assert queries(client, overdue) == few_overdue


def evaluated(personas, case: CollaborationCase, extra_goals: int) -> PlanEvaluation:
    coordinator = personas.coordinator
    plan = case_plan(coordinator, case, org(LINKS))
    more_parts(coordinator, plan, extra_goals)
    case = decide(coordinator, case)
    case = move(coordinator, case, CaseState.EVALUATING)
    return evaluate_plan(coordinator, case, "close")


def test_the_evaluation_pages_queries_do_not_grow_with_the_goals(client, personas, case):
    """The evaluation of a plan with two goals and of one with twelve; the evaluation form of each too."""
    few_goals = evaluated(personas, case, 0)
    many_goals = evaluated(personas, planning_case(personas, given_name="花子"), 5)
    assert (few_goals.goals.count(), many_goals.goals.count()) == (2, 12)
    client.force_login(personas.coordinator)
    for name, args in (("support_plans:evaluation-detail", lambda e: [e.pk]),
                       ("support_plans:plan-evaluate", lambda e: [e.plan_id])):  # fmt: skip
        client.get(reverse(name, args=args(few_goals)))
        few = queries(client, reverse(name, args=args(few_goals)))
        page = client.get(reverse(name, args=args(many_goals))).content.decode()
        assert page.count("追加の目標") >= 10, name
        assert queries(client, reverse(name, args=args(many_goals))) == few, name
