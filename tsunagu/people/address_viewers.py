"""The staff a protecting agency names to see a protected (DV) location: named and revoked by a supervisor
of that agency on the person's page, each change audited (docs/dv-protection.md)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.models import Basis
from tsunagu.access.policy import CASEWORK_ROLES, decide
from tsunagu.audit.models import Action
from tsunagu.audit.services import audit_record
from tsunagu.core.models import Membership, Role, User
from tsunagu.people.models import AddressViewer, Person
from tsunagu.people.protection import location_for
from tsunagu.people.services import PeopleError


def _protecting_supervisor(user: User, person: Person) -> None:
    """The protecting organisation, if the user supervises there and it may change the location; else
    ``PeopleError``. Whom the agency trusts with the location is its supervisors' decision alone."""
    if not person.address_protected or person.address_protected_by_id is None:
        raise PeopleError(_("住所が非開示（DV等）の方ではありません。"))
    decision = decide(user, person.pk)
    # A confirmed supervisor only: a role still waiting for confirmation gives nothing (docs/accounts.md).
    supervises = (
        Membership.objects.confirmed()
        .filter(user=user, organization_id=person.address_protected_by_id, role=Role.SUPERVISOR)
        .exists()
    )
    if not (supervises and location_for(user, person, decision).changeable):
        raise PeopleError(_("非開示の住所を閲覧できる職員を指名できるのは、非開示を登録した機関の監督者だけです。"))


@transaction.atomic
def address_viewer_add(
    *, user: User, person: Person, viewer: User, reason: str, request: HttpRequest | None = None
) -> AddressViewer:
    """Name a member of staff who may see a protected (DV) location: by a supervisor of the protecting
    agency only (``PeopleError`` otherwise). The viewer still reads the person only on a grant of their own
    organisation; this opens the location, nothing more. Audited as a grant, with the reason."""
    _protecting_supervisor(user, person)
    organization = person.address_protected_by
    assert organization is not None
    if not reason.strip():
        raise PeopleError({"reason": [_("閲覧を認める理由を入力してください。")]})
    casework = Membership.objects.confirmed().filter(
        user=viewer, municipality_id=person.municipality_id, role__in=CASEWORK_ROLES
    )
    if not viewer.is_active or viewer.municipality_id != person.municipality_id or not casework.exists():
        raise PeopleError({"user": [_("この自治体で相談支援に携わる職員だけを指名できます。")]})
    if casework.filter(organization=organization).exists():
        raise PeopleError({"user": [_("非開示を登録した機関の職員は、指名しなくても閲覧できます。")]})
    if AddressViewer.objects.filter(person=person, user=viewer, revoked_at__isnull=True).exists():
        raise PeopleError({"user": [_("この職員はすでに指名されています。")]})
    named = AddressViewer.objects.create(
        municipality_id=person.municipality_id, person=person, user=viewer, organization=organization,
        reason=reason.strip()[:200], named_by=user,
    )  # fmt: skip
    audit_record(
        user=user, organization=organization, action=Action.GRANT, obj=named, person_id=person.pk,
        summary=f"非開示住所の閲覧を認める職員を指名: {viewer.display_name or viewer.username}",
        changes={"user": [None, viewer.pk]}, basis=Basis.OWN_RECORD,
        basis_source=f"address_protection person:{person.pk}", request=request,
    )  # fmt: skip
    return named


@transaction.atomic
def address_viewer_revoke(
    *, user: User, person: Person, viewer_id: int, request: HttpRequest | None = None
) -> AddressViewer:
    """End a naming (a supervisor of the protecting agency, as ``address_viewer_add``); audited."""
    _protecting_supervisor(user, person)
    named = AddressViewer.objects.filter(person=person, pk=viewer_id, revoked_at__isnull=True).first()
    if named is None:
        raise PeopleError(_("指名が見つかりません（すでに取り消されています）。"))
    named.revoked_at, named.revoked_by = timezone.now(), user
    named.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        user=user, organization=named.organization, action=Action.REVOKE, obj=named, person_id=person.pk,
        summary="非開示住所の閲覧の指名を取消", changes={"user": [named.user_id, None]}, basis=Basis.OWN_RECORD,
        basis_source=f"address_protection person:{person.pk}", request=request,
    )  # fmt: skip
    return named


def may_name_viewers(*, user: User, person: Person) -> bool:
    """Whether the person's page offers this user the naming form (the services check again)."""
    try:
        _protecting_supervisor(user, person)
    except PeopleError:
        return False
    return True
