"""A 支援会議 recorded through the pages in a real browser (issue 13, acceptance): the coordinator holds it,
adds サポートりんくす's caseworker, acknowledges secrecy, puts a person without consent on the agenda, writes
the minutes and a decision with a task; the member, in a browser of her own, sees nothing of the agenda
until she acknowledges, then the item and her task. axe-core checks every page visited."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.conftest import axe_check, screenshot
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.meetings.models import Decision, Meeting
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import DecisionKind
from tsunagu.plans.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINKS = "相談支援センターサポートりんくす"


def label(text: str) -> re.Pattern[str]:
    """A field's label, with or without the required-field mark (＊)."""
    return re.compile(rf"^{re.escape(text)}＊?$")


def test_a_support_meeting_with_an_agenda_an_acknowledgement_and_a_decision(new_tab, personas):
    today = timezone.localdate()
    person = register(personas.coordinator, family_name="山田", given_name="一郎", family_name_kana="ヤマダ",
                      given_name_kana="イチロウ")  # fmt: skip
    checked = 0
    page = new_tab()
    sign_in(page, "coord")
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + reverse("meetings:meeting-list"))
    checked += axe_check(page, "meeting list")
    page.get_by_role("link", name="会議を登録する").click()
    page.get_by_label(label("会議の種別")).select_option(label="琴浦町重層的支援体制整備事業支援会議")
    page.get_by_label(label("開催日")).fill(to_wareki(today))
    page.get_by_label(label("開始時刻")).fill("14:00")
    page.get_by_label(label("場所")).fill("琴浦町役場 第1会議室")
    checked += axe_check(page, "meeting form")
    page.get_by_role("button", name="登録する").click()
    page.locator("#members").wait_for()
    meeting = Meeting.objects.get()
    assert page.url == page.base_url + reverse("meetings:meeting-detail", args=[meeting.pk])
    assert "守秘義務の確認が記録されるまで" in page.locator("#agenda-title").locator("..").inner_text()

    page.get_by_label(label("構成員（職員・機関）")).select_option(label=f"cw_b（{LINKS}）")
    page.get_by_role("button", name="構成員を追加する").click()
    page.locator("#members").get_by_text(LINKS).wait_for()
    page.get_by_role("button", name="守秘義務を確認しました").click()
    page.locator("#agenda-form").wait_for()
    page.get_by_label(label("本人（記録番号）")).fill(str(person.pk))
    page.locator("#agenda-form").get_by_label(label("検討事項")).fill("長期のひきこもり。本人の同意はまだない")
    page.get_by_role("button", name="検討事項を追加する").click()
    page.locator("#agenda").get_by_role("link", name=re.compile("山田")).wait_for()
    checked += axe_check(page, "meeting page")

    page.locator("#agenda").get_by_role("link", name=re.compile("山田")).click()
    page.get_by_role("textbox", name=label("議事録")).fill("母の介護と長男の孤立について各機関の情報を共有した。")
    page.get_by_role("button", name="議事録を記録する").click()
    page.locator("#minutes").get_by_text("各機関の情報を共有した").wait_for()
    form = page.locator("#decision-form")
    form.get_by_label(label("決定事項")).select_option(label="アウトリーチの割当")
    form.get_by_label(label("決定内容")).fill("福祉あんしん課が月2回訪問する")
    form.get_by_label(label("担当機関（アウトリーチ・見守り）")).select_option(label="福祉あんしん課")
    form.get_by_label(label("フォローアップのタスク")).fill("学校時代の担任に話を聞く")
    form.get_by_label(label("タスクの担当者")).select_option(label=f"cw_b（{LINKS}）")
    form.get_by_label(label("タスクの期限")).fill(to_wareki(today))
    form.get_by_role("button", name="決定を記録する").click()
    page.locator("#decisions").get_by_text("福祉あんしん課が月2回訪問する").wait_for()
    decision = Decision.objects.get()
    assert decision.kind == DecisionKind.OUTREACH and decision.tasks.get().owner == personas.caseworker_b
    checked += axe_check(page, "agenda item")
    screenshot(page, "meeting-agenda-item")

    page.goto(page.base_url + reverse("meetings:calendar"))
    page.locator(f'#calendar [data-meeting="{meeting.pk}"]').wait_for()
    checked += axe_check(page, "meeting calendar")

    # The member: the meeting, but not its agenda, until she acknowledges; then the item and her task.
    member = new_tab()
    sign_in(member, "cw_b")
    member.wait_for_url(member.base_url + "/")
    member.goto(member.base_url + reverse("meetings:meeting-detail", args=[meeting.pk]))
    assert "山田" not in member.locator("main").inner_text()
    checked += axe_check(member, "meeting page before acknowledgement")
    member.get_by_role("button", name="守秘義務を確認しました").click()
    member.locator("#agenda").get_by_role("link", name=re.compile("山田")).wait_for()
    member.goto(member.base_url + reverse("meetings:my-tasks"))
    member.locator("#open-tasks").get_by_text("学校時代の担任に話を聞く").wait_for()
    checked += axe_check(member, "my tasks")
    assert meeting.acknowledgements.count() == 2 and checked > 0
