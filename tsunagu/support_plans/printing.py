"""支援プラン and its 評価 as PDF, in the layout of the national プラン兼利用申込書 (自立相談支援's プラン兼事業等
利用申込書 for 個別の支援計画): the plan's header and the person, the person's own words, the type's sections,
the goals, the 役割分担 table (what, who, how often, for how long; the person's and family's own parts), the
monitoring dates, the decision, and the person's application line to sign. The evaluation sheet lists each
goal with its result, the overall result and what follows. 和暦 dates throughout; no address is printed, so a
protected (DV) location never reaches paper. The caller fetched the record through the access core and
audited the export.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from tsunagu.collaboration.assessment_forms import FieldDefinition, ShownField, shown
from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.printing.furniture import numbered_canvas, pdf_document, printed_line
from tsunagu.printing.grid import FORM_WIDTH, SECTION, FormRow, form_table, labelled
from tsunagu.printing.text import choices, local, markup, para, staff_name
from tsunagu.support_plans import plan_types
from tsunagu.support_plans.models import ActorKind, GoalTerm, PlanEvaluation, PlanGoal, SupportPlan
from tsunagu.support_plans.selectors import PlanParts


def _date(value: Any) -> str:
    return to_wareki(value) if value else "—"


def _text(value: str) -> Any:
    return markup(escape(value or "—").replace("\n", "<br/>"))


def _field(field: FieldDefinition, answer: ShownField) -> Any:
    note = f"<br/>特記：{escape(answer.note)}" if answer.note else ""
    if field.type in ("checks", "choice"):
        chosen = answer.value if isinstance(answer.value, list) else [answer.value]
        return markup(choices([(o, escape(o)) for o in field.options], chosen) + note, "small")
    return markup(escape(answer.value or "—").replace("\n", "<br/>") + note)


def _header(plan: SupportPlan, kind: plan_types.PlanType) -> list[Any]:
    person = plan.person
    version = f"第{plan.number}版（{plan.get_status_display()}）"
    lead = plan.lead_organization.name if plan.lead_organization else "—"
    written: list[FormRow] = [
        ("作成日", _date(local(plan.occurred_at).date()), "版", version),
        ("作成機関", plan.organization.name, "作成者", staff_name(plan.staff)),
        ("プランの期間", f"{_date(plan.period_start)} 〜 {_date(plan.period_end)}", "主担当機関", lead),
    ]
    identity: list[FormRow] = [
        ("ふりがな", person.full_name_kana if person else "", "生年月日", _date(person.birth_date) if person else "—"),
        ("氏名", para(person.full_name if person else "—", "name")),
    ]
    return [para(kind.form_title, "title"), Spacer(1, 2 * mm), labelled(written, "作成"), Spacer(1, 1.8 * mm),
            labelled(identity, "本人")]  # fmt: skip


def _goal_rows(parts: PlanParts) -> list[Any]:
    rows: list[Any] = []
    for term in GoalTerm:
        goals: list[PlanGoal | None] = [g for g in parts.goals if g.term == term]
        for goal in goals or [None]:
            text = goal.text if goal else "—"
            target = f"（目安 {_date(goal.target_on)}）" if goal and goal.target_on else ""
            rows.append((str(term.label), _text(text + target)))
    return rows


def _actions_table(parts: PlanParts) -> Any:
    widths = [SECTION, 58 * mm, 45 * mm, 30 * mm, FORM_WIDTH - SECTION - 133 * mm]
    head = ["", para("支援の内容", "label"), para("担当（機関・担当者）", "label"), para("頻度", "label"),
            para("期間", "label")]  # fmt: skip
    body: list[list[Any]] = [head]
    for action in parts.actions:
        if action.actor == ActorKind.ORGANIZATION and action.organization:
            who = action.organization.name + (f"<br/>{escape(action.staff_name)}" if action.staff_name else "")
            if action.acknowledged_at:
                who += "<br/>（役割確認済み）"
        else:
            who = escape(str(ActorKind(action.actor).label)) + "の役割"
        if action.flagged_at:
            who += "<br/>※同意の範囲外"
        period = f"{_date(action.starts_on)}〜{_date(action.ends_on)}" if action.starts_on or action.ends_on else "—"
        content = escape(action.content) + (f"<br/>［申込み：{escape(action.get_application_display())}］"
                                            if action.application else "")  # fmt: skip
        body.append(["", markup(content, "small"), markup(who, "small"), para(action.frequency or "—", "small"),
                     para(period, "small")])  # fmt: skip
    if len(body) == 1:
        body.append(["", para("—"), "", "", ""])
    body[0][0] = para("役割分担", "label")
    return form_table(body, widths=widths, label_cells=[(c, 0) for c in range(1, 5)])


def plan_pdf(plan: SupportPlan, parts: PlanParts, *, printed_at: datetime | None = None) -> bytes:
    kind = plan_types.get(plan.plan_type)
    gap = Spacer(1, 1.8 * mm)
    story = _header(plan, kind)
    story += [gap, labelled([("本人の思い", _text(plan.wishes)), ("家族の思い", _text(plan.family_wishes))],
                            "思い")]  # fmt: skip
    for section, answers in ((s, shown(list(s.fields), plan.answers)) for s in kind.sections):
        rows: list[Any] = [(f.label, _field(f, a)) for f, a in zip(section.fields, answers, strict=True)]
        story += [gap, labelled(rows or [("—",)], section.title)]
    story += [gap, labelled(_goal_rows(parts), "目標"), gap, _actions_table(parts)]
    monitoring = "、".join(_date(d) for d in parts.monitoring) or "—"
    decided = (f"{_date(plan.approved_on)}　{plan.decision_reference}" if plan.approved_on
               else f"未決定（{kind.decided_by}で決定）")  # fmt: skip
    story += [gap, labelled([("モニタリング予定日", monitoring), ("決定", decided)], "進行")]
    application = para("上記のプランの内容に同意し、プランに含まれる事業等の利用を申し込みます。", "small")
    story += [gap, labelled([("", application), ("申込日", "令和　　年　　月　　日", "本人署名", "")], "申込")]
    return _build(story, kind.form_title, printed_at)


def evaluation_pdf(evaluation: PlanEvaluation, parts: PlanParts, *, printed_at: datetime | None = None) -> bytes:
    plan = evaluation.plan
    kind = plan_types.get(plan.plan_type)
    title = f"{kind.form_title} 評価シート"
    gap = Spacer(1, 1.8 * mm)
    story = _header(plan, kind)
    story[0] = para(title, "title")
    results = {g.goal_id: g for g in evaluation.goals.all()}
    rows: list[Any] = []
    for goal in parts.goals:
        found = results.get(goal.pk)
        result = found.get_result_display() if found else "—"
        reason = f"<br/>{escape(found.note)}" if found and found.note else ""
        rows.append((str(GoalTerm(goal.term).label), markup(f"{escape(goal.text)}<br/>評価：{result}{reason}")))
    story += [gap, labelled(rows or [("—",)], "目標の評価")]
    story += [gap, labelled([
        ("評価日", _date(local(evaluation.occurred_at).date()), "評価者", staff_name(evaluation.staff)),
        ("総合評価", evaluation.get_result_display(), "今後の方針", evaluation.get_decision_display()),
        ("評価の内容", _text(evaluation.note)),
    ], "評価")]  # fmt: skip
    return _build(story, title, printed_at)


def _build(story: list[Any], title: str, printed_at: datetime | None) -> bytes:
    buffer = io.BytesIO()
    document = pdf_document(buffer, pagesize=A4, title=title, top=14 * mm)
    document.build(story, canvasmaker=numbered_canvas(printed_line(printed_at), total_label=False))
    return buffer.getvalue()
