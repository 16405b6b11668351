"""The state rule of a 多機関協働 case, in one place (DESIGN §3): which state may follow which, and on what.

    受付 ─┬─> 支援会議で検討 (no consent yet: share, watch over, outreach) ─┐
          └─────────────────────────────────────────────(同意)────────┴─> アセスメント
      -> プラン作成 -> 支援決定 (by a 重層的支援会議) -> 支援中 -> 評価 ─┬─> 終結 (reason; 主担当機関 accompanies)
                                                                      └─> プラン作成 (再プラン)
      any open state -> 中断 (reason) -> 受付 (再開);  an open state after 受付 -> 支援会議で検討 (consent lost)

``refusal(facts, target)`` is a pure function of the case's state and the facts the service gathered
(consent, assessments, the decision, the evaluation …): ``None`` when the step is allowed, otherwise the
messages a caseworker reads. The services (``tsunagu.collaboration.services``) call it, then move the row
with ``tsunagu.core.transitions.transition`` so that of two simultaneous steps only one happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from tsunagu.collaboration.models import CaseState as S

OPEN_STATES = (S.RECEIVED, S.MEETING_TRACK, S.ASSESSMENT, S.PLANNING, S.DECIDED, S.SUPPORTING, S.EVALUATING)

# Every allowed step: (from, to) → the button's words.
STEPS: dict[tuple[S, S], str] = {
    (S.RECEIVED, S.MEETING_TRACK): "支援会議で検討する（本人同意なし）",
    (S.RECEIVED, S.ASSESSMENT): "アセスメントを始める（本人同意あり）",
    (S.MEETING_TRACK, S.ASSESSMENT): "同意が得られたのでアセスメントを始める",
    (S.ASSESSMENT, S.PLANNING): "プラン作成に進む",
    (S.PLANNING, S.DECIDED): "支援決定を記録する（重層的支援会議）",
    (S.DECIDED, S.SUPPORTING): "支援を始める",
    (S.SUPPORTING, S.EVALUATING): "評価に進む",
    (S.EVALUATING, S.CLOSED): "終結する",
    (S.EVALUATING, S.PLANNING): "再プラン（プランを作り直す）",
    (S.SUSPENDED, S.RECEIVED): "再開する（受付に戻す）",
    **{(state, S.SUSPENDED): "中断する" for state in OPEN_STATES},
    **{(state, S.MEETING_TRACK): "支援会議での検討に戻す（同意の撤回など）" for state in OPEN_STATES[2:]},
}


@dataclass(frozen=True)
class Facts:
    """What a step depends on besides the state, gathered by the service inside its transaction."""

    state: S
    has_consent: bool = False  # an active consent of the person in focus covers the coordinating agency
    assessment_count: int = 0
    decided_on: date | None = None
    decision_reference: str = ""
    evaluated_at: datetime | None = None
    state_since: datetime | None = None
    closure_reason: bool = False
    needs_lead_agency: bool = False
    lead_agency: bool = False
    note: str = ""
    today: date | None = None
    # Why the case's draft plan cannot be decided (``support_plans.services.decision_problems``): 支援決定
    # decides the plan, so a case without a complete draft cannot have one.
    plan_problems: tuple[str, ...] = ()


def targets(state: S) -> list[tuple[S, str]]:
    """The steps open from ``state``, in the order of the flow."""
    order = list(S)
    return sorted(((to, label) for (frm, to), label in STEPS.items() if frm == state), key=lambda s: order.index(s[0]))


def is_replan(state: S, target: S) -> bool:
    return state == S.EVALUATING and target == S.PLANNING


def _label(state: S) -> str:
    return str(S(state).label)


def _not_a_step(state: S, target: S) -> str:
    """Why ``target`` cannot follow ``state`` at all: the rule the caseworker broke, named."""
    if state == target:
        return _("すでに「%(state)s」です。") % {"state": _label(state)}
    if state == S.CLOSED:
        return _(
            "終結したケースの状態は変えられません。主担当機関が引き続き寄り添います。新たな課題は新しいケースとして受け付けてください。"
        )
    if target == S.SUPPORTING:
        return _("支援決定の前に支援を始めることはできません。重層的支援会議で支援決定を記録してください。")
    if target == S.CLOSED:
        return _("評価をしていないケースは終結できません。支援の後「評価」に進み、評価を記録してから終結してください。")
    if target == S.DECIDED:
        return _("支援決定はプラン作成の後、重層的支援会議でプランの適切さを協議して行います。")
    if target == S.EVALUATING:
        return _("評価に進めるのは支援中のケースだけです。")
    if target == S.PLANNING:
        return _("プラン作成はアセスメントの後（または評価の後の再プラン）に行います。")
    if state == S.SUSPENDED:
        return _("中断したケースは、まず「再開する」で受付に戻してください。")
    steps = "、".join(f"「{_label(to)}」" for to, _label_text in targets(state))
    return _("「%(from)s」から「%(to)s」へは進めません。次に進めるのは %(steps)s です。") % {
        "from": _label(state), "to": _label(target), "steps": steps,
    }  # fmt: skip


def refusal(facts: Facts, target: S) -> list[str] | None:
    """None when the case may move from ``facts.state`` to ``target``; otherwise every reason it may not."""
    state = facts.state
    if (state, target) not in STEPS:
        return [_not_a_step(state, target)]
    problems: list[str] = []
    if target == S.ASSESSMENT and not facts.has_consent:
        problems.append(
            _(
                "本人同意の記録（多機関協働の担当機関を含むもの）がないため、アセスメントに進めません。同意が得られるまでは支援会議で検討します。"
            )
        )
    if state == S.ASSESSMENT and target == S.PLANNING and facts.assessment_count == 0:
        problems.append(_("アセスメントを記録してから、プラン作成に進んでください。"))
    if target == S.DECIDED:
        if facts.decided_on is None:
            problems.append(_("支援決定日を入力してください。"))
        elif facts.today is not None and facts.decided_on > facts.today:
            problems.append(_("支援決定日に未来の日付は入力できません。"))
        if not facts.decision_reference.strip():
            problems.append(_("支援決定をした重層的支援会議（会議名・開催日など）を入力してください。"))
        problems.extend(facts.plan_problems)
    if state == S.EVALUATING and target in (S.CLOSED, S.PLANNING):
        evaluated = facts.evaluated_at is not None and (
            facts.state_since is None or facts.evaluated_at >= facts.state_since
        )
        if not evaluated:
            problems.append(_("評価を記録してください。評価のないケースは終結も再プランもできません。"))
    if target == S.CLOSED:
        if not facts.closure_reason:
            problems.append(_("終結理由を一覧から選んでください。"))
        elif facts.needs_lead_agency and not facts.lead_agency:
            problems.append(_("この終結理由では、引き続き寄り添う主担当機関を選んでください。"))
    if target == S.SUSPENDED and not facts.note.strip():
        problems.append(_("中断の理由を記録してください。"))
    return problems or None
