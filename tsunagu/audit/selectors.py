"""Reading the audit log: only auditors, only their own municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tsunagu.audit.models import AuditEntry
from tsunagu.core.models import Membership, Role, User


def is_auditor(user: User) -> bool:
    return Membership.objects.filter(user=user, municipality_id=user.municipality_id, role=Role.AUDITOR).exists()


@dataclass(frozen=True)
class AuditFilter:
    person_id: int | None = None
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_terms(self) -> dict[str, str]:
        values = {
            "person_id": str(self.person_id or ""),
            "username": self.username,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


def audit_entries_for_user(*, user: User, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries of the auditor's municipality, newest first; 404 for anyone who is not an auditor."""
    if not is_auditor(user):
        raise Http404
    qs = AuditEntry.objects.filter(municipality_id=user.municipality_id).select_related("organization")
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
