"""Writing 支援プラン: drafting a version, its goals and 役割分担, acknowledging a role, deciding (approving) a
version, and the next version of a re-plan. Monitoring and evaluation are ``tsunagu.support_plans.follow_up``.

Each function is keyword-only and atomic, checks before it writes and writes its audit entry; a refusal is
``PlanError`` with messages a caseworker understands, and leaves nothing behind. Only a draft changes; a
decided version is frozen. A role is given only to an organisation the person's consent (or a 支援会議)
reaches — it is the organisation that will read the plan — and the error names the one outside. The caller
fetched the plan, case or person through the selectors (404 outside access).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access.models import Basis, Consent
from tsunagu.access.policy import casework_memberships, decide, grounds_of, organizations_sharing_on
from tsunagu.audit.models import Action
from tsunagu.audit.selectors import edit_conflict
from tsunagu.audit.services import audit_record
from tsunagu.collaboration.assessment_forms import clean_answers
from tsunagu.collaboration.models import CaseState, CollaborationCase
from tsunagu.consultations.destinations import program_organizations
from tsunagu.core.models import Organization, User
from tsunagu.core.transitions import locked
from tsunagu.core.versioning import bump_version, save_if_version
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.plans.models import Program
from tsunagu.plans.selectors import plan_current_for_municipality
from tsunagu.support_plans import plan_types
from tsunagu.support_plans.models import (
    ActorKind,
    Application,
    GoalTerm,
    MonitoringDate,
    PlanAction,
    PlanGoal,
    PlanStatus,
    SupportPlan,
)

TEXT_LIMIT = 4000
# A case's plan is drafted from アセスメント (the assessment shows what to plan) until 支援決定.
CASE_DRAFTING_STATES = (CaseState.ASSESSMENT, CaseState.PLANNING)


class PlanError(ValidationError):
    """A refused step on a support plan; the messages are shown as they are."""


def basis_source(plan: SupportPlan) -> str:
    return f"support_plan:{plan.pk}"


def audit(
    user: User, plan: SupportPlan, obj: Any, action: Action, summary: str, changes: dict[str, list[Any]],
    request: HttpRequest | None, organization: Organization | None = None,
) -> None:  # fmt: skip
    audit_record(
        user=user, organization=organization or plan.organization, action=action, obj=obj, person_id=plan.person_id,
        summary=summary, changes=changes, basis=Basis.OWN_RECORD, basis_source=basis_source(plan), request=request,
    )  # fmt: skip


def _program(municipality_id: int, code: str) -> Program | None:
    plan = plan_current_for_municipality(municipality=Organization(municipality_id=municipality_id).municipality)
    return Program.objects.filter(plan=plan, code=code).first() if plan else None


def writer_organization(user: User, plan_type: plan_types.PlanType, case: CollaborationCase | None) -> Organization:
    """The organisation a user writes a plan of this type for: the case's coordinating organisation for a
    case's plan, else one of the user's organisations that runs the type's programme."""
    memberships = casework_memberships(user)
    if plan_type.needs_case:
        if case is None:
            raise PlanError(f"{plan_type.name}は多機関協働ケースから作成します。")
        found = next((m.organization for m in memberships if m.organization_id == case.organization_id), None)
        if found is None:
            raise PlanError(f"ケースを受け持つ機関（{case.organization.name}）の職員だけがプランを作成・変更できます。")
        return found
    if not memberships:
        raise PlanError("支援プランを作成できるのは、相談支援の職員です。")
    program = _program(memberships[0].organization.municipality_id, plan_type.program)
    runs = set(program_organizations(program).values_list("pk", flat=True)) if program else set()
    found = next((m.organization for m in memberships if m.organization_id in runs), None)
    if found is None:
        name = program.name if program else plan_type.program
        raise PlanError(f"{plan_type.name}を作成できるのは、{name}を実施する機関の職員です。")
    return found


def _holder_staff(user: User, plan: SupportPlan) -> None:
    if not any(m.organization_id == plan.organization_id for m in casework_memberships(user)):
        raise PlanError(f"プランを作成した機関（{plan.organization.name}）の職員だけがプランを変更できます。")


def _draft(current: SupportPlan) -> None:
    if current.status != PlanStatus.DRAFT:
        raise PlanError(
            f"第{current.number}版は「{current.get_status_display()}」のため変更できません。"
            "変更するには再プランで新しい版を作成してください。"
        )


@dataclass
class PlanInput:
    wishes: str = ""
    family_wishes: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    lead_organization: Organization | None = None
    period_start: date | None = None
    period_end: date | None = None
    monitoring_dates: list[date] = field(default_factory=list)
    consent: Consent | None = None


def _draft_answers(plan_type: plan_types.PlanType, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A draft keeps what was written; what the national form requires is checked when it is decided."""
    fields = [replace(f, required=False) for f in plan_type.fields]
    return clean_answers(fields, raw)


def _plan_input_errors(person: Person, holder: Organization, data: PlanInput) -> list[str]:
    errors: list[str] = []
    if data.period_start and data.period_end and data.period_end < data.period_start:
        errors.append("プランの期間の終了日が開始日より前になっています。")
    if data.period_start and any(d < data.period_start for d in data.monitoring_dates):
        errors.append("モニタリング予定日はプランの期間の開始日以降にしてください。")
    if len(set(data.monitoring_dates)) != len(data.monitoring_dates):
        errors.append("同じモニタリング予定日が二度入力されています。")
    lead = data.lead_organization
    if lead is not None:
        if lead.municipality_id != holder.municipality_id:
            errors.append("主担当機関はこの自治体の機関から選んでください。")
        elif lead.pk != holder.pk and lead.pk not in organizations_sharing_on(person.pk, [lead.pk]):
            errors.append(f"{lead.name}は本人同意の範囲に含まれていないため、主担当機関にできません。")
    consent = data.consent
    if consent is not None and (consent.person_id != person.pk or consent.withdrawn_on is not None):
        errors.append("プランの共有に関する同意は、この方の撤回されていない同意から選んでください。")
    for name in ("wishes", "family_wishes"):
        if len(getattr(data, name)) > TEXT_LIMIT:
            errors.append(f"{TEXT_LIMIT}文字以内で入力してください。")
    return errors


def _set_monitoring(plan: SupportPlan, dates: list[date]) -> None:
    MonitoringDate.objects.filter(plan=plan).exclude(due_on__in=dates).delete()
    kept = set(MonitoringDate.objects.filter(plan=plan).values_list("due_on", flat=True))
    MonitoringDate.objects.bulk_create(MonitoringDate(plan=plan, due_on=d) for d in sorted(set(dates) - kept))


def _plan_values(data: PlanInput, answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "wishes": data.wishes.strip(), "family_wishes": data.family_wishes.strip(), "answers": answers,
        "lead_organization": data.lead_organization, "period_start": data.period_start,
        "period_end": data.period_end, "consent": data.consent,
    }  # fmt: skip


@transaction.atomic
def plan_create(
    *, user: User, plan_type: str, person: Person, household: Household | None = None,
    case: CollaborationCase | None = None, data: PlanInput, request: HttpRequest | None = None,
) -> SupportPlan:  # fmt: skip
    """The first version (a draft) of a plan for a person — a case's plan is for the case's person in focus
    and its household. A case has one plan series; its re-plans are versions (``plan_next_version``)."""
    kind = plan_types.get(plan_type)
    holder = writer_organization(user, kind, case)
    errors: list[str] = []
    if case is not None:
        if not kind.needs_case:
            errors.append(f"{kind.name}は多機関協働ケースのプランではありません。")
        current = locked(case)
        if current.state not in CASE_DRAFTING_STATES:
            errors.append(
                f"プランは「アセスメント」または「プラン作成」のケースで作成します（現在「{current.get_state_display()}」）。"
            )
        if SupportPlan.objects.filter(case=case).exists():
            errors.append("このケースにはすでにプランがあります。作り直すときは再プランで新しい版を作成します。")
        person, household = case.person, case.household
    if household is not None and not HouseholdMember.objects.filter(household=household, person=person).exists():
        errors.append("本人がこの世帯の世帯員ではありません。")
    answers, problems = _draft_answers(kind, data.answers)
    errors += problems + _plan_input_errors(person, holder, data)
    if errors:
        raise PlanError(errors)
    plan = SupportPlan.objects.create(
        municipality_id=holder.municipality_id, organization=holder, person=person, household=household,
        occurred_at=timezone.now(), staff=user, plan_type=kind.code, case=case, **_plan_values(data, answers),
    )  # fmt: skip
    _set_monitoring(plan, data.monitoring_dates)
    audit(user, plan, plan, Action.CREATE, f"支援プランを作成（{kind.name} 第1版）",
          {"plan_type": [None, kind.code], "fields": [None, sorted(answers)]}, request)  # fmt: skip
    return plan


PLAN_FORM_FIELDS = ("wishes", "family_wishes", "answers", "lead_organization", "period_start", "period_end", "consent")


@transaction.atomic
def plan_update(
    *, user: User, plan: SupportPlan, data: PlanInput, version: int, request: HttpRequest | None = None
) -> SupportPlan:
    """Change a draft; of two people editing it, the second gets ``EditConflict`` naming the first's change."""
    _holder_staff(user, plan)
    current = locked(plan)
    _draft(current)
    kind = plan_types.get(current.plan_type)
    answers, problems = _draft_answers(kind, data.answers)
    assert current.person is not None  # every plan is for a person (plan_create)
    errors = problems + _plan_input_errors(current.person, current.organization, data)
    if errors:
        raise PlanError(errors)
    values = _plan_values(data, answers)
    before = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    if not save_if_version(current, expected_version=version, fields=list(values)):
        raise edit_conflict(record=current, since_version=version, fields=PLAN_FORM_FIELDS)
    _set_monitoring(current, data.monitoring_dates)
    changes = {
        n: [getattr(before[n], "pk", before[n]), getattr(v, "pk", v)] for n, v in values.items() if before[n] != v
    }
    audit(user, current, current, Action.UPDATE, "支援プラン（作成中）を変更", changes, request)
    return current


def _changed(user: User, plan: SupportPlan, summary: str, changes: dict[str, list[Any]],
             request: HttpRequest | None) -> None:  # fmt: skip
    """A goal or role of a draft changed: the plan's version moves on (an open edit form sees it)."""
    bump_version(plan)
    audit(user, plan, plan, Action.UPDATE, summary, changes, request)


@transaction.atomic
def goal_add(
    *, user: User, plan: SupportPlan, term: GoalTerm, text: str, target_on: date | None = None,
    request: HttpRequest | None = None,
) -> PlanGoal:  # fmt: skip
    _holder_staff(user, plan)
    current = locked(plan)
    _draft(current)
    text = text.strip()
    errors = []
    if not text:
        errors.append("目標を入力してください。")
    if len(text) > TEXT_LIMIT:
        errors.append(f"目標は{TEXT_LIMIT}文字以内で入力してください。")
    if target_on and current.period_start and target_on < current.period_start:
        errors.append("達成の目安はプランの期間の開始日以降にしてください。")
    if errors:
        raise PlanError(errors)
    order = PlanGoal.objects.filter(plan=current, term=term).count()
    goal = PlanGoal.objects.create(plan=current, term=term, text=text, target_on=target_on, order=order)
    _changed(user, current, f"目標を追加（{GoalTerm(term).label}）", {"goals": [None, goal.pk]}, request)
    return goal


@transaction.atomic
def goal_remove(*, user: User, goal: PlanGoal, request: HttpRequest | None = None) -> None:
    plan = goal.plan
    _holder_staff(user, plan)
    current = locked(plan)
    _draft(current)
    goal_id = goal.pk
    goal.delete()
    _changed(user, current, "目標を削除", {"goals": [goal_id, None]}, request)


@dataclass
class ActionInput:
    content: str
    actor: ActorKind = ActorKind.ORGANIZATION
    organization: Organization | None = None
    staff_name: str = ""
    frequency: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    goal: PlanGoal | None = None
    application: str = Application.NONE


def role_problem(plan: SupportPlan, organization: Organization, sharing: set[int] | None = None) -> str | None:
    """Why this organisation cannot hold a role in this plan, or None: it must be the plan's own organisation
    or one the person's consent (or a 支援会議) reaches — the organisation that will read the plan.
    ``sharing``: the organisations already known to reach the person (one query for many roles)."""
    if organization.municipality_id != plan.municipality_id:
        return f"{organization.name}はこの自治体の機関ではありません。"
    if organization.pk == plan.organization_id:
        return None
    if sharing is None and plan.person_id is not None:
        sharing = organizations_sharing_on(plan.person_id, [organization.pk])
    if plan.person_id is None or organization.pk not in (sharing or set()):
        return (
            f"{organization.name}は本人同意（または支援会議）の範囲に含まれていないため、役割を担う機関にできません。"
            "同意の範囲に加えてから登録してください。"
        )
    return None


def _action_errors(plan: SupportPlan, data: ActionInput) -> list[str]:
    errors: list[str] = []
    if not data.content.strip():
        errors.append("支援の内容を入力してください。")
    if data.actor == ActorKind.ORGANIZATION:
        if data.organization is None:
            errors.append("役割を担う機関を選んでください。")
        elif (problem := role_problem(plan, data.organization)) is not None:
            errors.append(problem)
    elif data.organization is not None:
        errors.append("本人・家族が担う役割には機関を選びません。")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.append("期間の終了日が開始日より前になっています。")
    if data.goal is not None and data.goal.plan_id != plan.pk:
        errors.append("目標はこのプランの目標から選んでください。")
    if data.application and data.application not in Application.values:
        errors.append("申込みの種類が正しくありません。")
    return errors


@transaction.atomic
def action_add(*, user: User, plan: SupportPlan, data: ActionInput, request: HttpRequest | None = None) -> PlanAction:
    """Add a line of 役割分担 to a draft."""
    _holder_staff(user, plan)
    current = locked(plan)
    _draft(current)
    errors = _action_errors(current, data)
    if errors:
        raise PlanError(errors)
    action = PlanAction.objects.create(
        plan=current, goal=data.goal, content=data.content.strip()[:TEXT_LIMIT], actor=data.actor,
        organization=data.organization if data.actor == ActorKind.ORGANIZATION else None,
        staff_name=data.staff_name.strip(), frequency=data.frequency.strip(), starts_on=data.starts_on,
        ends_on=data.ends_on, application=data.application, order=PlanAction.objects.filter(plan=current).count(),
    )  # fmt: skip
    who = data.organization.name if data.organization and data.actor == ActorKind.ORGANIZATION else data.actor.label
    _changed(user, current, f"役割分担を追加（{who}）", {"actions": [None, action.pk]}, request)
    return action


@transaction.atomic
def action_remove(*, user: User, action: PlanAction, request: HttpRequest | None = None) -> None:
    plan = action.plan
    _holder_staff(user, plan)
    current = locked(plan)
    _draft(current)
    action_id = action.pk
    action.delete()
    _changed(user, current, "役割分担を削除", {"actions": [action_id, None]}, request)


@transaction.atomic
def action_acknowledge(*, user: User, action: PlanAction, request: HttpRequest | None = None) -> PlanAction:
    """The responsible organisation confirms its role (役割の確認). Its staff read the plan on the basis the
    consent gives them; the entry names the organisation that confirmed."""
    plan = action.plan
    membership = next((m for m in casework_memberships(user) if m.organization_id == action.organization_id), None)
    if membership is None:
        raise PlanError("役割を確認できるのは、その役割を担う機関の職員です。")
    if plan.status in (PlanStatus.SUPERSEDED, PlanStatus.ENDED):
        raise PlanError(f"第{plan.number}版はすでに終了しています。")
    if action.flagged_at is not None:
        raise PlanError("この役割は本人同意の範囲外となっています。コーディネーターに連絡してください。")
    updated = PlanAction.objects.filter(pk=action.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )
    if not updated:
        raise PlanError("この役割はすでに確認されています。")
    action.refresh_from_db()
    # The confirming organisation reads the plan on the basis the person gave it (consent, 支援会議).
    grants = decide(user, plan.person_id).grants if plan.person_id else ()
    grant = next((g for g in grants if g.organization_id == action.organization_id), None)
    grounds = grounds_of(grant) if grant else None
    audit_record(
        user=user, organization=membership.organization, action=Action.UPDATE, obj=plan, person_id=plan.person_id,
        summary=f"役割分担を確認（{membership.organization.name}）", changes={"acknowledged": [None, action.pk]},
        basis=grounds.basis if grounds else Basis.OWN_RECORD, basis_source=grounds.source if grounds else "",
        request=request,
    )  # fmt: skip
    return action


def approval_problems(plan: SupportPlan) -> list[str]:
    """What keeps a draft from being decided: the national form's required parts, at least one goal and one
    role, the plan period, and no role outside what the consent covers now."""
    kind = plan_types.get(plan.plan_type)
    _answers, problems = clean_answers(kind.fields, plan.answers)
    if not plan.wishes.strip():
        problems.append("本人の思い（本人の言葉で）を記入してください。")
    goals = list(plan.goals.all())
    if not goals:
        problems.append("目標を一つ以上入れてください。")
    actions = list(plan.actions.select_related("organization"))
    if not actions:
        problems.append("役割分担を一つ以上入れてください。")
    if plan.period_start is None or plan.period_end is None:
        problems.append("プランの期間を入力してください。")
    others = {a.organization_id for a in actions if a.organization_id and a.organization_id != plan.organization_id}
    sharing = organizations_sharing_on(plan.person_id, others) if others and plan.person_id else set()
    for action in actions:
        if action.organization is not None:
            problem = role_problem(plan, action.organization, sharing)
            if problem is not None:
                problems.append(problem)
    return problems


def _freeze(user: User, plan: SupportPlan, decided_on: date, reference: str, request: HttpRequest | None) -> None:
    SupportPlan.objects.filter(series=plan.series, status=PlanStatus.APPROVED).exclude(pk=plan.pk).update(
        status=PlanStatus.SUPERSEDED, version=F("version") + 1
    )
    SupportPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.APPROVED, approved_on=decided_on, approved_by=user, decision_reference=reference.strip(),
        version=F("version") + 1,
    )  # fmt: skip
    plan.refresh_from_db()
    audit(user, plan, plan, Action.UPDATE, f"支援プラン第{plan.number}版を決定（{reference.strip()}）",
          {"status": [PlanStatus.DRAFT, PlanStatus.APPROVED], "approved_on": [None, decided_on]}, request)  # fmt: skip


def case_draft(case: CollaborationCase) -> SupportPlan | None:
    return SupportPlan.objects.filter(case=case, status=PlanStatus.DRAFT).order_by("-number").first()


def decision_problems(case: CollaborationCase) -> list[str]:
    """Why the case's plan cannot be decided now (the condition of 支援決定 in the case's state rule)."""
    draft = case_draft(case)
    if draft is None:
        return ["支援決定の前に、プラン（作成中の版）を作成してください。"]
    return approval_problems(draft)


def evaluation_missing(case: CollaborationCase) -> bool:
    """Whether the case has a decided plan not evaluated since the case entered 評価: such a case is evaluated
    goal by goal through its plan (``follow_up.evaluation_record``), which then writes the case's evaluation."""
    plan = SupportPlan.objects.filter(case=case, status=PlanStatus.APPROVED).first()
    return plan is not None and not plan.evaluations.filter(created_at__gte=case.state_since).exists()


def approve_for_case_decision(
    *, user: User, case: CollaborationCase, decided_on: date, reference: str, request: HttpRequest | None = None
) -> SupportPlan:
    """支援決定 of a case decides its draft plan: called by ``collaboration.services.case_transition`` in its
    transaction, after ``decision_problems`` found nothing."""
    draft = case_draft(case)
    assert draft is not None
    _freeze(user, locked(draft), decided_on, reference, request)
    return draft


@transaction.atomic
def plan_approve(
    *, user: User, plan: SupportPlan, decided_on: date, reference: str, request: HttpRequest | None = None
) -> SupportPlan:
    """Decide a version of a plan that its own organisation decides (個別の支援計画 after the 支援調整会議, a
    セルフプラン agreed with the parent). A case's plan is decided by the case's 支援決定 instead."""
    _holder_staff(user, plan)
    current = locked(plan)
    _draft(current)
    kind = plan_types.get(current.plan_type)
    if kind.approval == "case_decision":
        raise PlanError(
            f"{kind.name}は{kind.decided_by}の支援決定で決まります。ケースの画面から支援決定を記録してください。"
        )
    problems = approval_problems(current)
    if decided_on > timezone.localdate():
        problems.append("決定日に未来の日付は入力できません。")
    if not reference.strip():
        problems.append(f"決定した場（{kind.decided_by}など）を入力してください。")
    if problems:
        raise PlanError(problems)
    _freeze(user, current, decided_on, reference, request)
    return current


def _copy(plan: SupportPlan, user: User) -> SupportPlan:
    new = SupportPlan.objects.create(
        municipality_id=plan.municipality_id, organization_id=plan.organization_id, person_id=plan.person_id,
        household_id=plan.household_id, occurred_at=timezone.now(), staff=user, plan_type=plan.plan_type,
        case_id=plan.case_id, series=plan.series, number=plan.number + 1, wishes=plan.wishes,
        family_wishes=plan.family_wishes, answers=plan.answers, lead_organization_id=plan.lead_organization_id,
        period_start=plan.period_start, period_end=plan.period_end, consent_id=plan.consent_id,
    )  # fmt: skip
    goals = {g.pk: PlanGoal.objects.create(plan=new, term=g.term, text=g.text, target_on=g.target_on, order=g.order)
             for g in plan.goals.all()}  # fmt: skip
    # The roles are copied unconfirmed: each organisation confirms its part of the new version again.
    PlanAction.objects.bulk_create(
        PlanAction(plan=new, goal=goals.get(a.goal_id or 0), content=a.content, actor=a.actor,
                   organization_id=a.organization_id, staff_name=a.staff_name, frequency=a.frequency,
                   starts_on=a.starts_on, ends_on=a.ends_on, application=a.application, order=a.order)
        for a in plan.actions.all()
    )  # fmt: skip
    return new


def next_version_for_case(
    *, user: User, case: CollaborationCase, request: HttpRequest | None = None
) -> SupportPlan | None:
    """A case entering プラン作成 again (再プラン, or after 中断): the next version of its plan as a draft copy of
    the last, which stays in force (and readable) until the new one is decided. Nothing when the case has no
    plan yet or its last version is still a draft. Called in ``case_transition``'s transaction."""
    latest = SupportPlan.objects.filter(case=case).order_by("-number").first()
    if latest is None or latest.status == PlanStatus.DRAFT:
        return latest
    new = _copy(latest, user)
    audit(user, new, new, Action.CREATE, f"再プラン: 支援プラン第{new.number}版を作成",
          {"number": [latest.number, new.number]}, request)  # fmt: skip
    return new


@transaction.atomic
def plan_next_version(*, user: User, plan: SupportPlan, request: HttpRequest | None = None) -> SupportPlan:
    """再プラン of a plan that its own organisation decides: the next version as a draft copy."""
    _holder_staff(user, plan)
    current = locked(plan)
    kind = plan_types.get(current.plan_type)
    if kind.needs_case:
        raise PlanError("多機関協働のプランの再プランは、ケースの評価の後に「再プラン」で行います。")
    if current.status != PlanStatus.APPROVED:
        raise PlanError("再プランできるのは、決定済みで現在有効な版です。")
    if SupportPlan.objects.filter(series=current.series, number__gt=current.number).exists():
        raise PlanError("この版の次の版がすでにあります。")
    new = _copy(current, user)
    audit(user, new, new, Action.CREATE, f"再プラン: 支援プラン第{new.number}版を作成",
          {"number": [current.number, new.number]}, request)  # fmt: skip
    return new
