"""Auditing what was shown, with the grounds that let the reader in (DESIGN §4).

Every read, list, search and export of personal data names the user, the organisation they acted for and
the legal basis — own record, 本人同意 (which consent), 支援会議 (which meeting), emergency (which
grant). A page that shows many records writes one entry per organisation and basis it relied on, naming
the records shown; an entry about one record names it in ``model`` and ``object_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest

from tsunagu.access.policy import Grounds, acting_organizations
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.audit.services import audit_record
from tsunagu.core.models import User


@dataclass(frozen=True)
class Shown:
    """One record a page showed: its kind ("person", "consultation", …), id, person, and grounds."""

    kind: str
    pk: int
    person_id: int | None
    grounds: Grounds


def disclosure_audit(
    *, user: User, grounds: Grounds, summary: str, obj: models.Model | None = None, person_id: int | None = None,
    action: Action = Action.READ, request: HttpRequest | None = None, records: dict[str, Any] | None = None,
) -> AuditEntry:  # fmt: skip
    """The entry for a read (or export) of one record, on the grounds that let the user in."""
    return audit_record(
        user=user, action=action, organization=grounds.organization, obj=obj, person_id=person_id, summary=summary,
        basis=grounds.basis, basis_source=grounds.source, request=request, records=records,
    )  # fmt: skip


def shown_audit(
    *, user: User, shown: Iterable[Shown], summary: str, action: Action = Action.READ,
    request: HttpRequest | None = None, terms: dict[str, Any] | None = None, obj: models.Model | None = None,
    person_id: int | None = None,
) -> list[AuditEntry]:  # fmt: skip
    """One entry per (organisation, basis) among the records a page showed, naming them.

    A search that showed nothing still writes its entry (with its terms), for the organisation the user
    acts for and no basis: nothing was disclosed. A page that showed nothing writes nothing here.
    """
    groups: dict[tuple[int, str], list[Shown]] = {}
    for item in shown:
        groups.setdefault((item.grounds.organization.pk, item.grounds.basis), []).append(item)
    entries = []
    for items in groups.values():
        records: dict[str, Any] = {}
        for item in items:
            records.setdefault(item.kind, []).append(item.pk)
        people = sorted({i.person_id for i in items if i.person_id is not None})
        if people and "person" not in records:
            records["person"] = people
        sources = sorted({i.grounds.source for i in items})
        if len(sources) > 1:
            # Each consent, meeting or grant relied on, with the people it let the user see.
            records["sources"] = {
                source: sorted({i.person_id or 0 for i in items if i.grounds.source == source}) for source in sources
            }
        grounds = items[0].grounds
        entry = audit_record(
            user=user, action=action, organization=grounds.organization, obj=obj, person_id=person_id,
            summary=f"{summary}（{len(items)}件）", terms=terms, records=records, basis=grounds.basis,
            basis_source=sources[0] if len(sources) == 1 else f"{len(sources)}件の根拠", request=request,
        )  # fmt: skip
        entries.append(entry)
    if not entries and terms:
        organizations = acting_organizations(user)
        entry = audit_record(
            user=user, action=action, organization=organizations[0] if organizations else None, obj=obj,
            person_id=person_id, summary=f"{summary}（0件）", terms=terms, records={}, request=request,
        )  # fmt: skip
        entries.append(entry)
    return entries
