"""Granting and revoking access; recording and withdrawing consent; emergency access and its review.

Every function here is a validated, atomic state change that writes its audit entries. Errors are
``AccessError`` with a message a caseworker understands.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access import reviews
from tsunagu.access.models import AccessGrant, Basis, Consent, ConsentGiver, ConsentMethod, ReviewStatus
from tsunagu.access.policy import casework_memberships, decide
from tsunagu.access.signals import consent_withdrawn
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import Organization, User
from tsunagu.core.scans import check_scan
from tsunagu.core.transitions import transition

EMERGENCY_MAX_HOURS = 72


class PersonRef(Protocol):
    """What the access core needs of a person: it is generic over person ids (it imports no people app)."""

    pk: int
    municipality_id: int


class AccessError(ValidationError):
    """A refused access operation; ``messages`` are shown to the user as they are."""


def acting_organization(user: User, organization_id: int | None = None) -> Organization:
    """The organisation the user acts for: the one named, which must be a casework membership of theirs."""
    memberships = casework_memberships(user)
    if not memberships:
        raise AccessError(_("相談業務の役割がないため、個人の記録は扱えません。"))
    if organization_id is None:
        return memberships[0].organization
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership.organization
    raise AccessError(_("所属していない機関として操作することはできません。"))


def grant_create(
    *,
    organization: Organization,
    person: PersonRef,
    basis: Basis,
    source: str,
    granted_by: User | None,
    reason: str = "",
    valid_until=None,
    consent: Consent | None = None,
    review_status: str = "",
    request: HttpRequest | None = None,
) -> AccessGrant:
    problem = _grant_problem(organization, person, basis)
    if problem:
        raise AccessError(problem)
    grant = AccessGrant.objects.create(
        municipality_id=person.municipality_id,
        organization=organization,
        person_id=person.pk,
        basis=basis,
        source=source,
        consent=consent,
        reason=reason,
        granted_by=granted_by,
        valid_until=valid_until,
        review_status=review_status,
    )
    audit_record(
        user=granted_by,
        organization=organization,
        action=Action.GRANT,
        obj=grant,
        person_id=person.pk,
        summary=f"{organization.name}に閲覧権限（{grant.get_basis_display()}）",
        basis=basis,
        basis_source=source,
        request=request,
    )
    return grant


def _grant_problem(organization: Organization, person: PersonRef, basis: str) -> str:
    """Why this grant may not be given ("" when it may): the rules ``grant_create`` and its bulk variant share."""
    if organization.municipality_id != person.municipality_id:
        return _("他の自治体の機関に閲覧権限を付与することはできません。")
    if basis not in Basis.values:
        return _("閲覧権限の法的根拠「%(basis)s」は定められていません。") % {"basis": basis}
    return ""


@dataclass(frozen=True)
class GrantInput:
    """One grant of ``grants_create_bulk``: which organisation may see whom, on what basis, from what source."""

    organization: Organization
    person: PersonRef
    basis: Basis
    source: str
    consent: Consent | None = None
    reason: str = ""
    # Who gave this one grant when it is not the call's ``granted_by`` (a consent's taker, a referral's receiver).
    granted_by: User | None = None
    # When it took effect, for records written after the fact (the demo town's year); now when None.
    granted_at: datetime | None = None


BULK_BATCH_SIZE = 1_000  # rows per INSERT (Django lowers it on SQLite to stay under its parameter limit)


def _bulk_grant_problem(grant: GrantInput) -> str:
    if grant.basis == Basis.EMERGENCY:
        # An emergency needs its own reason, a time limit and a supervisor's review: emergency_access_request.
        return _("緊急時の閲覧権限は一件ずつ、理由と期限を付けて申請してください。")
    return _grant_problem(grant.organization, grant.person, grant.basis)


@transaction.atomic
def grants_create_bulk(
    *, grants: Sequence[GrantInput], granted_by: User | None, summary: str = "", request: HttpRequest | None = None
) -> list[AccessGrant]:
    """Give many grants at once, in the shapes ``grant_create`` gives them; for bulk writers (the register
    import, the demo town), not for a page.

    The same rules as ``grant_create`` (the organisation is of the person's municipality, the basis is a
    ``Basis``), checked for every grant before any is written; an emergency grant is refused here: it
    needs a reason, a time limit and a review (``emergency_access_request``). Raises ``AccessError``
    naming the first refused grant and how many were refused; nothing is written then.

    One audit entry for the call (``summary``, or a count), with the number of grants by organisation and
    basis — not one per grant: the callers record the people they write (the import one entry per person,
    naming its grant; the demo town one entry per run), and an entry per grant would make the 16,000-row
    import about a third slower. The grant rows themselves keep who granted what, when and why.
    Returns the grants, with their ids, in the order given.
    """
    refused = [problem for problem in map(_bulk_grant_problem, grants) if problem]
    if refused:
        raise AccessError(
            _("%(problem)s（該当%(count)s件。何も付与していません）") % {"problem": refused[0], "count": len(refused)}
            if len(refused) > 1
            else refused[0]
        )
    now = timezone.now()
    created = AccessGrant.objects.bulk_create(
        [
            AccessGrant(
                municipality_id=g.person.municipality_id, organization=g.organization, person_id=g.person.pk,
                basis=g.basis, source=g.source, consent=g.consent, reason=g.reason,
                granted_by=g.granted_by or granted_by, granted_at=g.granted_at or now, valid_from=g.granted_at or now,
            )
            for g in grants
        ],
        batch_size=BULK_BATCH_SIZE,
    )  # fmt: skip
    if not created:
        return created
    counts = Counter((g.organization.name, str(g.basis)) for g in grants)
    organizations = {g.organization.pk: g.organization for g in grants}
    sources = {g.source for g in grants}
    bases = {str(g.basis) for g in grants}
    audit_record(
        user=granted_by,
        organization=next(iter(organizations.values())) if len(organizations) == 1 else None,
        action=Action.GRANT,
        summary=summary or f"閲覧権限を一括付与（{len(created)}件）",
        changes={
            "grants": len(created),
            "by_organization_and_basis": [[name, basis, n] for (name, basis), n in sorted(counts.items())],
        },
        basis=next(iter(bases)) if len(bases) == 1 else "",
        basis_source=next(iter(sources)) if len(sources) == 1 else "",
        request=request,
    )
    return created


def grants_revoke(
    *, grants: list[AccessGrant], by: User | None, reason: str, request: HttpRequest | None = None
) -> int:
    now = timezone.now()
    for grant in grants:
        if grant.revoked_at is not None:
            continue
        grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, by, reason[:200]
        grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            user=by,
            organization=grant.organization,
            action=Action.REVOKE,
            obj=grant,
            person_id=grant.person_id,
            summary=f"{grant.organization.name}の閲覧権限を取消: {reason}"[:300],
            basis=grant.basis,
            basis_source=grant.source,
            request=request,
        )
    return len(grants)


def plan_agencies(municipality_id: int) -> list[Organization]:
    """Every 支援関係機関 of the municipality (town divisions included: 多機関協働 happens there)."""
    return list(Organization.objects.filter(municipality_id=municipality_id).order_by("order", "pk"))


@dataclass
class ConsentInput:
    purpose: str
    method: ConsentMethod
    given_on: date
    organizations: list[Organization] = field(default_factory=list)
    all_plan_agencies: bool = False
    given_by: ConsentGiver = ConsentGiver.SELF
    representative_name: str = ""
    representative_relationship: str = ""
    document: UploadedFile | None = None


def _consent_errors(person: PersonRef, data: ConsentInput) -> list[str]:
    errors = []
    if not data.purpose.strip():
        errors.append(_("利用目的を入力してください。"))
    if data.given_on > timezone.localdate():
        errors.append(_("同意日に未来の日付は入力できません。"))
    if not data.all_plan_agencies and not data.organizations:
        errors.append(_("共有先の機関を一つ以上選ぶか、「計画のすべての支援関係機関」を選んでください。"))
    if any(o.municipality_id != person.municipality_id for o in data.organizations):
        errors.append(_("他の自治体の機関は共有先に選べません。"))
    if data.given_by != ConsentGiver.SELF and not data.representative_name.strip():
        errors.append(_("代理人による同意では、代理人の氏名を入力してください。"))
    if data.method == ConsentMethod.ORAL and data.document:
        errors.append(_("口頭の同意に同意書は添付できません（書面を選んでください）。"))
    return errors


def _stored_scan(document: UploadedFile | None, errors: list[str]) -> File | None:
    """The scan, checked by its content (``tsunagu.core.scans``), under a random name with the extension of
    its type: the uploaded name is not kept (it may carry the person's name). A refusal joins ``errors``."""
    if not document:
        return None
    try:
        scan = check_scan(document)
    except ValidationError as error:
        errors.extend(error.messages)
        return None
    return File(document, name=f"{secrets.token_hex(16)}{scan.extension}")


def _require_editing(user: User, person_id: int, what: str) -> None:
    """Consent is recorded and withdrawn by an agency that holds the record (own record or consent): a
    支援会議 or an emergency only lets it read. Asked of the access rule here, whatever the page showed."""
    decision = decide(user, person_id)
    if not decision.may_edit:
        if decision.allowed:
            raise AccessError(_("%(action)s権限がありません（閲覧のみ）。") % {"action": what})
        raise AccessError(_("%(action)s権限がありません。") % {"action": what})


@transaction.atomic
def consent_record(
    *, user: User, person: PersonRef, data: ConsentInput, organization_id: int | None = None,
    request: HttpRequest | None = None,
) -> Consent:  # fmt: skip
    """Record a consent and give each organisation in its scope access under it.

    The caller has fetched ``person`` through ``person_get_for_user``; the user must also be able to edit
    the person's record (own record or consent), else ``AccessError``. With ``all_plan_agencies`` the
    scope is the agencies that exist today, written out: consent cannot reach agencies not yet known.
    A scanned form is accepted by its content (PDF, JPEG, PNG, TIFF: ``tsunagu.core.scans``), else
    ``AccessError`` naming what it is, and stored under a random name, readable by the service only.
    """
    _require_editing(user, person.pk, _("この方の本人同意を記録する"))
    errors = _consent_errors(person, data)
    document = _stored_scan(data.document, errors)
    if errors:
        raise AccessError(errors)
    taker_organization = acting_organization(user, organization_id)
    consent = Consent.objects.create(
        municipality_id=person.municipality_id,
        person_id=person.pk,
        all_plan_agencies=data.all_plan_agencies,
        purpose=data.purpose.strip(),
        method=data.method,
        given_by=data.given_by,
        representative_name=data.representative_name.strip(),
        representative_relationship=data.representative_relationship.strip(),
        given_on=data.given_on,
        taken_by=user,
        taken_by_organization=taker_organization,
        document=document or "",
    )
    scope = plan_agencies(person.municipality_id) if data.all_plan_agencies else data.organizations
    consent.organizations.set(scope)
    audit_record(
        user=user,
        organization=taker_organization,
        action=Action.CREATE,
        obj=consent,
        person_id=person.pk,
        summary=f"本人同意を記録（{len(scope)}機関）",
        changes={
            "organizations": [None, [o.name for o in scope]],
            "purpose": [None, consent.purpose],
            "method": [None, consent.method],
        },
        basis=Basis.CONSENT,
        basis_source=f"consent:{consent.pk}",
        request=request,
    )
    for organization in scope:
        grant_create(
            organization=organization,
            person=person,
            basis=Basis.CONSENT,
            source=f"consent:{consent.pk}",
            consent=consent,
            granted_by=user,
            reason=consent.purpose,
            request=request,
        )
    return consent


def _withdrawn(current: Consent) -> AccessError:
    assert current.withdrawn_on is not None
    on = date_label(current.withdrawn_on)
    if current.withdrawn_recorded_by_id:
        return AccessError(
            _("この同意はすでに撤回されています（%(date)s撤回、%(by)sが記録）。")
            % {"date": on, "by": current.withdrawn_recorded_by}
        )
    return AccessError(_("この同意はすでに撤回されています（%(date)s撤回）。") % {"date": on})


@transaction.atomic
def consent_withdraw(
    *, user: User, consent: Consent, withdrawn_on: date, note: str = "", request: HttpRequest | None = None
) -> Consent:
    """Record the withdrawal and revoke, in the same transaction, every grant the consent gave.

    A consent is withdrawn once: of two withdrawals at the same moment one wins, the other gets
    ``AccessError`` and writes nothing (``tsunagu.core.transitions``). The grants are read after the
    consent is locked, so a referral accepted under it just before is revoked with the rest. The user
    must be able to edit the person's record (own record or consent), else ``AccessError``.
    """
    _require_editing(user, consent.person_id, _("この方の本人同意の撤回を記録する"))
    if consent.withdrawn_on is not None:
        raise _withdrawn(consent)
    if withdrawn_on > timezone.localdate():
        raise AccessError(_("撤回日に未来の日付は入力できません。"))
    if withdrawn_on < consent.given_on:
        raise AccessError(_("撤回日が同意日より前になっています。"))
    acting = acting_organization(user)
    consent = transition(
        consent,
        expect={"withdrawn_on": None},
        values={"withdrawn_on": withdrawn_on, "withdrawn_recorded_by": user, "withdrawal_note": note.strip()},
        refused=_withdrawn,
    )
    audit_record(
        user=user,
        organization=acting,
        action=Action.UPDATE,
        obj=consent,
        person_id=consent.person_id,
        summary="本人同意の撤回を記録",
        changes={"withdrawn_on": [None, withdrawn_on]},
        basis=Basis.CONSENT,
        basis_source=f"consent:{consent.pk}",
        request=request,
    )
    grants_revoke(
        grants=list(consent.grants.filter(revoked_at__isnull=True).select_related("organization")),
        by=user,
        reason="本人同意の撤回",
        request=request,
    )
    consent_withdrawn.send(sender=Consent, consent=consent, user=user, request=request)
    return consent


@transaction.atomic
def emergency_access_request(
    *, user: User, person: PersonRef, reason: str, hours: int, organization_id: int | None = None,
    request: HttpRequest | None = None,
) -> AccessGrant:  # fmt: skip
    """Time-limited access when life or safety is at risk; a supervisor reviews it afterwards.

    ``person`` was found by ``emergency_person_lookup`` (exact identifiers, not a browse).
    """
    organization = acting_organization(user, organization_id)
    if len(reason.strip()) < 10:
        raise AccessError(_("緊急に閲覧する理由を具体的に（10文字以上）書いてください。"))
    if not 1 <= hours <= EMERGENCY_MAX_HOURS:
        raise AccessError(_("緊急時の閲覧期間は1時間から%(hours)s時間までです。") % {"hours": EMERGENCY_MAX_HOURS})
    return grant_create(
        organization=organization,
        person=person,
        basis=Basis.EMERGENCY,
        source="emergency",
        reason=reason.strip(),
        granted_by=user,
        valid_until=timezone.now() + timedelta(hours=hours),
        review_status=ReviewStatus.PENDING,
        request=request,
    )


def _reviewed(current: AccessGrant) -> AccessError:
    status = current.get_review_status_display()
    if current.reviewed_by_id:
        return AccessError(
            _("この緊急閲覧はすでに確認済みです（%(status)s、%(by)s）。")
            % {"status": status, "by": current.reviewed_by}
        )
    return AccessError(_("この緊急閲覧はすでに確認済みです（%(status)s）。") % {"status": status})


@transaction.atomic
def emergency_access_review(
    *, user: User, grant: AccessGrant, approve: bool, note: str, request: HttpRequest | None = None
) -> AccessGrant:
    """A reviewer of the grant (``reviews``: its organisation's supervisors, else its 所管課's, and the plan's
    reviewer; never the one who used it) confirms or rejects an emergency access.

    Rejecting ends the access at once. Reviewed once: of two reviews at the same moment one wins, the
    other gets ``AccessError`` and writes nothing (``tsunagu.core.transitions``). The entry names the
    organisation the reviewer reviewed for.
    """
    reviewing_for = reviews.reviewing_organization(user, grant)
    if reviewing_for is None:
        raise AccessError(_("この緊急閲覧を確認する権限がありません。"))
    if grant.review_status != ReviewStatus.PENDING:
        raise _reviewed(grant)
    if not approve and not note.strip():
        raise AccessError(_("不適切と判断した理由を書いてください。"))
    grant = transition(
        grant,
        expect={"review_status": ReviewStatus.PENDING},
        values={
            "review_status": ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
            "reviewed_by": user, "reviewed_at": timezone.now(), "review_note": note.strip(),
        },
        refused=_reviewed,
    )  # fmt: skip
    audit_record(
        user=user,
        organization=reviewing_for,
        action=Action.UPDATE,
        obj=grant,
        person_id=grant.person_id,
        summary=f"緊急閲覧の確認: {grant.get_review_status_display()}（{grant.organization.name}）",
        changes={"review_status": [ReviewStatus.PENDING, grant.review_status]},
        basis=Basis.EMERGENCY,
        basis_source=f"{reviews.REVIEW_SOURCE} grant:{grant.pk}",
        request=request,
    )
    if not approve:
        grants_revoke(grants=[grant], by=user, reason="監督者が不適切と判断", request=request)
    return grant
