"""Writes about the people who use the system: creating a user and adding a membership.

The audited writes about accounts (two-factor devices, the roles that must use them, the administration
pages) are in ``tsunagu.accounts``: they write audit entries, and core sits below audit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    confirmed_by: str = "user_create",
) -> User:
    """Create a user of ``municipality`` with roles at its organisations, in effect at once.

    For code run by an operator (commands, the demo, tests): ``confirmed_by`` names who stands behind the
    memberships (``command_operator(...)`` for a command). Staff added on the administration pages get a
    casework role only once a supervisor confirms it (``tsunagu.accounts``). Raises ValidationError when
    an organisation belongs to another municipality: nothing crosses.
    """
    user = User(municipality=municipality, username=username, display_name=display_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    for organization, role in memberships:
        membership_add(user=user, organization=organization, role=role, confirmed_by=confirmed_by)
    return user


def membership_add(*, user: User, organization: Organization, role: Role, confirmed_by: str) -> Membership:
    """A membership in effect at once, confirmed by ``confirmed_by`` (a command, as ``user_create``)."""
    if organization.municipality_id != user.municipality_id:
        raise ValidationError(_("他の自治体の機関には所属できません。"))
    now = timezone.now()
    membership, _created = Membership.objects.get_or_create(
        municipality=user.municipality,
        user=user,
        organization=organization,
        role=role,
        defaults={"requested_at": now, "confirmed_at": now, "confirmed_by_name": confirmed_by[:150]},
    )
    return membership
