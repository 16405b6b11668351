"""Opening a 多機関協働 case, moving it through its states, its participating organisations and assessments.

Each function is keyword-only and atomic, checks before it writes, and writes its audit entry; a refusal is
``CollaborationError`` with messages a caseworker understands, and leaves nothing behind. Which step may
follow which is ``tsunagu.collaboration.transitions`` (the one place of that rule); who reads a case is the
access core's rule for case records. The caller fetched the case, person or household through the
selectors (404 outside access); these functions decide what the user may *do*: the coordinating
organisation's casework staff change its case, and only a 多機関協働コーディネーター (or supervisor) opens one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access.models import Basis
from tsunagu.access.policy import casework_memberships, consent_covers, organizations_sharing_on
from tsunagu.access.selectors import consents_of_person
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.collaboration import assessment_forms, transitions
from tsunagu.collaboration.models import (
    Assessment,
    AssessmentMember,
    CaseParticipant,
    CaseState,
    CaseTransition,
    ClosureReason,
    CollaborationCase,
    EvaluationResult,
)
from tsunagu.collaboration.plan_seam import seam as plans
from tsunagu.consultations.models import Referral, ReferralStatus
from tsunagu.core.models import Organization, Role, User
from tsunagu.core.transitions import locked, transition
from tsunagu.core.versioning import bump_version
from tsunagu.people.models import Household, HouseholdMember, Person

# Who opens a case: the coordinator, or their supervisor (DESIGN §1); other staff of the agency work it.
OPENING_ROLES = frozenset({Role.COORDINATOR, Role.SUPERVISOR})


class CollaborationError(ValidationError):
    """A refused step on a collaboration case; the messages are shown as they are."""


def _basis_source(case: CollaborationCase) -> str:
    return f"collaboration_case:{case.pk}"


def _audit(
    user: User, case: CollaborationCase, obj: Any, action: Action, summary: str, changes: dict[str, list[Any]],
    request: HttpRequest | None,
) -> None:  # fmt: skip
    audit_record(
        user=user, organization=case.organization, action=action, obj=obj, person_id=case.person_id,
        summary=summary, changes=changes, basis=Basis.OWN_RECORD, basis_source=_basis_source(case), request=request,
    )  # fmt: skip


def _holder_staff(user: User, case: CollaborationCase) -> None:
    if not any(m.organization_id == case.organization_id for m in casework_memberships(user)):
        raise CollaborationError(
            f"ケースを受け持つ機関（{case.organization.name}）の職員だけがこのケースを変更できます。"
        )


def _opening_organization(user: User) -> Organization:
    membership = next((m for m in casework_memberships(user) if m.role in OPENING_ROLES), None)
    if membership is None:
        raise CollaborationError("多機関協働ケースを開けるのは、多機関協働コーディネーター（または監督者）です。")
    return membership.organization


@dataclass
class CaseOpenInput:
    person: Person
    household: Household | None
    focus_members: list[Person] = field(default_factory=list)
    summary: str = ""
    next_date: date | None = None
    referral: Referral | None = None


def _open_errors(organization: Organization, data: CaseOpenInput) -> list[str]:
    errors: list[str] = []
    referral = data.referral
    if referral is not None:
        if referral.to_organization_id != organization.pk:
            errors.append("このつなぎは自機関あてではないため、ここからケースを開けません。")
        elif referral.status != ReferralStatus.ACCEPTED:
            errors.append("つなぎを受理してから、多機関協働ケースを開いてください。")
        if referral.person_id is None:
            errors.append("匿名の相談のつなぎからはケースを開けません。本人を登録してから開いてください。")
        elif referral.person_id != data.person.pk:
            errors.append("ケースの本人はつなぎの対象の方です。")
    if data.household is None:
        errors.append("世帯が登録されていません。先に世帯を登録してから、ケースを開いてください。")
    else:
        member_ids = set(HouseholdMember.objects.filter(household=data.household).values_list("person_id", flat=True))
        if data.person.pk not in member_ids:
            errors.append("本人がこの世帯の世帯員ではありません。")
        if any(p.pk not in member_ids for p in data.focus_members):
            errors.append("対象となる世帯員は、この世帯の世帯員から選んでください。")
        if data.household.municipality_id != organization.municipality_id:
            errors.append("他の自治体の世帯のケースは開けません。")
    if data.next_date is not None and data.next_date < timezone.localdate():
        errors.append("次回予定日に過去の日付は入力できません。")
    return errors


@transaction.atomic
def case_open(*, user: User, data: CaseOpenInput, request: HttpRequest | None = None) -> CollaborationCase:
    """Open a case in 受付 for a household, from an accepted referral to the coordinator's organisation or
    directly. The person and household were fetched through the people selectors (the user may see them)."""
    organization = _opening_organization(user)
    errors = _open_errors(organization, data)
    if errors:
        raise CollaborationError(errors)
    assert data.household is not None
    now = timezone.now()
    case = CollaborationCase.objects.create(
        municipality_id=organization.municipality_id, organization=organization, person=data.person,
        household=data.household, occurred_at=now, staff=user, summary=data.summary.strip(),
        referral=data.referral, consultation_id=data.referral.consultation_id if data.referral else None,
        state=CaseState.RECEIVED, state_since=now, next_date=data.next_date,
    )  # fmt: skip
    focus = [p for p in data.focus_members if p.pk != data.person.pk]
    case.focus_members.set(focus)
    came_from = f"つなぎ{data.referral.pk}から" if data.referral else "直接"
    CaseTransition.objects.create(
        municipality_id=case.municipality_id, organization=organization, person=data.person,
        household=data.household, occurred_at=now, staff=user, case=case, from_state="",
        to_state=CaseState.RECEIVED, note=f"多機関協働ケースを開始（{came_from}）",
    )  # fmt: skip
    _audit(
        user, case, case, Action.CREATE, f"多機関協働ケースを開始（{came_from}）",
        {"state": [None, CaseState.RECEIVED], "focus_members": [None, [p.pk for p in focus]]}, request,
    )  # fmt: skip
    return case


@dataclass
class TransitionInput:
    target: CaseState
    note: str = ""
    decided_on: date | None = None
    decision_reference: str = ""
    closure_reason: ClosureReason | None = None
    lead_organization: Organization | None = None
    next_date: date | None = None


def _has_consent(case: CollaborationCase) -> bool:
    return any(consent_covers(c, case.organization_id) for c in consents_of_person(person_id=case.person_id))


def _facts(current: CollaborationCase, data: TransitionInput) -> transitions.Facts:
    target = data.target
    return transitions.Facts(
        state=CaseState(current.state),
        has_consent=target == CaseState.ASSESSMENT and _has_consent(current),
        assessment_count=current.assessments.count() if target == CaseState.PLANNING else 0,
        decided_on=data.decided_on, decision_reference=data.decision_reference,
        evaluated_at=current.evaluated_at, state_since=current.state_since,
        closure_reason=data.closure_reason is not None,
        needs_lead_agency=data.closure_reason is not None and data.closure_reason.needs_lead_agency,
        lead_agency=data.lead_organization is not None, note=data.note, today=timezone.localdate(),
        plan_problems=tuple(plans.decision_problems(current)) if target == CaseState.DECIDED else (),
    )  # fmt: skip


def _step_values(case: CollaborationCase, data: TransitionInput) -> dict[str, Any]:
    """What a step writes on the case beside its state."""
    values: dict[str, Any] = {}
    if data.target == CaseState.DECIDED:
        values.update(decided_on=data.decided_on, decision_reference=data.decision_reference.strip())
    if data.target == CaseState.CLOSED:
        values.update(closure_reason=data.closure_reason, closed_on=timezone.localdate())
    if data.target == CaseState.CLOSED or data.lead_organization is not None:
        values["lead_organization"] = data.lead_organization
    if data.next_date is not None:
        values["next_date"] = data.next_date
    return values


def _input_errors(case: CollaborationCase, data: TransitionInput) -> list[str]:
    errors = []
    if data.closure_reason is not None and data.closure_reason.municipality_id != case.municipality_id:
        errors.append("終結理由を一覧から選んでください。")
    lead = data.lead_organization
    if lead is not None and lead.municipality_id != case.municipality_id:
        errors.append("主担当機関はこの自治体の機関から選んでください。")
    if data.next_date is not None and data.next_date < timezone.localdate():
        errors.append("次回予定日に過去の日付は入力できません。")
    return errors


def _moved_on(current: CollaborationCase) -> CollaborationError:
    return CollaborationError(
        f"このケースは他の職員が「{current.get_state_display()}」に変更しました。画面を開き直して確認してください。"
    )


@transaction.atomic
def case_transition(
    *, user: User, case: CollaborationCase, data: TransitionInput, request: HttpRequest | None = None
) -> CollaborationCase:
    """Move a case one step (``transitions.STEPS``), recording who, when, from, to and the note.

    The case's row is locked first; the step's conditions are checked on that fresh row, so of two
    simultaneous steps only the first happens and the second is refused with what happened. A refusal
    raises before anything is written.
    """
    _holder_staff(user, case)
    current = locked(case)
    problems = _input_errors(current, data) + (transitions.refusal(_facts(current, data), data.target) or [])
    if problems:
        raise CollaborationError(problems)
    source = CaseState(current.state)
    now = timezone.now()
    values = _step_values(current, data)
    case = transition(
        case, expect={"state": source}, values={"state": data.target, "state_since": now, **values},
        refused=_moved_on,
    )  # fmt: skip
    bump_version(case)
    replan = transitions.is_replan(source, data.target)
    # The plan follows the case: 支援決定 decides its draft; back in プラン作成 (a re-plan, or after 中断 and
    # a new assessment) the plan's next version opens as a draft copy of the last.
    if data.target == CaseState.DECIDED:
        assert data.decided_on is not None
        plans.approve_for_case_decision(
            user=user, case=case, decided_on=data.decided_on, reference=data.decision_reference, request=request
        )
    if data.target == CaseState.PLANNING:
        plans.next_version_for_case(user=user, case=case, request=request)
    record = CaseTransition.objects.create(
        municipality_id=case.municipality_id, organization_id=case.organization_id, person_id=case.person_id,
        household_id=case.household_id, occurred_at=now, staff=user, case=case, from_state=source,
        to_state=data.target, note=data.note.strip(), is_replan=replan,
    )  # fmt: skip
    label = "再プラン" if replan else CaseState(data.target).label
    changes: dict[str, list[Any]] = {"state": [source, data.target]}
    changes.update({name: [None, getattr(value, "pk", value)] for name, value in values.items()})
    _audit(user, case, record, Action.CREATE, f"多機関協働ケースの状態を変更（{source.label} → {label}）", {}, request)
    _audit(user, case, case, Action.UPDATE, f"多機関協働ケースを「{label}」に", changes, request)
    return case


def case_decide(
    *, user: User, case: CollaborationCase, decided_on: date, reference: str, note: str = "",
    request: HttpRequest | None = None,
) -> CollaborationCase:  # fmt: skip
    """支援決定: the decision of a 重層的支援会議, by its date and a reference to the meeting (see models)."""
    data = TransitionInput(CaseState.DECIDED, note=note, decided_on=decided_on, decision_reference=reference)
    return case_transition(user=user, case=case, data=data, request=request)


def case_close(
    *, user: User, case: CollaborationCase, reason: ClosureReason | None, lead_organization: Organization | None,
    note: str = "", request: HttpRequest | None = None,
) -> CollaborationCase:  # fmt: skip
    """終結: only after an evaluation, with a reason from the list; the 主担当機関 then accompanies."""
    data = TransitionInput(CaseState.CLOSED, note=note, closure_reason=reason, lead_organization=lead_organization)
    return case_transition(user=user, case=case, data=data, request=request)


def case_replan(
    *, user: User, case: CollaborationCase, note: str = "", request: HttpRequest | None = None
) -> CollaborationCase:
    """再プラン: back to プラン作成 after an evaluation (a new plan version, once plans exist)."""
    return case_transition(user=user, case=case, data=TransitionInput(CaseState.PLANNING, note=note), request=request)


def case_suspend(
    *, user: User, case: CollaborationCase, note: str, request: HttpRequest | None = None
) -> CollaborationCase:
    """中断, with its reason."""
    return case_transition(user=user, case=case, data=TransitionInput(CaseState.SUSPENDED, note=note), request=request)


def _not_evaluating(current: CollaborationCase) -> CollaborationError:
    return CollaborationError(
        f"評価を記録できるのは「評価」のケースだけです（現在「{current.get_state_display()}」）。"
    )


@transaction.atomic
def case_evaluate(
    *, user: User, case: CollaborationCase, result: EvaluationResult, note: str, request: HttpRequest | None = None
) -> CollaborationCase:
    """Record the evaluation (評価) of a case in 評価: the overall result and its notes. Closure and re-plan
    require one written since the case entered 評価."""
    _holder_staff(user, case)
    if not note.strip():
        raise CollaborationError("評価の内容（本人の状況の変化、目標の達成の様子）を記録してください。")
    if plans.evaluation_missing(case):
        raise CollaborationError("プランが決定されたケースは、プランの目標ごとの評価（支援プランの画面）で評価します。")
    now = timezone.now()
    case = transition(
        case, expect={"state": CaseState.EVALUATING},
        values={"evaluation_result": result, "evaluation_note": note.strip(), "evaluated_at": now},
        refused=_not_evaluating,
    )  # fmt: skip
    bump_version(case)
    _audit(
        user, case, case, Action.UPDATE, f"多機関協働ケースの評価を記録（{EvaluationResult(result).label}）",
        {"evaluation_result": [None, result], "evaluation_note": [None, note.strip()]}, request,
    )  # fmt: skip
    return case


@dataclass
class ParticipantInput:
    organization: Organization
    contact_name: str = ""
    contact_phone: str = ""
    role_note: str = ""


@transaction.atomic
def case_participant_add(
    *, user: User, case: CollaborationCase, data: ParticipantInput, request: HttpRequest | None = None
) -> CaseParticipant:
    """Add a participating organisation. Only one the person's consent (or a 支援会議) reaches may take part:
    it is the organisation that will read the case; the error names the one outside."""
    _holder_staff(user, case)
    current = locked(case)
    organization = data.organization
    if current.state in (CaseState.CLOSED, CaseState.SUSPENDED):
        raise CollaborationError(f"「{current.get_state_display()}」のケースには参加機関を加えられません。")
    if organization.municipality_id != case.municipality_id:
        raise CollaborationError("参加機関はこの自治体の機関から選んでください。")
    if organization.pk == case.organization_id:
        raise CollaborationError(f"{organization.name}はこのケースを受け持つ機関です。")
    if CaseParticipant.objects.filter(case=case, organization=organization).exists():
        raise CollaborationError(f"{organization.name}はすでに参加機関です。")
    if organization.pk not in organizations_sharing_on(case.person_id, [organization.pk]):
        raise CollaborationError(
            f"{organization.name}は本人同意（または支援会議）の範囲に含まれていないため、参加機関にできません。"
            "同意の範囲に加えてから登録してください。"
        )
    participant = CaseParticipant.objects.create(
        case=case, organization=organization, contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(), role_note=data.role_note.strip(), added_by=user,
    )  # fmt: skip
    bump_version(case)
    _audit(
        user, case, case, Action.UPDATE, f"参加機関を追加（{organization.name}）",
        {"participants": [None, organization.name], "contact_name": [None, participant.contact_name]}, request,
    )  # fmt: skip
    return participant


@dataclass
class AssessmentInput:
    household_answers: dict[str, Any]
    member_answers: dict[int, dict[str, Any]]  # person id → answers
    occurred_at: Any = None


@transaction.atomic
def assessment_record(
    *, user: User, case: CollaborationCase, data: AssessmentInput, request: HttpRequest | None = None
) -> Assessment:
    """Record an インテーク・アセスメントシート in the current form version, while the case is in アセスメント
    (or, as a re-assessment, プラン作成 up to 評価). Required (national-report) fields must be filled."""
    _holder_staff(user, case)
    current = locked(case)
    writable = (CaseState.ASSESSMENT, CaseState.PLANNING, CaseState.DECIDED, CaseState.SUPPORTING,
                CaseState.EVALUATING)  # fmt: skip
    if current.state not in writable:
        raise CollaborationError(
            f"アセスメントは「アセスメント」に進んでから記録します（現在「{current.get_state_display()}」）。"
        )
    form = assessment_forms.current()
    household, problems = assessment_forms.clean_answers(form.fields_of("household"), data.household_answers)
    in_focus = {case.person_id, *case.focus_members.values_list("pk", flat=True)}
    if set(data.member_answers) - in_focus:
        problems.append("本人ごとの記入は、ケースの対象となる世帯員についてだけ行えます。")
    # The writer fills the members they may see (the view offers those); the main person always.
    written = sorted((set(data.member_answers) & in_focus) | {case.person_id})
    members: dict[int, dict[str, Any]] = {}
    names = dict(Person.objects.filter(pk__in=written).values_list("pk", "given_name"))
    for person_id in written:
        answers, member_problems = assessment_forms.clean_answers(
            form.fields_of("member"), data.member_answers.get(person_id, {}), where=f"{names.get(person_id, '')}さんの"
        )
        members[person_id] = answers
        problems.extend(member_problems)
    occurred_at = data.occurred_at or timezone.now()
    if occurred_at > timezone.now():
        problems.append("記入日時に未来の日時は入力できません。")
    if problems:
        raise CollaborationError(problems)
    assessment = Assessment.objects.create(
        municipality_id=case.municipality_id, organization_id=case.organization_id, person_id=case.person_id,
        household_id=case.household_id, occurred_at=occurred_at, staff=user, case=case,
        form_version=form.version, answers=household,
    )  # fmt: skip
    AssessmentMember.objects.bulk_create(
        AssessmentMember(assessment=assessment, person_id=pid, answers=answers) for pid, answers in members.items()
    )
    _audit(
        user, case, assessment, Action.CREATE, f"アセスメントを記録（{form.name}）",
        {"form_version": [None, form.version], "fields": [None, sorted(household)]}, request,
    )  # fmt: skip
    return assessment
