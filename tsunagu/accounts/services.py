"""Audited writes about staff accounts: two-factor devices and the roles that must use them, and the
confirmation of a casework role granted on the administration pages.

Here rather than in core because each one writes an audit entry, and core is below audit.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.selectors import confirmers_for_municipality
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import CASEWORK_ROLES, Membership, Municipality, Role, User


@transaction.atomic
def municipality_two_factor_require(*, municipality: Municipality, roles: Iterable[str], by: str) -> Municipality:
    """Set the roles whose holders must confirm a TOTP code after the password (an empty list: none).

    Raises ValidationError, in Japanese, for a value that is not a Role. ``by`` names who asked (the
    command line has no signed-in user), for the audit entry.
    """
    wanted = set(roles)
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        raise ValidationError("役割「{}」は不明です。使える役割: {}".format("、".join(unknown), ", ".join(Role.values)))
    before = list(municipality.two_factor_roles)
    municipality.two_factor_roles = [role for role in Role.values if role in wanted]
    municipality.save(update_fields=["two_factor_roles"])
    audit_record(
        user=None,
        username=by,
        action=Action.UPDATE,
        obj=municipality,
        summary=f"{municipality.name}: 二要素認証が必要な役割を変更",
        changes={"two_factor_roles": [before, municipality.two_factor_roles]},
    )
    return municipality


class TokenCheck(enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    # django-otp's back-off after wrong codes (1, 2, 4 … seconds): no code is checked until it has passed.
    THROTTLED = "throttled"


@dataclass(frozen=True)
class TokenResult:
    check: TokenCheck
    device: TOTPDevice | None = None
    retry_after_seconds: int = 0

    @property
    def accepted(self) -> bool:
        return self.check is TokenCheck.ACCEPTED


_FAILURE = {TokenCheck.REJECTED: "確認コードの誤り", TokenCheck.THROTTLED: "待ち時間中の入力"}


def _token_check(device: TOTPDevice, token: str) -> TokenResult:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        wait = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
        return TokenResult(TokenCheck.THROTTLED, device, max(wait, 1))
    # verify_token refuses a code at or before the last accepted one, so a code is good only once.
    if device.verify_token(token):
        return TokenResult(TokenCheck.ACCEPTED, device)
    return TokenResult(TokenCheck.REJECTED, device)


@transaction.atomic
def two_factor_device_start(*, user: User) -> TOTPDevice:
    """A new unconfirmed TOTP device with a fresh secret, for the setup page of one session.

    Earlier unconfirmed devices go: a secret shown in another session, perhaps to someone who had only
    the password, must not become the one the user later confirms.
    """
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="スマートフォン", confirmed=False)


@transaction.atomic
def two_factor_device_confirm(*, user: User, device_id: int, token: str, request: HttpRequest) -> TokenResult:
    """Confirm the user's pending device with the first code its app shows.

    Only while the user has no confirmed device: adding a second one needs the first (and is not offered).
    Every attempt is audited; the caller marks the session verified when the result is accepted.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return TokenResult(TokenCheck.REJECTED)
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        return TokenResult(TokenCheck.REJECTED)
    result = _token_check(device, token)
    if result.accepted:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(user=user, action=Action.CREATE, obj=device, summary="二要素認証の端末を登録", request=request)
    else:
        audit_record(
            user=user,
            action=Action.LOGIN_FAILED,
            summary=f"二要素認証の端末登録: {_FAILURE[result.check]}",
            request=request,
        )
    return result


@transaction.atomic
def two_factor_code_verify(*, user: User, token: str, request: HttpRequest) -> TokenResult:
    """Check a code against the user's confirmed device; audited whether it passes or not."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return TokenResult(TokenCheck.REJECTED)
    result = _token_check(device, token)
    if result.accepted:
        audit_record(user=user, action=Action.LOGIN, summary="二要素認証（確認コード）", request=request)
    else:
        audit_record(
            user=user, action=Action.LOGIN_FAILED, summary=f"二要素認証: {_FAILURE[result.check]}", request=request
        )
    return result


@transaction.atomic
def two_factor_reset(*, user: User, by: str) -> int:
    """Remove every TOTP device of ``user`` (a lost or replaced phone); the next login sets up a new one.

    A session that had confirmed a code with a removed device counts as unconfirmed from its next request.
    """
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        user=None,
        username=by,
        action=Action.DELETE,
        obj=user,
        summary=f"{user.get_username()} の二要素認証の端末を削除（{count}台）",
    )
    return count


# --- Casework roles take effect once confirmed (docs/accounts.md) ---------------------------------
def membership_set_by_administrator(
    *, membership: Membership, administrator: User, before: tuple[int, str, bool] | None
) -> None:
    """Fill in who asked and whether ``membership`` waits for confirmation, before an administrator's save.

    ``before`` is the row's (organisation id, role, confirmed) before the edit, None for a new row. A
    casework role waits for a supervisor's confirmation (``membership_confirm``); so does a row moved to
    another organisation or to a stronger casework role. Other roles open no personal data and are in
    effect at once, as is a step down to 相談員 at the same organisation: giving less needs nobody's
    confirmation. Does not save: the administration page's formset does, in its transaction.
    """
    now = timezone.now()
    if before is not None:
        organization_id, role, confirmed = before
        if (organization_id, role) == (membership.organization_id, membership.role):
            return
        if (
            confirmed
            and organization_id == membership.organization_id
            and role in CASEWORK_ROLES
            and membership.role == Role.CASEWORKER
        ):
            return  # a demotion within the organisation: in effect at once, as confirmed before
    membership.municipality_id = administrator.municipality_id
    membership.requested_by = administrator
    membership.requested_at = now
    if membership.role in CASEWORK_ROLES:
        membership.confirmed_at, membership.confirmed_by, membership.confirmed_by_name = None, None, ""
    else:
        membership.confirmed_at = now
        membership.confirmed_by = administrator
        membership.confirmed_by_name = administrator.get_username()


def _pending_for(user: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organization")
        .filter(pk=membership_id, municipality_id=user.municipality_id)
        .first()
    )
    if membership is None or not membership.is_pending:
        raise ValidationError(_("この申請はすでに処理されたか、取り消されています。"))
    confirmers = confirmers_for_municipality(municipality_id=user.municipality_id)
    if not user.is_active or not confirmers.may_confirm(user=user, membership=membership):
        raise ValidationError(_("この役割を確認する権限がありません。"))
    return membership


def _described(membership: Membership) -> str:
    return f"{membership.user.get_username()} / {membership.organization.name} / {membership.get_role_display()}"


@transaction.atomic
def membership_confirm(*, user: User, membership_id: int, request: HttpRequest | None = None) -> Membership:
    """Confirm a casework role waiting at an organisation; from now on it opens that organisation's records.

    Only for someone ``Confirmers`` names (a supervisor of the organisation, else of its division, else a
    second administrator), never the person it is for nor the one who asked. Raises ValidationError in
    Japanese otherwise, or when the request was already answered or withdrawn. Audited.
    """
    membership = _pending_for(user, membership_id)
    membership.confirmed_at = timezone.now()
    membership.confirmed_by = user
    membership.confirmed_by_name = user.get_username()
    membership.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_by_name"])
    audit_record(
        user=user,
        action=Action.UPDATE,
        obj=membership,
        summary=f"役割の確認: {_described(membership)}",
        changes={"confirmed_at": [None, membership.confirmed_at], "confirmed_by": [None, user.get_username()]},
        request=request,
    )
    return membership


@transaction.atomic
def membership_decline(*, user: User, membership_id: int, request: HttpRequest | None = None) -> None:
    """Decline a casework role waiting for confirmation: the request is removed, and the log keeps it.

    The same people as ``membership_confirm`` may decline; the same errors.
    """
    membership = _pending_for(user, membership_id)
    audit_record(
        user=user,
        action=Action.DELETE,
        obj=membership,
        summary=f"役割の申請を承認せず削除: {_described(membership)}",
        changes={"role": [membership.role, None], "organization": [membership.organization.name, None]},
        request=request,
    )
    membership.delete()
