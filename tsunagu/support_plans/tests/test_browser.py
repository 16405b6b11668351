"""The coordinator drafts a 多機関協働 case's support plan through the pages in a real browser (issue 12,
acceptance): 本人の思い, the sections the national form needs, the period and monitoring dates, a long- and a
short-term goal, a role for サポートりんくす and one for the person, until the page says the draft can be
decided. axe-core checks the plan page."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseState
from tsunagu.collaboration.tests.factories import assessment_input, consent_for, move, open_case
from tsunagu.conftest import axe_check, screenshot
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.tests.test_browser import sign_in
from tsunagu.support_plans.models import PlanStatus, SupportPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINKS = "相談支援センターサポートりんくす"


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def label(text: str) -> re.Pattern[str]:
    """A field's label, with or without the required-field mark (＊)."""
    return re.compile(rf"^{re.escape(text)}＊?$")


def test_the_coordinator_drafts_a_plan_until_it_can_be_decided(page, personas):
    a, coordinator = personas.caseworker_a, personas.coordinator
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 52, 6, 1))  # fmt: skip
    home = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent_for(a, mother, org("福祉あんしん課"), org(LINKS))
    case = open_case(coordinator, mother, home, focus_members=[son], summary="8050の世帯")
    case = move(coordinator, case, CaseState.ASSESSMENT)
    collaboration.assessment_record(user=coordinator, case=case, data=assessment_input(case))
    case = move(coordinator, case, CaseState.PLANNING)

    sign_in(page, "coord")
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("support_plans:case-plan-create", args=[case.pk]))
    page.get_by_role("heading", name=re.compile("山田")).wait_for()
    page.get_by_label(label("本人の思い（本人の言葉で）")).fill("息子と二人でこの家で暮らしたい")
    page.get_by_label(label("世帯全体の課題の整理")).fill("母の介護と、ひきこもりの息子の孤立")
    page.get_by_label(label("支援の方向性")).fill("母の介護を整え、息子の外出の機会をつくる")
    page.get_by_label(label("プランの期間（開始）")).fill(today.isoformat())
    page.get_by_label(label("プランの期間（終了）")).fill((today + timedelta(days=180)).isoformat())
    monitoring = [today + timedelta(days=30), today + timedelta(days=90)]
    page.get_by_label(label("モニタリング予定日（1行に1日）")).fill("\n".join(d.isoformat() for d in monitoring))
    page.get_by_role("button", name="保存する").click()
    page.locator("#goals").wait_for()
    plan = SupportPlan.objects.get(case=case)
    assert page.url == page.base_url + reverse("support_plans:plan-detail", args=[plan.pk])
    assert "目標を一つ以上入れてください。" in page.locator("#problems").inner_text()

    goals = page.locator("#goal-form")
    goals.get_by_label(label("目標の種類")).select_option(label="長期目標")
    goals.get_by_label(label("目標")).fill("親子が地域の中で安心して暮らし続ける")
    goals.get_by_role("button", name="目標を加える").click()
    page.locator("#goals").get_by_text("親子が地域の中で安心して暮らし続ける").wait_for()
    goals = page.locator("#goal-form")
    goals.get_by_label(label("目標の種類")).select_option(label="短期目標")
    goals.get_by_label(label("目標")).fill("息子が週1回、外に出る")
    goals.get_by_label(label("達成の目安")).fill((today + timedelta(days=60)).isoformat())
    goals.get_by_role("button", name="目標を加える").click()
    page.locator("#goals").get_by_text("息子が週1回、外に出る").wait_for()

    roles = page.locator("#action-form")
    roles.get_by_label(label("支援の内容")).fill("息子への訪問と、就労継続支援B型の見学の同行")
    roles.get_by_label(label("担う人")).select_option(label="支援機関")
    roles.get_by_label(label("担当機関")).select_option(label=LINKS)
    roles.get_by_label(label("頻度")).fill("月2回")
    roles.get_by_label(label("目標")).select_option(label="息子が週1回、外に出る")
    roles.get_by_role("button", name="役割分担を加える").click()
    page.locator("#actions").get_by_text("就労継続支援B型の見学の同行").wait_for()
    roles = page.locator("#action-form")
    roles.get_by_label(label("支援の内容")).fill("困ったときに自分から電話する")
    roles.get_by_label(label("担う人")).select_option(label="本人")
    roles.get_by_role("button", name="役割分担を加える").click()
    page.locator("#actions").get_by_text("困ったときに自分から電話する").wait_for()

    assert page.locator("#ready").inner_text() == "決定できる状態です。"
    assert page.locator("#problems").count() == 0
    actions = page.locator("#actions").inner_text()
    assert LINKS in actions and "本人" in actions
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.goals.count() == 2 and plan.actions.count() == 2
    assert list(plan.monitoring_dates.values_list("due_on", flat=True).order_by("due_on")) == monitoring
    facts = page.locator("#plan-facts").locator("..").inner_text()
    assert "息子と二人でこの家で暮らしたい" in facts and "福祉あんしん課: 自機関の記録" in facts
    screenshot(page, "support-plan-draft")
    axe_check(page, "support plan draft")
