"""Writing audit entries. Every app calls ``audit_record``; nothing else writes the audit table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.audit import chain
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.core.models import Municipality, Organization, User

HASHED_FIELDS = (
    "created_at", "municipality_id", "user_id", "username", "organization_id", "action", "model", "object_id",
    "person_id", "summary", "changes", "terms", "basis", "basis_source", "ip_address",
)  # fmt: skip


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. Behind the town's reverse proxy, the hop the proxy added."""
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def jsonable(value: Any) -> Any:
    """Values as they are stored and hashed: dates in ISO, model instances as their primary key."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def payload_of(entry: AuditEntry) -> dict[str, Any]:
    payload = {name: getattr(entry, name) for name in HASHED_FIELDS}
    # Hashed only where present, so that entries written before the column existed verify as they were.
    if entry.records is not None:
        payload["records"] = entry.records
    return payload


# The models whose audit entries keep the values of a change: the municipality's master data, which an
# administrator changes and an auditor must be able to read back (who made an organisation a casework
# one, which roles need a second factor). Every other entry — any entry about a person, any record of a
# model not named here — keeps only the names of the fields that changed (DESIGN §4: auditors read the
# log, not the case); the values go to the change history (``register_change_history``), which only those
# with access to the person read. An entry about no record and no person (a batch's counts) keeps its values.
MASTER_DATA_MODELS: set[str] = {
    "core.municipality", "core.organization", "core.division", "core.district", "core.user", "core.membership",
}  # fmt: skip

# Called with (the entry, the record it is about, {field: [old, new]}) in the entry's transaction.
ChangeHistoryWriter = Callable[[AuditEntry, models.Model | None, dict[str, Any]], None]
_change_history_writers: list[ChangeHistoryWriter] = []


def register_master_data(*labels: str) -> None:
    """Declare models (``app_label.modelname``) whose changes the log keeps with their values. For data
    that no person is in: an app calls this from its ``AppConfig.ready()`` for its administered lists."""
    MASTER_DATA_MODELS.update(label.lower() for label in labels)


def register_change_history(writer: ChangeHistoryWriter) -> None:
    """Where the values of a personal-data change go (``tsunagu.records.history``); registered once."""
    if writer not in _change_history_writers:
        _change_history_writers.append(writer)


def keeps_values(*, model: str, person_id: int | None) -> bool:
    """Whether an entry about ``model`` (a label, "" for none) and ``person_id`` may hold changed values."""
    if person_id is not None:
        return False
    return not model or model in MASTER_DATA_MODELS


FIELDS_KEY = "fields"


def audit_record(
    *,
    user: User | None,
    action: Action,
    organization: Organization | None = None,
    obj: models.Model | None = None,
    person_id: int | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    terms: dict[str, Any] | None = None,
    records: dict[str, Any] | None = None,
    basis: str = "",
    basis_source: str = "",
    request: HttpRequest | None = None,
    username: str = "",
    municipality: Municipality | None = None,
) -> AuditEntry:
    """Append one entry.

    Runs inside the caller's transaction, so that a change and its entry are saved or lost together.

    ``changes`` is ``{field: [old, new]}`` (``changes_between``; ``[None, value]`` for what a creation set).
    Unless the entry ``keeps_values`` (master data, or no record and no person), the log stores only
    ``{"fields": [names]}`` and the values go to the change history, in the same transaction.
    """
    values = jsonable(changes or {})
    label = obj._meta.label_lower if obj is not None else ""
    to_history = bool(values) and not keeps_values(model=label, person_id=person_id)
    entry = AuditEntry(
        created_at=timezone.now(),
        # Whose log it is: the user's town, the organisation's, or (no one signed in: a failed login) the
        # town of the account tried; None only where no town is known (the deployment's own view).
        municipality_id=user.municipality_id
        if user
        else (organization.municipality_id if organization else (municipality.pk if municipality else None)),
        user=user,
        username=(user.get_username() if user else username)[:150],
        organization=organization,
        action=action,
        model=label,
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        summary=summary[:300],
        changes={FIELDS_KEY: list(values)} if to_history else values,
        terms=jsonable(terms or {}),
        records=jsonable(records) if records is not None else None,
        basis=basis,
        basis_source=basis_source[:100],
        ip_address=client_ip(request),
    )
    entry.chain_id, entry.seq, entry.prev_hash, entry.entry_hash, entry.key_id = chain.next_link(payload_of(entry))
    entry.save(force_insert=True)
    if to_history:
        for writer in _change_history_writers:
            writer(entry, obj, values)
    return entry


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        name: [jsonable(before.get(name)), jsonable(value)]
        for name, value in after.items()
        if jsonable(before.get(name)) != jsonable(value)
    }
