"""変更履歴: the values of changes to personal data, kept apart from the audit log.

The audit log names the fields a change touched, who made it and on what basis; an auditor reads it
through their role and must not read the case (DESIGN §4). The values — the address before and after,
the phone number, the 配慮事項 — are written here by ``audit_record`` (``change_history_write``, registered
in ``RecordsConfig.ready``) in the change's own transaction, and read only through the access core:

- ``change_history_for_user`` answers 404 unless the user has a reading basis on the person (an auditor or
  an administrator has none through that role), shows the changes to the person's own record (the person,
  their names, consents, merges) and to the case records the user may read (``visible_records``: another
  agency's consultation stays closed on an own-record basis alone), masks the fields the caller names (a
  protected address the user may not see), and writes the read to the audit log with its basis.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy

from tsunagu.access.disclosure import disclosure_audit
from tsunagu.access.policy import decide
from tsunagu.audit.models import AuditEntry
from tsunagu.audit.selectors import field_label
from tsunagu.core.models import User
from tsunagu.records import registry
from tsunagu.records.models import ChangeHistory
from tsunagu.records.selectors import visible_records

# The person's own record and what the person page shows to every reader of the person.
PERSON_LEVEL_MODELS = frozenset({"people.person", "people.personname", "access.consent", "people.personmerge"})
HISTORY_LIMIT = 500  # the newest changes shown; older ones stay stored
HIDDEN = gettext_lazy("（非表示）")


def change_history_write(entry: AuditEntry, obj: models.Model | None, changes: dict[str, Any]) -> None:
    """Keep the values of the change ``entry`` names (called by ``audit_record``, same transaction)."""
    municipality_id = entry.municipality_id or getattr(obj, "municipality_id", None)
    if municipality_id is None:  # a change outside any town: there is nobody who could read it back
        return
    ChangeHistory.objects.create(
        municipality_id=municipality_id, person_id=entry.person_id, model=entry.model, object_id=entry.object_id,
        action=entry.action, user_id=entry.user_id, username=entry.username, organization_id=entry.organization_id,
        created_at=entry.created_at, summary=entry.summary, changes=changes, audit_entry_id=entry.pk,
    )  # fmt: skip


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any
    hidden: bool = False


@dataclass(frozen=True)
class HistoryRow:
    record: ChangeHistory
    kind: str  # what was changed, in Japanese ("本人", "相談受付" …)
    fields: list[FieldChange]


def _kind_label(model: str) -> tuple[str, registry.RecordKind | None]:
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        return model, None
    kind = registry.kind_of_model(model_class)
    return str(kind.label if kind else model_class._meta.verbose_name), kind


def _fields(changes: dict[str, Any], model: str, hidden: Collection[str]) -> list[FieldChange]:
    result = []
    for name, value in changes.items():
        old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
        if name in hidden:
            result.append(FieldChange(name, field_label(model, name), HIDDEN, HIDDEN, hidden=True))
        else:
            result.append(FieldChange(name, field_label(model, name), old, new))
    return result


def _readable(user: User, rows: Iterable[ChangeHistory]) -> list[tuple[ChangeHistory, str]]:
    """The rows the user may read, with what they are about: person-level rows (the caller has checked the
    person), and rows of case records that ``visible_records`` lets the user read."""
    rows = list(rows)
    readable_ids: dict[str, set[str]] = {}
    kinds: dict[str, tuple[str, registry.RecordKind | None]] = {}
    for row in rows:
        kinds.setdefault(row.model, _kind_label(row.model))
    for model, (_label, kind) in kinds.items():
        if kind is not None:
            ids = sorted({int(r.object_id) for r in rows if r.model == model and r.object_id.isdigit()})
            visible = visible_records(user, kind).filter(pk__in=ids).values_list("pk", flat=True)
            readable_ids[model] = {str(pk) for pk in visible}
    return [
        (row, kinds[row.model][0])
        for row in rows
        if row.model in PERSON_LEVEL_MODELS or row.object_id in readable_ids.get(row.model, ())
    ]


def change_history_for_user(
    *, user: User, person_id: int, also_person_ids: Iterable[int] = (), hidden_fields: Collection[str] = (),
    request: HttpRequest | None = None,
) -> list[HistoryRow]:  # fmt: skip
    """The changes to a person's record and to the case records about them that the user may read, newest
    first; ``Http404`` unless the user has a reading basis on the person. ``also_person_ids``: records
    merged into this one (名寄せ), whose history stays under their own id. ``hidden_fields`` are shown as
    「（非表示）」 (the caller asks the people selectors which fields the user may not see). The read is
    audited on the basis that let the user in, naming the rows shown."""
    decision = decide(user, person_id)
    if not decision.allowed:
        raise Http404
    ids = [person_id, *also_person_ids]
    rows = (
        ChangeHistory.objects.filter(municipality_id=user.municipality_id, person_id__in=ids)
        .select_related("organization")
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )
    shown = [
        HistoryRow(row, kind, _fields(row.changes, row.model, hidden_fields)) for row, kind in _readable(user, rows)
    ]
    disclosure_audit(
        user=user, grounds=decision.grounds, person_id=person_id, summary="変更履歴を閲覧",
        records={"change_history": [row.record.pk for row in shown]}, request=request,
    )  # fmt: skip
    return shown
