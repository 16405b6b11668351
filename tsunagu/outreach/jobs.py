"""Scheduled job of アウトリーチ (``tsunagu.notifications.schedule``): a target with no action (contact, stage
change, next action) for ``TSUNAGU_OUTREACH_IDLE_DAYS`` days (default 14) becomes a notice for its assigned
worker. Idempotent: the key names the target and the day of its last action, so a run repeated, or two
schedulers, add nothing, and a target that is acted on and then left idle again is reminded again."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from tsunagu.notifications.models import Event
from tsunagu.notifications.schedule import Job, register
from tsunagu.notifications.services import notify
from tsunagu.outreach.selectors import idle_targets

DEFAULT_IDLE_DAYS = 14


def idle_days() -> int:
    return int(getattr(settings, "TSUNAGU_OUTREACH_IDLE_DAYS", DEFAULT_IDLE_DAYS))


def outreach_idle(now: datetime) -> None:
    """Each open target idle for the configured days: a notice for its worker (no personal data in it)."""
    days = idle_days()
    for target in idle_targets(idle_days=days, now=now).order_by("pk").iterator():
        last = timezone.localtime(target.last_action_at).date()
        notify(
            user_ids=[target.worker_id], municipality_id=target.municipality_id, event=Event.OUTREACH_IDLE,
            summary=f"アウトリーチの対象{target.pk}: {days}日以上対応の記録がありません（最後の対応 {last:%Y-%m-%d}）",
            key=f"outreach_idle:{target.pk}:{last}", record_kind="outreach_target", record_id=target.pk, now=now,
        )  # fmt: skip


register(Job("outreach_idle", outreach_idle, daily_at=time(6, 10),
             description="対応のないまま日数が過ぎたアウトリーチの対象を担当者に知らせる"))  # fmt: skip
