"""Reads about staff accounts: the second factor (whether it needs one, its device, this session's state)
and who may confirm a casework role waiting for confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.core.models import Membership, Organization, OrganizationKind, Role, User


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


# --- Confirming a casework role (docs/accounts.md) -------------------------------------------------
@dataclass(frozen=True)
class Confirmers:
    """Who may confirm a casework role waiting at an organisation of one municipality.

    In this order, the first that has anyone: the organisation's own supervisors; the supervisors of the
    town division it belongs to (所管課, ``Organization.division``); and where neither exists (the first
    supervisor of a new organisation outside any division), an administrator who did not request it and
    whose own administrator role was not given by the one who requested it. Never the person the role is
    for, nor the one who requested it: nobody both grants and confirms.
    """

    supervisors: dict[int, frozenset[int]]  # organisation → its supervisors (confirmed, active)
    division_organizations: dict[int, tuple[int, ...]]  # division → the organisations that are that division
    organization_division: dict[int, int | None]
    administrators: dict[int, int | None]  # administrator → who requested their administrator role
    # Every administrator role in the town, the retired accounts' too: user → who asked for it. The chain is
    # followed to its start, so an account made through accounts of the asker's making is no second pair of
    # eyes either. (A role deleted on the way is no longer seen here; its deletion is in the audit log.)
    administrator_makers: dict[int, frozenset[int]] = field(default_factory=dict)

    def made_through(self, pk: int, maker: int) -> bool:
        """Whether ``pk``'s administrator role goes back, through any chain of administrators, to ``maker``."""
        seen: set[int] = set()
        todo = [pk]
        while todo:
            for given_by in self.administrator_makers.get(todo.pop(), ()):
                if given_by == maker:
                    return True
                if given_by not in seen:
                    seen.add(given_by)
                    todo.append(given_by)
        return False

    def of(self, membership: Membership) -> tuple[str, frozenset[int]]:
        """(``"organization"`` | ``"division"`` | ``"administrator"``, the user ids who may confirm)."""
        excluded = {membership.user_id, membership.requested_by_id}
        own = frozenset(pk for pk in self.supervisors.get(membership.organization_id, ()) if pk not in excluded)
        if own:
            return "organization", own
        division_id = self.organization_division.get(membership.organization_id)
        division = frozenset(
            pk
            for organization_id in (self.division_organizations.get(division_id, ()) if division_id else ())
            for pk in self.supervisors.get(organization_id, ())
            if pk not in excluded
        )
        if division:
            return "division", division
        admins = {
            pk
            for pk, given_by in self.administrators.items()
            if pk not in excluded
            and (
                membership.requested_by_id is None
                or (given_by != membership.requested_by_id and not self.made_through(pk, membership.requested_by_id))
            )
        }
        return "administrator", frozenset(admins)

    def may_confirm(self, *, user: User, membership: Membership) -> bool:
        return user.pk in self.of(membership)[1]


def confirmers_for_municipality(*, municipality_id: int) -> Confirmers:
    """The supervisors, divisions and administrators of a municipality (and who made each administrator), in
    four queries."""
    supervisors: dict[int, set[int]] = {}
    administrators: dict[int, int | None] = {}
    for organization_id, user_id, role, requested_by_id in (
        Membership.objects.confirmed()
        .filter(municipality_id=municipality_id, user__is_active=True, role__in=[Role.SUPERVISOR, Role.ADMINISTRATOR])
        .values_list("organization_id", "user_id", "role", "requested_by_id")
    ):
        if role == Role.SUPERVISOR:
            supervisors.setdefault(organization_id, set()).add(user_id)
        else:
            administrators[user_id] = requested_by_id
    division_organizations: dict[int, list[int]] = {}
    organization_division: dict[int, int | None] = {}
    for pk, division_id, kind in Organization.objects.filter(municipality_id=municipality_id).values_list(
        "pk", "division_id", "kind"
    ):
        organization_division[pk] = division_id
        if division_id and kind == OrganizationKind.TOWN_DIVISION:
            division_organizations.setdefault(division_id, []).append(pk)
    makers: dict[int, set[int]] = {}
    for user_id, requested_by_id in Membership.objects.filter(
        municipality_id=municipality_id, role=Role.ADMINISTRATOR, requested_by__isnull=False
    ).values_list("user_id", "requested_by_id"):
        makers.setdefault(user_id, set()).add(requested_by_id)
    return Confirmers(
        supervisors={k: frozenset(v) for k, v in supervisors.items()},
        division_organizations={k: tuple(v) for k, v in division_organizations.items()},
        organization_division=organization_division,
        administrators=administrators,
        administrator_makers={k: frozenset(v) for k, v in makers.items()},
    )


def memberships_pending_for_user(*, user: User) -> list[Membership]:
    """The casework roles waiting for confirmation that ``user`` may confirm, oldest request first.

    Pending requests are few at any time, so they are read whole and sorted out with ``Confirmers``.
    """
    confirmers = confirmers_for_municipality(municipality_id=user.municipality_id)
    pending = (
        Membership.objects.pending()
        .filter(municipality_id=user.municipality_id)
        .select_related("user", "organization", "requested_by")
        .order_by("requested_at", "pk")
    )
    return [m for m in pending if confirmers.may_confirm(user=user, membership=m)]
