"""Reads about a staff account's second factor: whether it needs one, its device, this session's state."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.core.models import Membership, User


def two_factor_required_for_user(*, user: User) -> bool:
    """Whether the user's municipality asks a second factor of one of the roles the user holds."""
    required = user.municipality.two_factor_roles
    if not required:
        return False
    return Membership.objects.filter(user=user, municipality=user.municipality, role__in=required).exists()


def two_factor_device_for_user(*, user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device: the one a code is checked against."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_pending_device_for_user(*, user: User, device_id: object) -> TOTPDevice | None:
    """The unconfirmed device that this session's setup page created, if it is still there."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()


def two_factor_verified(*, user: object) -> bool:
    """Whether this request's session confirmed a code: django_otp's OTPMiddleware sets ``otp_device``."""
    return getattr(user, "otp_device", None) is not None
