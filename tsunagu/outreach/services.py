"""Recording 気になる情報, opening and working an outreach target, its contacts and stages, and the step from
outreach to support (consent, then a consultation and a referral of the consultations app).

Each function is keyword-only and atomic, checks before it writes, and writes its audit entry; a refusal is
``OutreachError`` with messages a worker understands, and leaves nothing behind. Which stage may follow
which is ``tsunagu.outreach.stages``; who reads a record is the access core's rule for case records. The
caller fetched the target, person or household through the selectors (404 outside access); these functions
decide what the user may *do*: the staff of the organisation that holds a target work it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.access.policy import casework_memberships
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations import services as consultations
from tsunagu.consultations.destinations import program_organizations
from tsunagu.consultations.models import ConsentVariant, ConsultationIssue, Outcome, ReferralBasis, Route
from tsunagu.core.models import District, Organization, User
from tsunagu.core.transitions import locked, transition
from tsunagu.core.versioning import bump_version
from tsunagu.outreach import stages
from tsunagu.outreach.models import (
    REACHED,
    EndReason,
    Means,
    OutreachContact,
    OutreachInformation,
    OutreachStageChange,
    OutreachTarget,
    Result,
    SourceType,
    Stage,
    Urgency,
)
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.plans.models import Category, Program


class OutreachError(ValidationError):
    """A refused step on outreach records; the messages are shown as they are."""


def outreach_program(municipality_id: int) -> Program | None:
    """The plan's アウトリーチ等を通じた継続的支援事業 (the newest plan's)."""
    return (
        Program.objects.filter(municipality_id=municipality_id, category=Category.OUTREACH)
        .order_by(F("plan__start_fiscal_year").desc(nulls_last=True), "-plan__loaded_at", "order", "pk")
        .first()
    )


def outreach_organizations(municipality_id: int) -> list[Organization]:
    """The organisations that run the outreach programme (plan data: ``consultations.destinations``)."""
    program = outreach_program(municipality_id)
    return list(program_organizations(program)) if program is not None else []


def outreach_membership_organization(user: User) -> Organization | None:
    """The user's own organisation that runs outreach, if any (their first such casework membership)."""
    memberships = casework_memberships(user)
    if not memberships:
        return None
    runs = {o.pk for o in outreach_organizations(memberships[0].organization.municipality_id)}
    return next((m.organization for m in memberships if m.organization_id in runs), None)


def _outreach_staff(user: User) -> Organization:
    organization = outreach_membership_organization(user)
    if organization is None:
        raise OutreachError(
            _("アウトリーチの対象を扱えるのは、アウトリーチ等を通じた継続的支援事業を実施する機関の職員です。")
        )
    return organization


def _holder_staff(user: User, record: Any) -> None:
    if not any(m.organization_id == record.organization_id for m in casework_memberships(user)):
        raise OutreachError(
            _("記録を受け持つ機関（%(organization)s）の職員だけが変更できます。")
            % {"organization": record.organization.name}
        )


def _holder_sees(organization_id: int, person_id: int) -> bool:
    """The holding organisation has access to the person (so its record about them stays readable)."""
    return AccessGrant.objects.active().filter(person_id=person_id, organization_id=organization_id).exists()


def _audit(user: User, record: Any, action: Action, summary: str, changes: dict[str, list[Any]],
           request: HttpRequest | None) -> None:  # fmt: skip
    audit_record(
        user=user, organization=record.organization, action=action, obj=record, person_id=record.person_id,
        summary=summary, changes=changes, basis=Basis.OWN_RECORD, basis_source=f"outreach_target:{record.pk}"
        if isinstance(record, OutreachTarget) else f"outreach:{record.pk}", request=request,
    )  # fmt: skip


def _not_future(at: datetime | date | None, errors: list[str], what: str) -> None:
    now = timezone.now() if isinstance(at, datetime) else timezone.localdate()
    if at is not None and at > now:
        errors.append(_("%(what)sに未来の日時は入力できません。") % {"what": what})


def _not_past(on: date | None, errors: list[str]) -> None:
    if on is not None and on < timezone.localdate():
        errors.append(_("次の行動の予定日に過去の日付は入力できません。"))


# --- 気になる情報 -------------------------------------------------------------------------------------


@dataclass
class InformationInput:
    content: str
    source_type: SourceType
    urgency: Urgency = Urgency.NORMAL
    source_name: str = ""
    source_contact: str = ""
    person: Person | None = None
    household: Household | None = None
    description: str = ""
    address: str = ""
    district: District | None = None
    occurred_at: datetime | None = None


def _holder_for_information(user: User) -> tuple[Organization, Organization]:
    """(the organisation the user records for, the outreach organisation that will hold the information)."""
    memberships = casework_memberships(user)
    if not memberships:
        raise OutreachError(_("相談業務の役割がないため、個人の記録は扱えません。"))
    own = outreach_membership_organization(user)
    if own is not None:
        return own, own
    reporter = memberships[0].organization
    runs = outreach_organizations(reporter.municipality_id)
    if not runs:
        raise OutreachError(_("計画にアウトリーチ等を通じた継続的支援事業を実施する機関がありません。"))
    return reporter, runs[0]


@transaction.atomic
def information_record(
    *, user: User, data: InformationInput, request: HttpRequest | None = None
) -> OutreachInformation:
    """Record 気になる情報, held by the outreach organisation (the user's own when it runs outreach, else the
    plan's first). Any casework user may record; about a registered person only when the holder already has
    access to them (else its own record would be closed to it) — otherwise describe them (概要・住所)."""
    reporter, holder = _holder_for_information(user)
    errors: list[str] = []
    if not data.content.strip():
        errors.append(_("気になることを入力してください。"))
    if data.person is None and data.household is None and not data.description.strip():
        errors.append(_("対象の方を選ぶか、概要（例: 50代男性、○○地区の一軒家）を入力してください。"))
    if data.person is not None and not _holder_sees(holder.pk, data.person.pk):
        errors.append(
            _(
                "%(organization)sはこの方の記録を持っていないため、登録済みの方として記録できません。概要と住所で記録してください。"
            )
            % {"organization": holder.name}
        )
    if data.district is not None and data.district.municipality_id != holder.municipality_id:
        errors.append(_("地区はこの自治体の地区から選んでください。"))
    _not_future(data.occurred_at, errors, _("把握日時"))
    if errors:
        raise OutreachError(errors)
    info = OutreachInformation.objects.create(
        municipality_id=holder.municipality_id, organization=holder, reporter_organization=reporter,
        person=data.person, household=data.household, occurred_at=data.occurred_at or timezone.now(), staff=user,
        source_type=data.source_type, source_name=data.source_name.strip(), source_contact=data.source_contact.strip(),
        urgency=data.urgency, description=data.description.strip(), address=data.address.strip(),
        district=data.district, content=data.content.strip(),
    )  # fmt: skip
    audit_record(
        user=user, organization=holder, action=Action.CREATE, obj=info, person_id=info.person_id,
        summary=f"気になる情報を記録（{info.get_source_type_display()}）",
        changes={"source_type": [None, info.source_type], "urgency": [None, info.urgency]},
        basis=Basis.OWN_RECORD, basis_source=f"outreach_information:{info.pk}", request=request,
    )  # fmt: skip
    return info


# --- The target -------------------------------------------------------------------------------------


@dataclass
class TargetInput:
    worry: str
    worker: User | None = None
    information: list[OutreachInformation] = field(default_factory=list)
    person: Person | None = None
    household: Household | None = None
    description: str = ""
    address: str = ""
    district: District | None = None
    next_action: str = ""
    next_action_on: date | None = None
    # Opened from a 支援会議 decision: the meeting and decision, as text (meetings is an independent app).
    meeting_source: str = ""


def _stage_record(user: User, target: OutreachTarget, from_stage: str, to_stage: Stage, note: str,
                  at: datetime, out_of_order: bool = False) -> OutreachStageChange:  # fmt: skip
    return OutreachStageChange.objects.create(
        municipality_id=target.municipality_id, organization_id=target.organization_id, person_id=target.person_id,
        household_id=target.household_id, occurred_at=at, staff=user, target=target, from_stage=from_stage,
        to_stage=to_stage, note=note, out_of_order=out_of_order,
    )  # fmt: skip


def _worker_errors(organization: Organization, worker: User | None) -> list[str]:
    if worker is None:
        return []
    if not any(m.organization_id == organization.pk for m in casework_memberships(worker)):
        return [_("担当者は%(organization)sの職員から選んでください。") % {"organization": organization.name}]
    return []


@transaction.atomic
def target_open(*, user: User, data: TargetInput, request: HttpRequest | None = None) -> OutreachTarget:
    """Open a target in 未接触, gathering the 気になる情報 given (the holder's, not yet in a target). Its
    person, household, description and address default to the information's."""
    organization = _outreach_staff(user)
    info = [locked(i) for i in data.information]
    errors = _worker_errors(organization, data.worker)
    if any(i.organization_id != organization.pk for i in info):
        errors.append(_("他の機関が受け持つ気になる情報からは開けません。"))
    if any(i.target_id is not None for i in info):
        errors.append(_("すでに対象に結び付いた気になる情報が含まれています。"))
    first = info[0] if info else None
    person = data.person or (first.person if first else None)
    household = data.household or (first.household if first else None)
    if person is not None and not _holder_sees(organization.pk, person.pk):
        errors.append(_("%(organization)sはこの方の記録を持っていません。") % {"organization": organization.name})
    if any(i.person_id not in (None, getattr(person, "pk", None)) for i in info):
        errors.append(_("別の方についての気になる情報が含まれています。"))
    description = data.description.strip() or (first.description if first else "")
    worry = data.worry.strip() or (first.content if first else "")
    if not worry:
        errors.append(_("心配なことを入力してください。"))
    if person is None and household is None and not description:
        errors.append(_("対象の方を選ぶか、概要を入力してください。"))
    _not_past(data.next_action_on, errors)
    if errors:
        raise OutreachError(errors)
    now = timezone.now()
    district = data.district or (first.district if first else None) or (household.district if household else None)
    target = OutreachTarget.objects.create(
        municipality_id=organization.municipality_id, organization=organization, person=person, household=household,
        occurred_at=now, staff=user, description=description, address=data.address.strip() or
        (first.address if first else ""), district=district, worry=worry, worker=data.worker or user,
        stage=Stage.UNCONTACTED, stage_since=now, next_action=data.next_action.strip(),
        next_action_on=data.next_action_on, last_action_at=now, meeting_source=data.meeting_source.strip()[:200],
    )  # fmt: skip
    OutreachInformation.objects.filter(pk__in=[i.pk for i in info]).update(
        target=target, person=person, household=household
    )
    came_from = _("気になる情報%(count)d件から") % {"count": len(info)} if info else _("直接")
    if target.meeting_source:
        came_from = _("支援会議の決定から: %(source)s") % {"source": target.meeting_source}
    _stage_record(
        user, target, "", Stage.UNCONTACTED, _("アウトリーチの対象として開始（%(from)s）") % {"from": came_from}, now
    )
    _audit(user, target, Action.CREATE, "アウトリーチの対象を開始", {"stage": [None, Stage.UNCONTACTED],
           "information": [None, [i.pk for i in info]]}, request)  # fmt: skip
    return target


@transaction.atomic
def information_attach(
    *, user: User, target: OutreachTarget, information: OutreachInformation, request: HttpRequest | None = None
) -> OutreachInformation:
    """Gather another 気になる情報 into a target (the same person or household, seen by another source)."""
    _holder_staff(user, target)
    info = locked(information)
    errors = []
    if info.organization_id != target.organization_id:
        errors.append(_("他の機関が受け持つ気になる情報は結び付けられません。"))
    if info.target_id is not None:
        errors.append(_("この気になる情報はすでに対象に結び付いています。"))
    if info.person_id not in (None, target.person_id):
        errors.append(_("別の方についての気になる情報です。"))
    if errors:
        raise OutreachError(errors)
    OutreachInformation.objects.filter(pk=info.pk).update(
        target=target, person=target.person, household=target.household or info.household
    )
    info.refresh_from_db()
    _audit(user, target, Action.UPDATE, "気になる情報を対象に結び付け", {"information": [None, info.pk]}, request)
    return info


@transaction.atomic
def target_identify(
    *, user: User, target: OutreachTarget, person: Person, household: Household | None = None,
    request: HttpRequest | None = None,
) -> OutreachTarget:  # fmt: skip
    """Link a target about someone not yet identified to the registered person (fetched through the people
    selectors): the target, its information, contacts and stage changes are then on the person's timeline."""
    _holder_staff(user, target)
    current = locked(target)
    errors = []
    if current.person_id is not None:
        errors.append(_("この対象はすでに本人と結び付いています。"))
    if person.municipality_id != current.municipality_id:
        errors.append(_("他の自治体の方とは結び付けられません。"))
    elif not _holder_sees(current.organization_id, person.pk):
        errors.append(
            _("%(organization)sはこの方の記録を持っていません。") % {"organization": current.organization.name}
        )
    if household is not None and not HouseholdMember.objects.filter(household=household, person=person).exists():
        errors.append(_("本人がこの世帯の世帯員ではありません。"))
    if errors:
        raise OutreachError(errors)
    household_id = household.pk if household else current.household_id
    values: dict[str, Any] = {"person": person, "household_id": household_id}
    if current.district_id is None and household is not None and household.district_id:
        values["district_id"] = household.district_id
    target = transition(target, expect={"person_id": None}, values=values,
                        refused=lambda _c: OutreachError(_("この対象はすでに本人と結び付いています。")))  # fmt: skip
    bump_version(target)
    for model in (OutreachInformation, OutreachContact, OutreachStageChange):
        model.objects.filter(target=target).update(person=person, household_id=household_id)
    _audit(user, target, Action.UPDATE, "アウトリーチの対象を本人と結び付け", {"person": [None, person.pk]}, request)
    return target


@transaction.atomic
def target_plan(
    *, user: User, target: OutreachTarget, next_action: str, next_action_on: date | None,
    worker: User | None = None, request: HttpRequest | None = None,
) -> OutreachTarget:  # fmt: skip
    """Set the next action and its date (and, if given, hand the target to another worker of the holder)."""
    _holder_staff(user, target)
    errors = _worker_errors(target.organization, worker)
    _not_past(next_action_on, errors)
    if errors:
        raise OutreachError(errors)
    current = locked(target)
    values: dict[str, Any] = {"next_action": next_action.strip(), "next_action_on": next_action_on,
                              "last_action_at": timezone.now()}  # fmt: skip
    if worker is not None:
        values["worker"] = worker
    target = transition(target, expect={"stage": current.stage}, values=values, refused=_moved_on)
    bump_version(target)
    _audit(user, target, Action.UPDATE, "次の行動を記録", {"next_action_on": [None, next_action_on],
           "worker": [None, worker.pk if worker else None]}, request)  # fmt: skip
    return target


# --- Stages -----------------------------------------------------------------------------------------


@dataclass
class StageInput:
    target: Stage
    note: str = ""
    end_reason: EndReason | str = ""


def _moved_on(current: OutreachTarget) -> OutreachError:
    return OutreachError(
        _("この対象は他の職員が「%(stage)s」に変更しました。画面を開き直して確認してください。")
        % {"stage": current.get_stage_display()}
    )


def _facts(current: OutreachTarget, data: StageInput) -> stages.Facts:
    return stages.Facts(
        stage=Stage(current.stage), attempts=current.attempt_count, reached=current.first_contact_at is not None,
        note=data.note, end_reason=str(data.end_reason),
        connected_to=current.referral_id is not None or current.consultation_id is not None
        or current.collaboration_case_id is not None,
    )  # fmt: skip


def _move(user: User, target: OutreachTarget, data: StageInput, at: datetime,
          request: HttpRequest | None) -> OutreachTarget:  # fmt: skip
    """The step itself, on the locked row (the caller holds the transaction)."""
    current = locked(target)
    problems = stages.refusal(_facts(current, data), data.target)
    if problems:
        raise OutreachError(problems)
    source = Stage(current.stage)
    values: dict[str, Any] = {"stage": data.target, "stage_since": at, "last_action_at": at}
    if data.target == Stage.ENDED:
        values["end_reason"] = str(data.end_reason)
    target = transition(target, expect={"stage": source}, values=values, refused=_moved_on)
    bump_version(target)
    skipped = stages.out_of_order(source, data.target)
    _stage_record(user, target, source, data.target, data.note.strip(), at, out_of_order=skipped)
    _audit(user, target, Action.UPDATE, f"関係性の段階を変更（{source.label} → {Stage(data.target).label}）",
           {"stage": [source, data.target]}, request)  # fmt: skip
    return target


@transaction.atomic
def target_stage_change(
    *, user: User, target: OutreachTarget, data: StageInput, request: HttpRequest | None = None
) -> OutreachTarget:
    """Move the target to another stage by the rule (``stages``): the usual next stage, or another with a
    recorded reason; 見守り継続 with why, 終了 with a reason from the list. Of two simultaneous changes only
    the first happens."""
    _holder_staff(user, target)
    if data.end_reason and data.end_reason not in EndReason.values:
        raise OutreachError(_("終了の理由を一覧から選んでください。"))
    return _move(user, target, data, timezone.now(), request)


# --- Contacts ---------------------------------------------------------------------------------------


@dataclass
class ContactInput:
    occurred_at: datetime
    means: Means
    result: Result
    content: str = ""
    next_step: str = ""
    next_step_on: date | None = None


@transaction.atomic
def contact_record(
    *, user: User, target: OutreachTarget, data: ContactInput, request: HttpRequest | None = None
) -> OutreachContact:
    """Record one approach, failures included. The target's counts follow in the same transaction; the first
    attempt moves 未接触 to 接触試行 and the first contact that reaches the person moves on to 接触できた
    (each a recorded stage change). The next step, when given, becomes the target's next action."""
    _holder_staff(user, target)
    current = locked(target)
    errors: list[str] = []
    if current.stage == Stage.ENDED:
        errors.append(_("終了した対象には接触を記録できません。"))
    _not_future(data.occurred_at, errors, _("接触の日時"))
    if data.occurred_at < consultations.EARLIEST:
        errors.append(_("日時が古すぎます。"))
    _not_past(data.next_step_on, errors)
    if errors:
        raise OutreachError(errors)
    contact = OutreachContact.objects.create(
        municipality_id=current.municipality_id, organization_id=current.organization_id, person_id=current.person_id,
        household_id=current.household_id, occurred_at=data.occurred_at, staff=user, target=current,
        means=data.means, result=data.result, content=data.content.strip(), next_step=data.next_step.strip(),
        next_step_on=data.next_step_on,
    )  # fmt: skip
    reached = data.result in REACHED
    values: dict[str, Any] = {"attempt_count": current.attempt_count + 1, "last_action_at": timezone.now()}
    if current.last_contact_at is None or data.occurred_at > current.last_contact_at:
        values["last_contact_at"] = data.occurred_at
    if reached and (current.first_contact_at is None or data.occurred_at < current.first_contact_at):
        values["first_contact_at"] = data.occurred_at
    if data.next_step.strip() or data.next_step_on:
        values.update(next_action=data.next_step.strip(), next_action_on=data.next_step_on)
    OutreachTarget.objects.filter(pk=current.pk).update(**values)
    for name, value in values.items():
        setattr(target, name, value)
    target.stage = current.stage
    summary = f"接触を記録（{contact.get_means_display()}・{contact.get_result_display()}）"
    _audit(user, target, Action.UPDATE, summary, {"attempt_count": [current.attempt_count, values["attempt_count"]]},
           request)  # fmt: skip
    note = _("%(means)s（%(result)s）") % {"means": contact.get_means_display(), "result": contact.get_result_display()}
    # A contact entered late (or made before the target was opened) moves the stage now, never before the
    # stage it leaves began: the history stays in order.
    at = max(data.occurred_at, current.stage_since)
    if target.stage == Stage.UNCONTACTED:
        target = _move(user, target, StageInput(Stage.ATTEMPTING, note=note), at, request)
    if reached and target.stage == Stage.ATTEMPTING:
        target = _move(user, target, StageInput(Stage.CONTACTED, note=note), max(at, target.stage_since), request)
    return contact


# --- From outreach to support --------------------------------------------------------------------------


def every_contact_refused(target: OutreachTarget) -> bool:
    """Every approach that got an answer was refused (and none reached the person): such a target is shared
    only in the 支援会議 (issue 14, privacy), never by a consent or a referral."""
    results = set(OutreachContact.objects.filter(target=target).values_list("result", flat=True))
    return Result.REFUSED in results and not results & set(REACHED)


@transaction.atomic
def target_consent_record(
    *, user: User, target: OutreachTarget, data: ConsentInput, request: HttpRequest | None = None
) -> Consent:
    """The person's consent, in the consent register (``access.services.consent_record``, which checks that
    the user may edit the person and gives the grants), taken for the holder and linked to the target."""
    _holder_staff(user, target)
    current = locked(target)
    if current.person is None:
        raise OutreachError(_("本人と結び付けてから同意を記録してください（対象の方が特定されていません）。"))
    if current.first_contact_at is None:
        raise OutreachError(_("本人と会話・面会できた記録がないまま、同意は記録できません。"))
    consent = consent_record(user=user, person=current.person, data=data, organization_id=current.organization_id,
                             request=request)  # fmt: skip
    OutreachTarget.objects.filter(pk=current.pk).update(consent=consent, last_action_at=timezone.now())
    target.consent = consent
    bump_version(target)
    _audit(user, target, Action.UPDATE, "本人同意を記録（アウトリーチ）", {"consent": [None, consent.pk]}, request)
    return consent


@dataclass
class ConnectInput:
    program: Program
    organization: Organization
    issues: list[ConsultationIssue]
    main_issue: ConsultationIssue | None
    reason: str
    shared_information: str
    due_on: date


@transaction.atomic
def target_connect(
    *, user: User, target: OutreachTarget, data: ConnectInput, request: HttpRequest | None = None
) -> OutreachTarget:
    """つなぎ: with the person's consent, record the consultation (prefilled from the target: person,
    household, consent, the worry) and refer it to the chosen programme's organisation through the
    consultations services, whose rules decide (the consent must name it; the organisation must run the
    programme). When the holder itself runs that programme, the consultation is recorded under it, with no
    referral. The target keeps both links and moves to 支援につながった; the worker keeps accompanying."""
    _holder_staff(user, target)
    current = locked(target)
    errors = []
    if current.person is None:
        errors.append(_("対象の方が特定されていないため、つなげません。"))
    if current.consent is None or current.consent.withdrawn_on is not None:
        errors.append(_("本人同意を記録してから、つないでください。同意が得られるまでは支援会議で検討します。"))
    if every_contact_refused(current):
        errors.append(_("すべての接触を拒否している方の情報は、支援会議の外では共有できません。"))
    if current.referral_id is not None:
        errors.append(_("この対象はすでにつながっています。"))
    if errors:
        raise OutreachError(errors)
    assert current.person is not None and current.consent is not None
    here = data.organization.pk == current.organization_id
    program = data.program if here else (outreach_program(current.municipality_id) or data.program)
    consultation = consultations.consultation_record(
        user=user, organization_id=current.organization_id, request=request,
        data=consultations.ConsultationInput(
            program=program, received_at=timezone.now(), route=Route.OUTREACH,
            consent_variant=ConsentVariant.WITH_CONSENT, issues=data.issues, main_issue=data.main_issue,
            outcome=Outcome.HANDLED if here else Outcome.REFERRED, person=current.person,
            person_decision=_holder_decision(user, current), household=current.household,
            household_visible=current.household_id is not None, consent=current.consent,
            issue_note=current.worry, outcome_note=data.reason,
        ),
    )  # fmt: skip
    referral = None
    if not here:
        referral = consultations.referral_send(
            user=user, consultation=consultation, request=request,
            data=consultations.ReferralInput(
                to_organization=data.organization, to_program=data.program, reason=data.reason,
                shared_information=data.shared_information, basis=ReferralBasis.CONSENT, due_on=data.due_on,
                consent=current.consent,
            ),
        )  # fmt: skip
    OutreachTarget.objects.filter(pk=current.pk).update(consultation=consultation, referral=referral)
    target.consultation, target.referral = consultation, referral
    where = data.organization.name + (f"（{data.program.name}）" if data.program else "")
    _audit(user, target, Action.UPDATE, "アウトリーチの対象を支援につないだ",
           {"consultation": [None, consultation.pk], "referral": [None, referral.pk if referral else None]},
           request)  # fmt: skip
    if Stage(current.stage) != Stage.CONNECTED:
        note = _("つなぎ先: %(where)s") % {"where": where}
        target = _move(user, target, StageInput(Stage.CONNECTED, note=note), timezone.now(), request)
    return target


def _holder_decision(user: User, target: OutreachTarget) -> Any:
    from tsunagu.access.policy import decide

    return decide(user, target.person_id) if target.person_id else None
