"""Optimistic locking: nobody silently overwrites a change they never saw.

An edit page shows a record as it was at some moment; between that page and its POST somebody else may
save the same record, and a plain ``save()`` would write the second form over the first change unseen
(the lost update). So a record that is edited through forms inherits ``VersionedModel``, its edit form
carries the version it started from (``VersionedForm``), and its service saves with ``save_if_version``::

    UPDATE … SET …, version = version + 1 WHERE id = %s AND version = %s

One statement decides, on SQLite and PostgreSQL alike. On PostgreSQL the second of two such UPDATEs on a
row waits for the first transaction and then re-evaluates its WHERE against the row the first committed,
so of two saves from the same version exactly one matches; SQLite runs one writer at a time. Nothing is
locked while the user types: the check costs nothing until two people really collide.

When the row moved on, the service raises ``EditConflict`` — a ``ValidationError`` whose message says who
changed the record and when, and which fields, with their current values (only those the user may see;
``tsunagu.audit.selectors.edit_conflict`` builds it from the record's audit entries). The page shows it
with what the user typed and moves the form on to the current version (``VersionedForm.moved_on``), so
that saving again, after looking, is a deliberate choice and succeeds.

Two rules keep the version honest: every writer of a versioned row moves the version on (a bulk writer
sets ``version=F("version") + 1``, as ``bump_version`` does), and each step of the version writes one
UPDATE audit entry on the record — that is how a conflict can name what changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.display import date_label
from tsunagu.core.pages import add_service_errors

# A long text (配慮事項, 連絡上の注意) is quoted only this far in the conflict message.
QUOTE_LENGTH = 40


class VersionedModel(models.Model):
    """A record edited through forms: ``version`` counts its saved changes (1 when created)."""

    version = models.PositiveIntegerField(_("版"), default=1, editable=False)

    class Meta:
        abstract = True


def _auto_now_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def save_if_version(instance: VersionedModel, *, expected_version: int, fields: Iterable[str]) -> bool:
    """Write ``fields`` of ``instance`` if its row is still at ``expected_version``; whether it was.

    On success the row and ``instance`` are at the next version; ``auto_now`` fields (``updated_at``) are
    set as ``save()`` would set them. On failure nothing is written and ``instance`` is left as it was:
    the caller raises ``EditConflict`` (and its transaction, rolled back, writes no audit entry).
    """
    model = type(instance)
    auto_now = _auto_now_fields(model)
    previous = {f.attname: getattr(instance, f.attname) for f in auto_now}  # pre_save() sets them
    names = dict.fromkeys([*fields, *(f.name for f in auto_now)])
    values: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.concrete, name
        values[field.attname] = field.pre_save(instance, add=False)
    updated = model._base_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if updated:
        instance.version = expected_version + 1
    else:
        for attname, value in previous.items():
            setattr(instance, attname, value)
    return bool(updated)


def bump_version(instance: VersionedModel) -> None:
    """Move the row's version on without an edit of its fields (its composition changed, e.g. a member
    was added), so that a form opened before does not save over it unseen. Call it in the transaction
    of the change, with the change's audit entry on the record."""
    model = type(instance)
    values: dict[str, Any] = {f.attname: f.pre_save(instance, add=False) for f in _auto_now_fields(model)}
    model._base_manager.filter(pk=instance.pk).update(**values, version=F("version") + 1)
    instance.refresh_from_db(fields=["version"])


@dataclass(frozen=True)
class ChangedField:
    name: str
    label: str
    current: str  # the value now stored, as the page would show it


def display_value(instance: models.Model, name: str) -> str:
    """A field's current value as a caseworker reads it: choices by label, dates in 和暦, blanks named."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value in (None, ""):
        return gettext("空欄")
    if isinstance(field, models.BooleanField):
        return gettext("はい") if value else gettext("いいえ")
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{date_label(local.date())} {local:%H:%M}"
    if isinstance(value, date):
        return date_label(value)
    text = " ".join(str(value).split())
    return text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH] + "…"


def changed_fields(instance: models.Model, names: Iterable[str], *, hidden: Collection[str] = ()) -> list[ChangedField]:
    """The named fields with their labels and current values; ``hidden`` ones (a protected address the
    user may not see) are left out altogether — not even that they changed is shown."""
    return [
        ChangedField(
            name, str(getattr(instance._meta.get_field(name), "verbose_name", name)), display_value(instance, name)
        )
        for name in dict.fromkeys(names)
        if name not in hidden
    ]


class EditConflict(ValidationError):
    """The record was saved by somebody else after this user's form was opened; nothing was written.

    ``current_version`` is the version to start from again; ``changed`` the fields the other saves
    touched that this user may see (with current values); ``changed_by`` and ``changed_at`` the newest of
    those saves, when the audit log names it. The message is on top of the form, and each changed field
    has its own, so the user sees the current value where they typed theirs.
    """

    def __init__(
        self, *, current_version: int, changed: Sequence[ChangedField] = (), changed_by: str = "",
        changed_at: datetime | None = None,
    ) -> None:  # fmt: skip
        self.current_version = current_version
        self.changed = list(changed)
        self.changed_by = changed_by
        self.changed_at = changed_at
        errors: dict[str, list[str]] = {NON_FIELD_ERRORS: [self.summary()]}
        for field in self.changed:
            errors.setdefault(field.name, []).append(
                gettext("他の職員が変更しました（現在: %(value)s）。") % {"value": field.current}
            )
        super().__init__(errors, code="edit_conflict")

    def summary(self) -> str:
        who = gettext("他の職員（%(name)s）") % {"name": self.changed_by} if self.changed_by else gettext("他の職員")
        if self.changed_at is not None:
            local = timezone.localtime(self.changed_at)
            when = f"{date_label(local.date())} {local:%H:%M}"
            text = gettext("この記録は編集中に%(who)sが%(when)sに変更しました。") % {"who": who, "when": when}
        else:
            text = gettext("この記録は編集中に%(who)sが変更しました。") % {"who": who}
        if self.changed:
            fields = gettext("、").join(
                gettext("%(label)s（現在: %(value)s）") % {"label": f.label, "value": f.current} for f in self.changed
            )
            text += gettext("変更された項目: %(fields)s。") % {"fields": fields}
        return text + gettext("入力した内容は残っています。内容を確認して、もう一度保存してください。")


class VersionedForm(forms.Form):
    """An edit form that remembers the version it started from (a hidden field), for ``save_if_version``."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": _("画面を開き直してから、もう一度入力してください。")},
    )

    def moved_on(self, conflict: EditConflict) -> None:
        """After a conflict: keep what was typed, show why it was not saved, start from the current version."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("version")] = str(conflict.current_version)
        self.data = data
        add_service_errors(self, conflict)
