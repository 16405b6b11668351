"""Changing the registry after registration: a host (協力事業者・受け入れ先) and a resource (社会資源).

The same checks as registering (``services.resource_errors``), then ``save_if_version``: the edit page
carries the version it was opened at, and of two keepers saving from the same version the second gets
``EditConflict`` (who changed what, and the current values) and nothing is saved. Each save writes one UPDATE
audit entry on the record, which is what lets the conflict name the changed fields. Closing a resource is
``services.resource_close`` (it moves the version on, so a form opened before it cannot reopen it unseen).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tsunagu.audit.models import Action
from tsunagu.audit.selectors import edit_conflict
from tsunagu.core.models import User
from tsunagu.core.versioning import save_if_version
from tsunagu.participation.models import Host, Resource
from tsunagu.participation.services import (
    HostInput,
    ParticipationError,
    ResourceInput,
    _audit_master,
    _registry_staff,
    resource_errors,
)

HOST_FIELDS = ("name", "sector", "contact_name", "contact_phone", "address")
RESOURCE_FIELDS = tuple(ResourceInput.__dataclass_fields__)


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _changes(before: dict[str, Any], instance: Any, names: tuple[str, ...]) -> dict[str, list[Any]]:
    after = {n: getattr(instance, f"{n}_id" if n in ("host", "kind", "district") else n) for n in names}
    return {n: [before[n], after[n]] for n in names if before[n] != after[n]}


def _snapshot(instance: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(instance, f"{n}_id" if n in ("host", "kind", "district") else n) for n in names}


@transaction.atomic
def host_update(
    *, user: User, host: Host, data: HostInput, expected_version: int, request: HttpRequest | None = None
) -> Host:
    """Change a host's name, field and contact; the name stays unique in the municipality."""
    organization = _registry_staff(user)
    errors: list[str] = []
    name = data.name.strip()
    if host.municipality_id != organization.municipality_id:
        errors.append(_("この自治体の受け入れ先ではありません。"))
    if not name:
        errors.append(_("受け入れ先の名称を入力してください。"))
    if not data.sector.strip():
        errors.append(_("分野を入力してください（例: 農業、観光、福祉）。"))
    if Host.objects.filter(municipality_id=host.municipality_id, name=name).exclude(pk=host.pk).exists():
        errors.append(_("「%(name)s」はすでに登録されています。") % {"name": name})
    if errors:
        raise ParticipationError(errors)
    before = _snapshot(host, HOST_FIELDS)
    for field in HOST_FIELDS:
        setattr(host, field, _clean(getattr(data, field)))
    if not save_if_version(host, expected_version=expected_version, fields=HOST_FIELDS):
        raise edit_conflict(record=Host.objects.get(pk=host.pk), since_version=expected_version, fields=HOST_FIELDS)
    _audit_master(user, organization, host, Action.UPDATE, "受け入れ先を変更", _changes(before, host, HOST_FIELDS),
                  request)  # fmt: skip
    return host


@transaction.atomic
def resource_update(
    *, user: User, resource: Resource, data: ResourceInput, expected_version: int, request: HttpRequest | None = None
) -> Resource:
    """Change a resource's conditions (hours, capacity, …). A capacity below the people it holds now is allowed —
    it only keeps new ones out until a place frees (``match_advance``); below zero is refused."""
    organization = _registry_staff(user)
    errors = resource_errors(data, organization.municipality_id)
    if resource.municipality_id != organization.municipality_id:
        errors.insert(0, _("この自治体の社会資源ではありません。"))
    if errors:
        raise ParticipationError(errors)
    before = _snapshot(resource, RESOURCE_FIELDS)
    for field in RESOURCE_FIELDS:
        setattr(resource, field, _clean(getattr(data, field)))
    if not save_if_version(resource, expected_version=expected_version, fields=RESOURCE_FIELDS):
        current = Resource.objects.get(pk=resource.pk)
        raise edit_conflict(record=current, since_version=expected_version, fields=RESOURCE_FIELDS)
    _audit_master(user, organization, resource, Action.UPDATE, "社会資源を変更",
                  _changes(before, resource, RESOURCE_FIELDS), request)  # fmt: skip
    return resource
