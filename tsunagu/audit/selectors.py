"""Reading the audit log: only auditors, only their own municipality — and, for a service explaining an
edit conflict, which fields a record's last changes touched and who made them (never their values)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.audit.services import FIELDS_KEY, keeps_values
from tsunagu.core.models import Membership, Role, User
from tsunagu.core.versioning import EditConflict, VersionedModel, changed_fields


def is_auditor(user: User) -> bool:
    return (
        Membership.objects.confirmed()
        .filter(user=user, municipality_id=user.municipality_id, role=Role.AUDITOR)
        .exists()
    )


def is_deployment_auditor(user: User) -> bool:
    """An auditor whom the operator named (TSUNAGU_DEPLOYMENT_AUDITORS): reads the entries of no town too."""
    return user.get_username() in settings.TSUNAGU_DEPLOYMENT_AUDITORS and is_auditor(user)


@dataclass(frozen=True)
class AuditFilter:
    person_id: int | None = None
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    # The entries of no town (a failed login with an unknown username), for deployment auditors only.
    without_municipality: bool = False

    def as_terms(self) -> dict[str, str]:
        values = {
            "without_municipality": "1" if self.without_municipality else "",
            "person_id": str(self.person_id or ""),
            "username": self.username,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


def changed_field_names(changes: dict[str, Any] | None) -> list[str]:
    """The fields an entry's change touched: ``{"fields": [names]}`` as written now, or the keys of the
    ``{field: [old, new]}`` that entries written before held."""
    if not changes:
        return []
    names = changes.get(FIELDS_KEY)
    if set(changes) == {FIELDS_KEY} and isinstance(names, list):
        return [str(name) for name in names]
    return [str(name) for name in changes]


@lru_cache(maxsize=512)
def field_label(model: str, name: str) -> str:
    """A field's name as the screens say it (its ``verbose_name``); the code's name when there is none."""
    try:
        return str(apps.get_model(model)._meta.get_field(name).verbose_name) if model else name
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return name


def changes_shown(entry: AuditEntry) -> str:
    """What the log page and its CSV show of an entry's change: the changed fields by their Japanese names,
    never their values — also on entries written before the log stopped keeping values, which stay as they
    were (the log is append-only and hashed). Master data (``keeps_values``) is shown with its values."""
    if not entry.changes:
        return ""
    if keeps_values(model=entry.model, person_id=entry.person_id) and FIELDS_KEY not in entry.changes:
        return str(entry.changes)
    return "・".join(field_label(entry.model, name) for name in changed_field_names(entry.changes))


def audit_entries_for_user(*, user: User, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries of the auditor's municipality, newest first; 404 for anyone who is not an auditor.

    With ``without_municipality``, the entries that belong to no town instead: a deployment auditor's only.
    """
    if not is_auditor(user) or (filters.without_municipality and not is_deployment_auditor(user)):
        raise Http404
    if filters.without_municipality:
        qs = AuditEntry.objects.filter(municipality__isnull=True)
    else:
        qs = AuditEntry.objects.filter(municipality_id=user.municipality_id)
    qs = qs.select_related("organization")
    if filters.person_id:
        qs = qs.filter(person_id=filters.person_id)
    if filters.username:
        qs = qs.filter(username=filters.username)
    if filters.action:
        qs = qs.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=zone))
    if filters.date_to:
        qs = qs.filter(created_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone))
    return qs.order_by("-created_at", "-id")


def edit_conflict(
    *, record: VersionedModel, since_version: int, fields: Iterable[str], hidden: Collection[str] = ()
) -> EditConflict:
    """The ``EditConflict`` for a user whose form started at ``since_version`` of ``record`` (as it is now).

    Each version step wrote one UPDATE entry on the record (``tsunagu.core.versioning``): the newest
    ``record.version - since_version`` of them name the fields changed since, of which ``fields`` (the
    form's, in its order) are listed with their current values, less ``hidden``; the newest names who and when. Reads
    the municipality's newest entries first (its time index), so a conflict — always about a recent
    change — costs a few rows. Not audited itself: the user has just read the record on the edit page.
    """
    steps = max(record.version - since_version, 1)
    qs = AuditEntry.objects.filter(action=Action.UPDATE, model=record._meta.label_lower, object_id=str(record.pk))
    municipality_id = getattr(record, "municipality_id", None)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    entries = list(qs.select_related("user", "organization").order_by("-created_at", "-id")[:steps])
    touched = {name for entry in entries for name in changed_field_names(entry.changes)}
    changed = [name for name in dict.fromkeys(fields) if name in touched]  # in the form's order
    by = ""
    if entries:
        newest = entries[0]
        name = (newest.user.display_name or newest.user.get_username()) if newest.user else newest.username
        by = f"{newest.organization.name} {name}" if newest.organization else name
    return EditConflict(
        current_version=record.version,
        changed=changed_fields(record, changed, hidden=hidden),
        changed_by=by,
        changed_at=entries[0].created_at if entries else None,
    )
