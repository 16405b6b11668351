"""A 多機関協働 case's plan from the side of everyone who meets it: the coordinator who drafts it with roles for
three organisations, has it decided by the 支援決定, follows it and evaluates it goal by goal until the case
closes and a lead agency carries on; an organisation with a role that confirms it and records its progress;
an organisation the consent does not reach; the stranger of another town. Pages, prints and the audit log."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tsunagu.access.services import consent_withdraw
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import CaseState, EvaluationResult
from tsunagu.collaboration.tests.factories import (
    assessment_input,
    consent_for,
    move,
    open_case,
)
from tsunagu.core.models import Organization
from tsunagu.notifications.models import Event, Notice
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.support_plans import follow_up, services
from tsunagu.support_plans.models import (
    EvaluationDecision,
    GoalTerm,
    PlanAction,
    PlanGoal,
    PlanStatus,
    ProgressStatus,
    SupportPlan,
)
from tsunagu.support_plans.tests.factories import answers_for, complete, plan_input

pytestmark = pytest.mark.django_db


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


@pytest.fixture
def household(personas):
    """地域包括支援センター's 8050 household; the mother consents to sharing with 福祉あんしん課 (the coordinator),
    サポートりんくす and 地域包括 itself — the three organisations the plan gives roles to."""
    a = personas.caseworker_a
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 52, 6, 1))  # fmt: skip
    home = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent = consent_for(a, mother, org("福祉あんしん課"), org("相談支援センターサポートりんくす"),
                          org("琴浦町地域包括支援センター"))  # fmt: skip
    return mother, son, home, consent


@pytest.fixture
def case(personas, household):
    mother, son, home, _ = household
    coordinator = personas.coordinator
    case = open_case(coordinator, mother, home, focus_members=[son], summary="8050の世帯")
    case = move(coordinator, case, CaseState.ASSESSMENT)
    collaboration.assessment_record(user=coordinator, case=case, data=assessment_input(case))
    return move(coordinator, case, CaseState.PLANNING)


THREE = ("福祉あんしん課", "相談支援センターサポートりんくす", "琴浦町地域包括支援センター")


def draft_through_pages(client, personas, case) -> SupportPlan:
    client.force_login(personas.coordinator)
    url = reverse("support_plans:case-plan-create", args=[case.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    body = {"wishes": "息子と二人でこの家で暮らしたい", "period_start": today.isoformat(),
            "period_end": (today + timedelta(days=180)).isoformat(),
            "monitoring_dates": f"{(today + timedelta(days=30)).isoformat()}\n{(today + timedelta(days=90)).isoformat()}",
            "lead_organization": org("琴浦町地域包括支援センター").pk}  # fmt: skip
    for key, item in answers_for("collaboration").items():
        body[f"s-{key}__value"] = item["value"]
    response = client.post(url, body)
    plan = SupportPlan.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("support_plans:plan-detail", args=[plan.pk])
    client.post(reverse("support_plans:plan-goal-add", args=[plan.pk]),
                {"term": "long", "text": "親子が地域の中で安心して暮らし続ける"})  # fmt: skip
    client.post(reverse("support_plans:plan-goal-add", args=[plan.pk]), {
        "term": "short", "text": "息子が週1回、就労継続支援B型の見学に行く",
        "target_on": (today + timedelta(days=60)).isoformat()})  # fmt: skip
    short = PlanGoal.objects.get(plan=plan, term="short")
    for name in THREE:
        client.post(reverse("support_plans:plan-action-add", args=[plan.pk]), {
            "content": f"{name}の役割", "actor": "organization", "organization": org(name).pk, "frequency": "月1回",
            "goal": short.pk, "ends_on": (today + timedelta(days=90)).isoformat()})  # fmt: skip
    client.post(reverse("support_plans:plan-action-add", args=[plan.pk]),
                {"content": "困ったら自分から電話する", "actor": "person"})  # fmt: skip
    return plan


def test_the_8050_household_from_plan_to_closure_with_hand_over(client, personas, case, household):
    _mother, _son, home, _ = household
    plan = draft_through_pages(client, personas, case)
    assert [a.organization.name if a.organization else a.actor for a in plan.actions.order_by("order")] == [
        *THREE,
        "person",
    ]
    page = client.get(reverse("support_plans:plan-detail", args=[plan.pk])).content.decode()
    assert "決定できる状態です。" in page and "重層的支援会議の支援決定で決まります" in page

    # サポートりんくす confirms its role on the draft.
    client.force_login(personas.caseworker_b)
    links = plan.actions.get(organization=org("相談支援センターサポートりんくす"))
    page = client.get(reverse("support_plans:plan-detail", args=[plan.pk])).content.decode()
    assert "この役割を確認する" in page
    client.post(reverse("support_plans:plan-action-acknowledge", args=[plan.pk]), {"item": links.pk})
    links.refresh_from_db()
    assert links.acknowledged_by == personas.caseworker_b

    # 支援決定 decides the draft: it is frozen from then on.
    coordinator = personas.coordinator
    case = collaboration.case_decide(user=coordinator, case=case, decided_on=timezone.localdate() - timedelta(days=1),
                                     reference="第3回重層的支援会議")  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.decision_reference == "第3回重層的支援会議"
    with pytest.raises(services.PlanError, match="変更できません"):
        services.goal_add(user=coordinator, plan=plan, term=GoalTerm.SHORT, text="後から足した目標")
    case = move(coordinator, case, CaseState.SUPPORTING)

    # 地域包括 records progress against its role; the coordinator against the plan.
    houkatsu = plan.actions.get(organization=org("琴浦町地域包括支援センター"))
    client.force_login(personas.caseworker_a)
    client.post(reverse("support_plans:plan-progress-add", args=[plan.pk]),
                {"action": houkatsu.pk, "status": "on_track", "note": "訪問した。母は落ち着いている"})  # fmt: skip
    progress = plan.progress.get()
    assert progress.organization.name == "琴浦町地域包括支援センター" and progress.status == ProgressStatus.ON_TRACK

    # Evaluation goal by goal, then closure with the hand-over.
    case = move(coordinator, case, CaseState.EVALUATING)
    with pytest.raises(collaboration.CollaborationError, match="目標ごとの評価"):
        collaboration.case_evaluate(user=coordinator, case=case, result=EvaluationResult.ACHIEVED, note="まとめて")
    client.force_login(coordinator)
    goals = list(plan.goals.all())
    body = {"result": "partly", "note": "息子は見学に行けた。就労はこれから", "decision": "close",
            **{f"g{g.pk}-result": "achieved" if g.term == "short" else "partly" for g in goals}}  # fmt: skip
    assert client.get(reverse("support_plans:plan-evaluate", args=[plan.pk])).status_code == 200
    response = client.post(reverse("support_plans:plan-evaluate", args=[plan.pk]), body)
    assert response.status_code == 302
    evaluation = plan.evaluations.get()
    assert sorted(evaluation.goals.values_list("result", flat=True)) == ["achieved", "partly"]
    case.refresh_from_db()
    assert case.evaluation_result == EvaluationResult.PARTLY
    reason = next(r for r in closure_reasons_ensure(case.municipality_id) if r.needs_lead_agency)
    case = collaboration.case_close(user=coordinator, case=case, reason=reason,
                                    lead_organization=org("琴浦町地域包括支援センター"))  # fmt: skip
    assert case.state == CaseState.CLOSED

    # Every step on the household's timeline and in the audit log with its basis.
    timeline = client.get(reverse("people:household-timeline", args=[home.pk])).content.decode()
    for url in (reverse("support_plans:plan-detail", args=[plan.pk]),
                reverse("support_plans:progress-detail", args=[progress.pk]),
                reverse("support_plans:evaluation-detail", args=[evaluation.pk])):  # fmt: skip
        assert url in timeline
    plan_writes = AuditEntry.objects.filter(model="support_plans.supportplan", object_id=str(plan.pk))
    assert plan_writes.filter(action=Action.CREATE).count() == 1
    assert plan_writes.filter(action=Action.UPDATE, summary__contains="決定").exists()
    assert set(plan_writes.filter(user=coordinator).values_list("basis", flat=True)) == {"own_record"}
    confirmed = plan_writes.get(summary__startswith="役割分担を確認")
    assert (confirmed.organization_id, confirmed.basis) == (org("相談支援センターサポートりんくす").pk, "consent")
    progress_entry = AuditEntry.objects.get(model="support_plans.planprogress", object_id=str(progress.pk))
    assert progress_entry.organization_id == org("琴浦町地域包括支援センター").pk


def test_a_role_outside_the_consent_is_refused_naming_the_organisation(personas, case):
    plan = services.plan_create(user=personas.coordinator, plan_type="collaboration", person=case.person, case=case,
                                data=plan_input("collaboration"))  # fmt: skip
    kosodate = org("子育て応援課")
    with pytest.raises(services.PlanError, match="子育て応援課は本人同意（または支援会議）の範囲に含まれていない"):
        services.action_add(user=personas.coordinator, plan=plan,
                            data=services.ActionInput(content="見守り", organization=kosodate))  # fmt: skip
    assert not PlanAction.objects.filter(plan=plan).exists()
    version = SupportPlan.objects.get(pk=plan.pk).version
    assert version == plan.version  # nothing moved on


def test_support_cannot_be_decided_without_a_complete_plan(personas, case):
    coordinator = personas.coordinator
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(collaboration.CollaborationError, match="プラン（作成中の版）を作成してください"):
        collaboration.case_decide(user=coordinator, case=case, decided_on=yesterday, reference="第3回")
    plan = services.plan_create(user=coordinator, plan_type="collaboration", person=case.person, case=case,
                                data=plan_input("collaboration", wishes=""))  # fmt: skip
    with pytest.raises(collaboration.CollaborationError) as refused:
        collaboration.case_decide(user=coordinator, case=case, decided_on=yesterday, reference="第3回")
    messages = " ".join(refused.value.messages)
    assert "目標を一つ以上" in messages and "役割分担を一つ以上" in messages and "本人の思い" in messages
    case.refresh_from_db()
    plan.refresh_from_db()
    assert case.state == CaseState.PLANNING and plan.status == PlanStatus.DRAFT  # nothing half-done


def test_a_replan_makes_a_new_version_and_both_stay_readable(client, personas, case):
    coordinator = personas.coordinator
    plan = complete(coordinator, services.plan_create(
        user=coordinator, plan_type="collaboration", person=case.person, case=case, data=plan_input("collaboration"),
    ), org("相談支援センターサポートりんくす"))  # fmt: skip
    case = collaboration.case_decide(user=coordinator, case=case, decided_on=timezone.localdate(), reference="第3回")
    case = move(coordinator, case, CaseState.SUPPORTING)
    case = move(coordinator, case, CaseState.EVALUATING)
    goals = {g.pk: (EvaluationResult.NOT_ACHIEVED, "続ける") for g in plan.goals.all()}
    follow_up.evaluation_record(user=coordinator, plan=plan, data=follow_up.EvaluationInput(
        goals=goals, result=EvaluationResult.NOT_ACHIEVED, note="目標を見直す", decision=EvaluationDecision.CONTINUE))  # fmt: skip
    case = collaboration.case_replan(user=coordinator, case=case, note="目標を見直す")
    second = SupportPlan.objects.get(case=case, number=2)
    assert second.status == PlanStatus.DRAFT and second.series == plan.series
    assert second.goals.count() == plan.goals.count() and second.actions.count() == plan.actions.count()
    assert not second.actions.filter(acknowledged_at__isnull=False).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED  # in force until the new version is decided
    services.goal_add(user=coordinator, plan=second, term=GoalTerm.SHORT, text="新しい短期目標")
    assert plan.goals.count() == 2 and second.goals.count() == 3
    case = move(coordinator, case, CaseState.DECIDED, decided_on=timezone.localdate(), decision_reference="第5回")
    plan.refresh_from_db()
    second.refresh_from_db()
    assert (plan.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)
    client.force_login(coordinator)
    for version in (plan, second):
        page = client.get(reverse("support_plans:plan-detail", args=[version.pk])).content.decode()
        assert f"第{version.number}版" in page and "第1版" in page and "第2版" in page


def test_consent_withdrawn_flags_the_roles_and_tells_the_coordinator(client, personas, case, household):
    mother, _son, _home, consent = household
    coordinator = personas.coordinator
    plan = complete(coordinator, services.plan_create(
        user=coordinator, plan_type="collaboration", person=case.person, case=case, data=plan_input("collaboration"),
    ), org("相談支援センターサポートりんくす"))  # fmt: skip
    client.force_login(personas.caseworker_b)
    assert client.get(reverse("support_plans:plan-detail", args=[plan.pk])).status_code == 200
    # The mother narrows her consent: a new one without サポートりんくす, the old one withdrawn.
    consent_for(personas.caseworker_a, mother, org("福祉あんしん課"), org("琴浦町地域包括支援センター"))
    consent_withdraw(user=personas.caseworker_a, consent=consent, withdrawn_on=timezone.localdate())
    role = plan.actions.get(organization=org("相談支援センターサポートりんくす"))
    assert role.flagged_at is not None and "本人同意の撤回" in role.flag_note
    assert client.get(reverse("support_plans:plan-detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("support_plans:plan-print", args=[plan.pk])).status_code == 404
    assert Notice.objects.filter(user=coordinator, event=Event.PLAN_ROLE_OUT_OF_CONSENT).count() == 1
    client.force_login(coordinator)
    page = client.get(reverse("support_plans:plan-detail", args=[plan.pk])).content.decode()
    assert "同意の範囲外" in page
    with pytest.raises(collaboration.CollaborationError):  # the plan cannot be decided with the role in it
        collaboration.case_decide(user=coordinator, case=case, decided_on=timezone.localdate(), reference="第3回")
    case = move(coordinator, case, CaseState.MEETING_TRACK, note="同意の撤回")
    assert case.state == CaseState.MEETING_TRACK


def test_outsiders_get_404_on_every_page_and_print(client, personas, case):
    coordinator = personas.coordinator
    plan = complete(coordinator, services.plan_create(
        user=coordinator, plan_type="collaboration", person=case.person, case=case, data=plan_input("collaboration"),
    ))  # fmt: skip
    urls = [
        reverse(name, args=[plan.pk])
        for name in (
            "support_plans:plan-detail",
            "support_plans:plan-edit",
            "support_plans:plan-print",
            "support_plans:plan-evaluate",
        )
    ]
    for user in (personas.stranger, personas.auditor, personas.administrator):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(reverse("support_plans:plan-goal-add", args=[plan.pk]),
                           {"term": "long", "text": "x"}).status_code == 404  # fmt: skip
    assert plan.goals.count() == 2


def test_the_print_has_the_name_wareki_dates_goals_and_roles(client, personas, case):
    coordinator = personas.coordinator
    plan = complete(coordinator, services.plan_create(
        user=coordinator, plan_type="collaboration", person=case.person, case=case, data=plan_input("collaboration"),
    ), org("相談支援センターサポートりんくす"))  # fmt: skip
    client.force_login(coordinator)
    response = client.get(reverse("support_plans:plan-print", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    from io import BytesIO

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "山田トメ" in compact and "令和" in compact
    assert "週に一度、外に出る機会をもつ" in compact and "相談支援センターサポートりんくす" in compact
    assert AuditEntry.objects.filter(action=Action.EXPORT, model="support_plans.supportplan",
                                     object_id=str(plan.pk)).count() == 1  # fmt: skip


def test_a_programme_plan_is_decided_by_its_own_organisation(personas, household):
    mother, _son, home, _ = household
    a = personas.caseworker_a  # 地域包括 does not run 生活困窮者自立相談支援事業
    with pytest.raises(services.PlanError, match="を実施する機関の職員です"):
        services.plan_create(user=a, plan_type="self-reliance", person=mother, household=home,
                             data=plan_input("self-reliance"))  # fmt: skip


def test_an_emergency_grant_gives_no_role_and_no_place_in_the_case(personas, case):
    """An emergency opens the person's records to 子育て応援課 for hours; it does not let the plan enlist it."""
    from tsunagu.access.services import emergency_access_request
    from tsunagu.core.models import Role
    from tsunagu.core.services import user_create

    kosodate = org("子育て応援課")
    worker = user_create(municipality=personas.town, username="kosodate_cw", password="correct-horse-battery",
                         display_name="子育て応援課職員", memberships=[(kosodate, Role.CASEWORKER)])  # fmt: skip
    emergency_access_request(user=worker, person=case.person, reason="本人と連絡が取れず、室内で倒れている恐れがある",
                             hours=2)  # fmt: skip
    plan = services.plan_create(user=personas.coordinator, plan_type="collaboration", person=case.person, case=case,
                                data=plan_input("collaboration"))  # fmt: skip
    with pytest.raises(services.PlanError, match="子育て応援課は本人同意（または支援会議）の範囲に含まれていない"):
        services.action_add(user=personas.coordinator, plan=plan,
                            data=services.ActionInput(content="見守り", organization=kosodate))  # fmt: skip
    with pytest.raises(collaboration.CollaborationError, match="子育て応援課は本人同意（または支援会議）の範囲"):
        collaboration.case_participant_add(user=personas.coordinator, case=case,
                                           data=collaboration.ParticipantInput(organization=kosodate))  # fmt: skip
    assert not PlanAction.objects.filter(plan=plan).exists()
    assert not case.participants.filter(organization=kosodate).exists()
