"""Scheduled jobs of 包括的相談支援 (registered with ``tsunagu.notifications.schedule``): overdue referrals and
next steps whose day has come become お知らせ, without anyone opening a page. Idempotent: a notice is once
per user and record (its key), so a run repeated, or two schedulers, add nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from tsunagu.consultations.deadlines import next_step_due, referral_overdue
from tsunagu.consultations.models import CaseNote, Referral
from tsunagu.notifications.models import Event
from tsunagu.notifications.schedule import Job, register
from tsunagu.notifications.selectors import casework_staff_ids
from tsunagu.notifications.services import notify


def referrals_overdue(now: datetime) -> None:
    """Every unanswered referral past its answer date: a notice for the staff of both organisations."""
    today = timezone.localdate(now)
    staff: dict[int, list[int]] = {}

    def of(organization_id: int) -> list[int]:
        if organization_id not in staff:
            staff[organization_id] = casework_staff_ids([organization_id])
        return staff[organization_id]

    rows = Referral.objects.filter(referral_overdue(today)).select_related("from_organization", "to_organization")
    for referral in rows.order_by("pk").iterator():
        notify(
            user_ids=of(referral.from_organization_id) + of(referral.to_organization_id),
            municipality_id=referral.municipality_id, event=Event.REFERRAL_OVERDUE,
            summary=f"{referral.from_organization.name}から{referral.to_organization.name}へのつなぎ"
            f"（回答期限 {referral.due_on:%Y-%m-%d}）",
            key=f"referral_overdue:{referral.pk}", record_kind="referral", record_id=referral.pk, now=now,
        )  # fmt: skip


def next_steps_due(now: datetime) -> None:
    """Each next step whose day has come: a notice for the member of staff who planned it."""
    today = timezone.localdate(now)
    rows = CaseNote.objects.filter(next_step_due(today), staff__is_active=True).select_related("organization")
    for note in rows.order_by("pk").iterator():
        notify(
            user_ids=[note.staff_id], municipality_id=note.municipality_id, event=Event.NEXT_STEP_DUE,
            summary=f"{note.organization.name}の支援の予定（予定日 {note.next_step_on:%Y-%m-%d}）",
            key=f"next_step_due:{note.pk}:{note.next_step_on}", record_kind="case_note", record_id=note.pk, now=now,
        )  # fmt: skip


register(Job("referrals_overdue", referrals_overdue, every=timedelta(minutes=15),
             description="回答期限を過ぎたつなぎを双方の機関に知らせる"))  # fmt: skip
register(Job("next_steps_due", next_steps_due, daily_at=time(6, 0), description="予定日を迎えた支援の予定を知らせる"))
