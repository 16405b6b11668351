"""Recording consultations, connecting them to other agencies (つなぎ), and progress records.

Each function is keyword-only, atomic, validated and audited; errors are ``ConsultationError`` with
messages a caseworker understands. The legal rule on referrals lives here, in one place:

- a consultation recorded **with consent** may be referred to an organisation *in the consent's scope*;
- a consultation recorded **without consent** (本人同意なし) may only be passed to the 支援会議 under
  社会福祉法第106条の6, never shared on the strength of a consent it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.models import AccessGrant, Basis, Consent
from tsunagu.access.policy import AccessDecision, casework_memberships, consent_covers, decide
from tsunagu.access.services import acting_organization, grant_create
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.consultations.destinations import program_organizations
from tsunagu.consultations.models import (
    CaseNote,
    ConsentVariant,
    Consultation,
    ConsultationIssue,
    Counterpart,
    Means,
    Outcome,
    Referral,
    ReferralBasis,
    ReferralStatus,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.consultations.routing import consultation_domains
from tsunagu.core.japanese.display import date_label
from tsunagu.core.japanese.wareki import age_on
from tsunagu.core.models import Organization, User
from tsunagu.core.transitions import locked, transition
from tsunagu.notifications.models import Event
from tsunagu.notifications.selectors import casework_staff_ids
from tsunagu.notifications.services import notify
from tsunagu.people.models import Household, Person
from tsunagu.plans.models import Category, Program

# Nothing in casework happened before 1900: the timeline pages from there (``tsunagu.records.selectors``), and
# a time before 1888 has no standard offset in Asia/Tokyo (LMT, +09:18:59) for ISO 8601 to carry.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class ConsultationError(ValidationError):
    """A refused consultation, referral or note; the messages are shown as they are."""


@dataclass
class ConsultationInput:
    program: Program
    received_at: datetime
    route: Route
    consent_variant: ConsentVariant
    issues: list[ConsultationIssue]
    main_issue: ConsultationIssue | None
    outcome: Outcome
    person: Person | None = None
    person_decision: AccessDecision | None = None
    household: Household | None = None
    household_visible: bool = False
    is_anonymous: bool = False
    anonymous_description: str = ""
    consent: Consent | None = None
    visitor: Visitor = Visitor.PERSON
    visitor_name: str = ""
    visitor_relationship: str = ""
    visitor_phone: str = ""
    issue_note: str = ""
    words: str = ""
    wishes: str = ""
    urgency: Urgency = Urgency.NORMAL
    outcome_note: str = ""


def _consultation_errors(data: ConsultationInput, organization: Organization) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.person is None and not data.is_anonymous:
        add("person", _("相談の対象の方を選ぶか、「匿名の相談」にチェックしてください。"))
    if data.person is not None and data.is_anonymous:
        add("is_anonymous", _("匿名の相談には対象の方を選べません。"))
    if data.person is not None and (data.person_decision is None or not data.person_decision.allowed):
        add("person", _("閲覧権限のない方の相談は記録できません。"))
    if data.household is not None and not data.household_visible:
        add("household", _("閲覧権限のない世帯は選べません。"))
    if data.is_anonymous and not data.anonymous_description.strip():
        add("anonymous_description", _("匿名の方の概要（例: 60代男性、近隣住民からの相談）を入力してください。"))
    if data.received_at > timezone.now():
        add("received_at", _("受付日時に未来の日時は入力できません。"))
    elif data.received_at < EARLIEST:
        add("received_at", _("受付日時が古すぎます。1900年以降の日時を入力してください。"))
    if data.program.municipality_id != organization.municipality_id:
        add("program", _("他の自治体の事業は選べません。"))
    if not data.issues:
        add("issues", _("相談内容を一つ以上選んでください。"))
    if any(i.municipality_id != organization.municipality_id or not i.is_active for i in data.issues):
        add("issues", _("相談内容に使用できない項目が含まれています。"))
    if data.main_issue is None:
        add("main_issue", _("最も困っていること（◎）を選んでください。"))
    elif data.main_issue not in data.issues:
        add("main_issue", _("最も困っていること（◎）は、選んだ相談内容の中から選んでください。"))
    if data.visitor != Visitor.PERSON and not data.visitor_name.strip():
        add("visitor_name", _("本人以外の来談者の氏名を入力してください。"))
    if data.consent_variant == ConsentVariant.WITH_CONSENT:
        if data.person is None:
            add("consent_variant", _("匿名の相談は「本人同意なし」の様式で記録してください。"))
        elif data.consent is None:
            add("consent", _("「本人同意あり」の様式では、同意の記録を選んでください（先に本人同意を記録します）。"))
        elif data.consent.person_id != data.person.pk or data.consent.withdrawn_on is not None:
            add("consent", _("選んだ同意はこの方の有効な同意ではありません。"))
        elif not consent_covers(data.consent, organization.pk):
            add(
                "consent",
                _("選んだ同意は「%(organization)s」を共有先に含んでいません。この機関で同意を記録してください。")
                % {"organization": organization.name},
            )
    elif data.consent is not None:
        add("consent", _("「本人同意なし」の様式には同意の記録を付けられません。"))
    return errors


@transaction.atomic
def consultation_record(
    *, user: User, data: ConsultationInput, organization_id: int | None = None, request: HttpRequest | None = None
) -> Consultation:
    """Record a consultation received by the user's organisation (any programme, any person)."""
    organization = acting_organization(user, organization_id)
    errors = _consultation_errors(data, organization)
    if errors:
        raise ConsultationError(errors)
    age = age_on(data.person.birth_date, data.received_at.date()) if data.person and data.person.birth_date else None
    assert data.main_issue is not None  # checked above
    consultation = Consultation.objects.create(
        municipality_id=organization.municipality_id,
        organization=organization,
        program=data.program,
        received_at=data.received_at,
        staff=user,
        route=data.route,
        visitor=data.visitor,
        visitor_name=data.visitor_name.strip(),
        visitor_relationship=data.visitor_relationship.strip(),
        visitor_phone=data.visitor_phone.strip(),
        person=data.person,
        household=data.household,
        is_anonymous=data.is_anonymous,
        anonymous_description=data.anonymous_description.strip(),
        consent_variant=data.consent_variant,
        consent=data.consent,
        main_issue=data.main_issue,
        issue_note=data.issue_note.strip(),
        words=data.words.strip(),
        wishes=data.wishes.strip(),
        urgency=data.urgency,
        outcome=data.outcome,
        outcome_note=data.outcome_note.strip(),
        domains=list(consultation_domains(data.issues, age)),
    )
    consultation.issues.set(data.issues)
    audit_record(
        user=user,
        organization=organization,
        action=Action.CREATE,
        obj=consultation,
        person_id=data.person.pk if data.person else None,
        summary=f"相談を受付（{consultation.get_consent_variant_display()}）",
        changes={  # [old, new], as every change to a person's records (the change history shows both)
            "issues": [None, [i.code for i in data.issues]],
            "main_issue": [None, data.main_issue.code if data.main_issue else None],
            "outcome": [None, data.outcome],
            "program": [None, data.program.code],
        },
        basis=Basis.OWN_RECORD,
        basis_source="consultation",
        request=request,
    )
    return consultation


def meeting_secretariat(municipality_id: int) -> Organization | None:
    """The organisation that runs the 支援会議: the division responsible for 多機関協働 in the plan."""
    program = (
        Program.objects.filter(municipality_id=municipality_id, category=Category.COLLABORATION)
        .select_related("responsible_division")
        .order_by(F("plan__start_fiscal_year").desc(nulls_last=True), "-plan__loaded_at")
        .first()
    )
    if program is None:
        return None
    return Organization.objects.filter(division=program.responsible_division, kind="town_division").first()


@dataclass
class ReferralInput:
    to_organization: Organization | None
    reason: str
    shared_information: str
    basis: ReferralBasis
    due_on: date
    to_program: Program | None = None
    to_meeting: bool = False
    consent: Consent | None = None


def _referral_errors(consultation: Consultation, sender: Organization, data: ReferralInput) -> list[str]:
    errors: list[str] = []
    if data.to_meeting:
        secretariat = meeting_secretariat(consultation.municipality_id)
        if secretariat is None:
            errors.append(_("支援会議を所管する機関が計画にありません。"))
        data.to_organization = secretariat
    if data.to_organization is None:
        errors.append(_("つなぎ先の機関を選んでください。"))
    elif data.to_organization.pk == sender.pk:
        errors.append(_("自機関にはつなげません。つなぎ先に他の機関を選んでください。"))
    elif data.to_organization.municipality_id != consultation.municipality_id:
        errors.append(_("他の自治体の機関にはつなげません。"))
    elif data.to_program is not None and not data.to_meeting:
        # The 支援会議's secretariat takes a meeting referral whatever the programme; any other referral
        # goes to an organisation that runs the programme it names (plan data, ``destinations``).
        if data.to_program.municipality_id != consultation.municipality_id:
            errors.append(_("他の自治体の事業は選べません。"))
        elif not program_organizations(data.to_program).filter(pk=data.to_organization.pk).exists():
            errors.append(
                _(
                    "「%(organization)s」は「%(program)s」を実施していません。"
                    "この事業を実施する機関を選ぶか、つなぎ先の事業を選び直してください。"
                )
                % {"organization": data.to_organization.name, "program": data.to_program.name}
            )
    if not data.reason.strip():
        errors.append(_("つなぐ理由を入力してください。"))
    if not data.shared_information.strip():
        errors.append(_("共有する情報を入力してください（必要最小限にとどめます）。"))
    if data.due_on < timezone.localdate():
        errors.append(_("回答期限に過去の日付は入力できません。"))
    without_consent = consultation.consent_variant == ConsentVariant.WITHOUT_CONSENT or consultation.is_anonymous
    if without_consent and (data.basis != ReferralBasis.ART106_6 or not data.to_meeting):
        errors.append(
            _(
                "本人同意のない相談は、支援会議（社会福祉法第106条の6）での検討としてのみつなげます。"
                "「支援会議での検討を依頼」を選んでください。"
            )
        )
    if data.basis == ReferralBasis.CONSENT:
        consent = data.consent or consultation.consent
        if consent is None or consent.person_id != consultation.person_id:
            errors.append(_("本人同意による共有には、この方の同意の記録が必要です。"))
        elif consent.withdrawn_on is not None:
            errors.append(_("同意（%(date)s）は撤回されています。") % {"date": date_label(consent.given_on)})
        elif not consent_covers(consent, sender.pk):
            errors.append(
                _("この同意は「%(organization)s」を共有先に含んでいないため、つなぐ根拠になりません。")
                % {"organization": sender.name}
            )
        elif data.to_organization is not None and not _consent_names(consent, data.to_organization):
            errors.append(
                _(
                    "本人同意の共有先に「%(organization)s」が含まれていません。"
                    "同意の範囲を広げるか、支援会議での検討としてつないでください。"
                )
                % {"organization": data.to_organization.name}
            )
        data.consent = consent
    elif data.basis == ReferralBasis.ART106_6 and not data.to_meeting:
        errors.append(_("支援会議を根拠とする共有は、支援会議での検討の依頼としてのみ行えます。"))
    return errors


def _consent_names(consent: Consent, organization: Organization) -> bool:
    # Sharing on a consent reaches only the organisations it names (the taker's own cover is for recording).
    return consent.organizations.filter(pk=organization.pk).exists()


@dataclass(frozen=True)
class ReferralBasisProposal:
    """The basis a referral to an organisation would rest on, proposed to the sender (who still decides)."""

    basis: ReferralBasis
    to_meeting: bool
    problem: str = ""  # why neither basis fits as it stands ("" when one does)


def referral_basis_for(*, consultation: Consultation, organization: Organization | None) -> ReferralBasisProposal:
    """The consultation's consent when it names ``organization``; the 支援会議 (法第106条の6) when the
    consultation has no consent. A consent that does not name the organisation is proposed with the
    problem ``referral_send`` would refuse it for, so that the sender widens the consent or asks the meeting."""
    without_consent = consultation.consent_variant == ConsentVariant.WITHOUT_CONSENT or consultation.is_anonymous
    consent = consultation.consent
    if without_consent or consent is None:
        return ReferralBasisProposal(ReferralBasis.ART106_6, to_meeting=True)
    if consent.withdrawn_on is not None:
        return ReferralBasisProposal(
            ReferralBasis.ART106_6, to_meeting=True,
            problem=_("同意（%(date)s）は撤回されています。支援会議での検討としてつなぐことができます。")
            % {"date": date_label(consent.given_on)},
        )  # fmt: skip
    if organization is not None and not _consent_names(consent, organization):
        return ReferralBasisProposal(
            ReferralBasis.CONSENT, to_meeting=False,
            problem=_(
                "本人同意の共有先に「%(organization)s」が含まれていません。"
                "同意の範囲を広げるか、支援会議での検討としてつないでください。"
            )
            % {"organization": organization.name},
        )  # fmt: skip
    return ReferralBasisProposal(ReferralBasis.CONSENT, to_meeting=False)


@transaction.atomic
def referral_send(
    *, user: User, consultation: Consultation, data: ReferralInput, request: HttpRequest | None = None
) -> Referral:
    """Connect a consultation (fetched through the consultations selectors) to another organisation."""
    if not _works_at(user, consultation.organization_id):
        raise ConsultationError(_("相談を受け付けた機関の職員がつなぎます。"))
    sender = consultation.organization
    errors = _referral_errors(consultation, sender, data)
    if errors:
        raise ConsultationError(errors)
    assert data.to_organization is not None
    referral = Referral.objects.create(
        municipality_id=consultation.municipality_id,
        consultation=consultation,
        person_id=consultation.person_id,
        household_id=consultation.household_id,
        from_organization=sender,
        to_organization=data.to_organization,
        to_program=data.to_program,
        to_meeting=data.to_meeting,
        reason=data.reason.strip(),
        shared_information=data.shared_information.strip(),
        basis=data.basis,
        consent=data.consent if data.basis == ReferralBasis.CONSENT else None,
        due_on=data.due_on,
        sent_by=user,
    )
    outcome = Outcome.COLLABORATION if data.to_meeting else Outcome.REFERRED
    if consultation.outcome != outcome:
        consultation.outcome = outcome
        consultation.save(update_fields=["outcome"])
    audit_record(
        user=user,
        organization=sender,
        action=Action.CREATE,
        obj=referral,
        person_id=consultation.person_id,
        summary=f"{data.to_organization.name}へつなぐ（{referral.get_basis_display()}）",
        changes={"to": [None, data.to_organization.name], "basis": [None, data.basis], "due_on": [None, data.due_on]},
        basis=data.basis,
        basis_source=f"consent:{data.consent.pk}"
        if data.consent and data.basis == ReferralBasis.CONSENT
        else "art106_6",
        request=request,
    )
    notify(
        user_ids=casework_staff_ids([data.to_organization.pk]), municipality_id=referral.municipality_id,
        event=Event.REFERRAL_RECEIVED,
        summary=f"{sender.name}からつなぎが届きました（回答期限 {referral.due_on:%Y-%m-%d}）",
        key=f"referral_received:{referral.pk}", record_kind="referral", record_id=referral.pk, actor=user,
    )  # fmt: skip
    return referral


def _answered_notice(user: User, referral: Referral, event: Event, verb: str) -> None:
    """Tell the sending organisation (its staff, the sender among them) who answered; the reason of a decline
    is shown from the referral itself, to those who may read it."""
    notify(
        user_ids=[referral.sent_by_id, *casework_staff_ids([referral.from_organization_id])],
        municipality_id=referral.municipality_id, event=event,
        summary=f"{referral.to_organization.name}がつなぎを{verb}しました", key=f"{event.value}:{referral.pk}",
        record_kind="referral", record_id=referral.pk, actor=user,
    )  # fmt: skip


def _works_at(user: User, organization_id: int) -> bool:
    return any(m.organization_id == organization_id for m in casework_memberships(user))


def _receiver(user: User, referral: Referral) -> Organization:
    # A quick answer for a page showing an old state; the locked check in ``transition`` decides.
    if referral.status != ReferralStatus.SENT:
        raise _answered(referral)
    if not _works_at(user, referral.to_organization_id):
        raise ConsultationError(_("つなぎ先の機関の職員だけが回答できます。"))
    return referral.to_organization


def _answered(current: Referral) -> ConsultationError:
    status = current.get_status_display()
    if current.responded_by_id:
        return ConsultationError(
            _("このつなぎにはすでに回答しています（%(status)s、%(by)s）。画面を開き直して確認してください。")
            % {"status": status, "by": current.responded_by}
        )
    return ConsultationError(
        _("このつなぎにはすでに回答しています（%(status)s）。画面を開き直して確認してください。") % {"status": status}
    )


@transaction.atomic
def referral_accept(*, user: User, referral: Referral, request: HttpRequest | None = None) -> Referral:
    """The receiving organisation accepts; it is then granted access to the person on the referral's basis.

    Exactly one of an accept and a decline (or two accepts) at the same moment wins; the other gets
    ``ConsultationError`` and writes nothing (``tsunagu.core.transitions``). The consent is locked too, so
    that a withdrawal at the same moment either comes first (and this refuses) or waits and then revokes
    the grant given here.
    """
    receiver = _receiver(user, referral)
    consent = locked(referral.consent) if referral.consent is not None else None
    if referral.basis == ReferralBasis.CONSENT and (consent is None or consent.withdrawn_on):
        raise ConsultationError(
            _("本人同意が撤回されたため、このつなぎは受理できません。つないだ機関に連絡してください。")
        )
    referral = transition(
        referral,
        expect={"status": ReferralStatus.SENT},
        values={"status": ReferralStatus.ACCEPTED, "responded_by": user, "responded_at": timezone.now()},
        refused=_answered,
    )
    audit_record(
        user=user, organization=receiver, action=Action.UPDATE, obj=referral, person_id=referral.consultation.person_id,
        summary=f"つなぎを受理（{referral.from_organization.name}から）", changes={"status": ["sent", "accepted"]},
        basis=referral.basis, request=request,
    )  # fmt: skip
    person = referral.consultation.person
    if person is not None:
        basis = Basis.CONSENT if referral.basis == ReferralBasis.CONSENT else Basis.ART106_6
        already = AccessGrant.objects.active().filter(person=person, organization=receiver, basis=basis)
        if not already.exists():
            grant_create(
                organization=receiver,
                person=person,
                basis=basis,
                source=f"referral:{referral.pk}",
                consent=referral.consent,
                granted_by=user,
                reason=referral.reason,
                request=request,
            )
    _answered_notice(user, referral, Event.REFERRAL_ACCEPTED, "受理")
    return referral


@transaction.atomic
def referral_decline(*, user: User, referral: Referral, reason: str, request: HttpRequest | None = None) -> Referral:
    """The receiving organisation declines, with its reason; as ``referral_accept``, one answer wins."""
    receiver = _receiver(user, referral)
    if not reason.strip():
        raise ConsultationError(_("辞退の理由を入力してください（つないだ機関が次の行き先を考えられるように）。"))
    referral = transition(
        referral,
        expect={"status": ReferralStatus.SENT},
        values={
            "status": ReferralStatus.DECLINED, "responded_by": user, "responded_at": timezone.now(),
            "decline_reason": reason.strip(),
        },
        refused=_answered,
    )  # fmt: skip
    audit_record(
        user=user, organization=receiver, action=Action.UPDATE, obj=referral, person_id=referral.consultation.person_id,
        summary="つなぎを辞退", changes={"status": ["sent", "declined"], "decline_reason": [None, reason.strip()]},
        basis=referral.basis, request=request,
    )  # fmt: skip
    _answered_notice(user, referral, Event.REFERRAL_DECLINED, "辞退")
    return referral


@dataclass
class CaseNoteInput:
    occurred_at: datetime
    means: Means
    counterpart: Counterpart
    content: str
    counterpart_detail: str = ""
    next_step: str = ""
    next_step_on: date | None = None


@transaction.atomic
def case_note_add(
    *, user: User, data: CaseNoteInput, person: Person | None = None, household: Household | None = None,
    consultation: Consultation | None = None, organization_id: int | None = None, request: HttpRequest | None = None,
) -> CaseNote:  # fmt: skip
    """Add a progress record about a person or household the caller fetched through the access core, for the
    organisation named (one of the user's; by default the first)."""
    organization = acting_organization(user, organization_id)
    errors: dict[str, list[str]] = {}
    if person is None and household is None:
        errors["__all__"] = [_("記録の対象（本人または世帯）が必要です。")]
    if data.occurred_at > timezone.now():
        errors["occurred_at"] = [_("日時に未来の日時は入力できません。")]
    elif data.occurred_at < EARLIEST:
        errors["occurred_at"] = [_("日時が古すぎます。1900年以降の日時を入力してください。")]
    if not data.content.strip():
        errors["content"] = [_("内容を入力してください。")]
    if data.next_step_on and data.next_step_on < timezone.localtime(data.occurred_at).date():
        errors["next_step_on"] = [_("予定日が記録の日付より前になっています。")]
    if data.next_step_on and not data.next_step.strip():
        errors["next_step"] = [_("予定日を入れる場合は、今後の予定を入力してください。")]
    if errors:
        raise ConsultationError(errors)
    note = CaseNote.objects.create(
        municipality_id=organization.municipality_id,
        organization=organization,
        person=person,
        household=household,
        consultation=consultation,
        occurred_at=data.occurred_at,
        means=data.means,
        staff=user,
        counterpart=data.counterpart,
        counterpart_detail=data.counterpart_detail.strip(),
        content=data.content.strip(),
        next_step=data.next_step.strip(),
        next_step_on=data.next_step_on,
    )
    audit_record(
        user=user, organization=organization, action=Action.CREATE, obj=note,
        person_id=person.pk if person else None, summary=f"支援経過を記録（{note.get_means_display()}）",
        basis=Basis.OWN_RECORD, basis_source="case_note", request=request,
    )  # fmt: skip
    return note


@transaction.atomic
def referral_note_add(
    *, user: User, referral: Referral, data: CaseNoteInput, request: HttpRequest | None = None
) -> CaseNote:
    """The receiving organisation's progress record about the person of a referral it accepted (the first
    record usually follows the acceptance at once), for the receiving organisation, on the referral's
    consultation. The referral is fetched through the consultations selectors; the person is read through
    the access core here (the grant the acceptance gave, or any other the receiver holds)."""
    if not _works_at(user, referral.to_organization_id):
        raise ConsultationError(_("つなぎ先の機関の職員が、受理したつなぎの支援経過を記録します。"))
    if referral.status != ReferralStatus.ACCEPTED:
        raise ConsultationError(_("つなぎを受理してから支援経過を記録してください。"))
    if referral.person_id is None or not decide(user, referral.person_id).allowed:
        raise ConsultationError(_("この方の記録を閲覧できないため、支援経過を記録できません。"))
    return case_note_add(
        user=user, data=data, person=referral.person, consultation=referral.consultation,
        organization_id=referral.to_organization_id, request=request,
    )  # fmt: skip
