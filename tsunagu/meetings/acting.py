"""Decisions that act (issue 13 item 4): what a decision does to the 多機関協働 case and its 支援プラン, through
the services of those apps and nothing else — their rules hold for a meeting as for the case's own page.

- 支援決定: ``collaboration.case_decide`` (the plan's draft is decided with it), then 支援中.
- 評価: 支援中 → 評価 (``case_transition``); then ``support_plans.follow_up.evaluation_record`` goal by goal
  when the case has a decided plan, else ``collaboration.case_evaluate``.
- 終結: ``collaboration.case_close`` with a reason from the list (and the 主担当機関 it needs).
- 中断: ``collaboration.case_suspend`` with the decision as its reason.

Which kinds a meeting may take is its type's configuration (``MeetingType.decisions``), checked by the
caller; what a kind does is here, whatever the meeting is called. Each step's note names the meeting (its
name and date): the lower apps keep the meeting only as text, and ``Decision`` points down at what it did.
A refusal of a lower service (its Japanese messages) is raised as ``MeetingError``; the caller's
transaction then writes nothing — neither the decision nor any step before the refused one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.services import AccessError
from tsunagu.collaboration import selectors as collaboration_selectors
from tsunagu.collaboration import services as collaboration
from tsunagu.collaboration.models import CaseState, CaseTransition, ClosureReason, CollaborationCase, EvaluationResult
from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import Organization, User
from tsunagu.meetings.errors import MeetingError
from tsunagu.plans.models import DecisionKind
from tsunagu.support_plans import follow_up
from tsunagu.support_plans import selectors as plan_selectors
from tsunagu.support_plans.models import EvaluationDecision, PlanStatus, SupportPlan
from tsunagu.support_plans.services import PlanError

# The kinds that act on the item's 多機関協働 case (the item must have one).
ON_CASE = frozenset({DecisionKind.SUPPORT_DECISION, DecisionKind.EVALUATION, DecisionKind.CLOSURE,
                     DecisionKind.SUSPENSION})  # fmt: skip


@dataclass
class EvaluationInput:
    """評価 by the meeting: the overall result, each goal's result (goal id → (result, reason)) for a case with
    a decided plan, and what follows (終結 / 継続 / 中断, the plan's 今後の方針)."""

    result: EvaluationResult
    goals: dict[int, tuple[EvaluationResult, str]] = field(default_factory=dict)
    next_step: EvaluationDecision = EvaluationDecision.CONTINUE


@dataclass
class ClosureInput:
    reason: ClosureReason | None
    lead_organization: Organization | None = None


@dataclass
class Acted:
    """What a decision did, for ``Decision``'s references."""

    transitions: list[CaseTransition] = field(default_factory=list)
    plan: SupportPlan | None = None
    evaluation: Any = None


@contextmanager
def _as_meeting_refusal() -> Iterator[None]:
    try:
        yield
    except (collaboration.CollaborationError, PlanError, AccessError) as error:
        raise MeetingError(error.messages) from error


def reference(meeting: Any) -> str:
    """The meeting as the lower apps record it: its name and the date it was held."""
    return f"{meeting.meeting_type.name}（{date_label(timezone.localdate(meeting.held_at))}）"


def _case(user: User, item: Any) -> CollaborationCase:
    try:
        return collaboration_selectors.case_check_for_user(user=user, pk=item.case_id)
    except Http404 as error:
        raise MeetingError(_("この検討事項の多機関協働ケースを変更する権限がありません。")) from error


def _last_transitions(case: CollaborationCase, since: int) -> list[CaseTransition]:
    return list(CaseTransition.objects.filter(case=case, pk__gt=since).order_by("id"))


def _approved_plan(case: CollaborationCase) -> SupportPlan | None:
    return SupportPlan.objects.filter(case=case, status=PlanStatus.APPROVED).order_by("-number").first()


def act(
    *, user: User, item: Any, kind: str, content: str, evaluation: EvaluationInput | None = None,
    closure: ClosureInput | None = None, request: HttpRequest | None = None,
) -> Acted:  # fmt: skip
    """Carry out a decision of ``kind`` on the item's case; nothing for a kind that does not act on a case.
    Called inside ``services.decision_record``'s transaction, after its own checks."""
    if kind not in ON_CASE:
        return Acted()
    meeting = item.meeting
    ref = reference(meeting)
    note = f"{ref}の決定: {content}"
    case = _case(user, item)
    before = CaseTransition.objects.filter(case=case).order_by("-id").values_list("id", flat=True).first() or 0
    acted = Acted()
    with _as_meeting_refusal():
        if kind == DecisionKind.SUPPORT_DECISION:
            case = collaboration.case_decide(
                user=user, case=case, decided_on=timezone.localdate(meeting.held_at), reference=ref, note=note,
                request=request,
            )  # fmt: skip
            # The meeting decided the support: it begins (支援中) with the decision, as the issue asks.
            begins = _("%(ref)sの支援決定により支援を開始") % {"ref": ref}
            collaboration.case_transition(
                user=user, case=case, data=collaboration.TransitionInput(CaseState.SUPPORTING, note=begins),
                request=request,
            )  # fmt: skip
            acted.plan = _approved_plan(case)
        elif kind == DecisionKind.EVALUATION:
            acted = _evaluate(user, case, evaluation, note, content, request)
        elif kind == DecisionKind.CLOSURE:
            if closure is None or closure.reason is None:
                raise MeetingError(_("終結理由を一覧から選んでください。"))
            collaboration.case_close(
                user=user, case=case, reason=closure.reason, lead_organization=closure.lead_organization, note=note,
                request=request,
            )  # fmt: skip
        else:
            collaboration.case_suspend(user=user, case=case, note=note, request=request)
    acted.transitions = _last_transitions(case, before)
    return acted


def _evaluate(user: User, case: CollaborationCase, data: EvaluationInput | None, note: str, content: str,
              request: HttpRequest | None) -> Acted:  # fmt: skip
    if data is None:
        raise MeetingError(_("評価の結果を選んでください。"))
    if case.state == CaseState.SUPPORTING:
        case = collaboration.case_transition(
            user=user, case=case, data=collaboration.TransitionInput(CaseState.EVALUATING, note=note), request=request
        )
    plan = _approved_plan(case)
    if plan is None:
        case = collaboration.case_evaluate(user=user, case=case, result=data.result, note=content, request=request)
        return Acted()
    evaluation = follow_up.evaluation_record(
        user=user, plan=plan, request=request,
        data=follow_up.EvaluationInput(goals=data.goals, result=data.result, note=content, decision=data.next_step),
    )  # fmt: skip
    return Acted(plan=plan, evaluation=evaluation)


def goals_to_evaluate(*, user: User, item: Any) -> list[Any]:
    """The goals of the decided plan of the item's case, when the user may read that plan (the 評価 form asks
    a result for each); none otherwise. The item's own read is audited by its page."""
    if item.case_id is None:
        return []
    plan = SupportPlan.objects.filter(case_id=item.case_id, status=PlanStatus.APPROVED).order_by("-number").first()
    if plan is None:
        return []
    try:
        plan = plan_selectors.plan_check_for_user(user=user, pk=plan.pk)
    except Http404:
        return []
    return list(plan.goals.order_by("term", "order", "id"))
