"""Writes about the people who use the system: creating a user and adding a membership.

The audited writes about accounts (two-factor devices, the roles that must use them, the administration
pages) are in ``tsunagu.accounts``: they write audit entries, and core sits below audit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from tsunagu.core.models import Membership, Municipality, Organization, Role, User


@transaction.atomic
def user_create(
    *,
    municipality: Municipality,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    memberships: Iterable[tuple[Organization, Role]] = (),
) -> User:
    """Create a user of ``municipality`` with roles at its organisations.

    Raises ValidationError when an organisation belongs to another municipality: nothing crosses.
    """
    user = User(municipality=municipality, username=username, display_name=display_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    for organization, role in memberships:
        membership_add(user=user, organization=organization, role=role)
    return user


def membership_add(*, user: User, organization: Organization, role: Role) -> Membership:
    if organization.municipality_id != user.municipality_id:
        raise ValidationError("他の自治体の機関には所属できません。")
    membership, _ = Membership.objects.get_or_create(
        municipality=user.municipality, user=user, organization=organization, role=role
    )
    return membership
