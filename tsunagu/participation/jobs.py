"""Scheduled job of 参加支援 (``tsunagu.notifications.schedule``): a match in 参加中 or 定着 that has had no follow-up
(定着支援, with the person or the host) for ``TSUNAGU_PARTICIPATION_FOLLOW_UP_DAYS`` days (default 30: about
monthly, the rhythm of 定着支援 in the seed's workshop; a municipality that follows up more often sets it lower)
becomes a notice for the support's worker. Counted from the newest follow-up, or from the day participation
began when there is none. Idempotent: the key names the match and its last contact, so a rerun, or two
schedulers, add nothing for the same gap, and a match followed up and then left again is reminded again."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from tsunagu.notifications.models import Event
from tsunagu.notifications.schedule import Job, register
from tsunagu.notifications.services import notify
from tsunagu.participation.selectors import follow_up_gaps

DEFAULT_FOLLOW_UP_DAYS = 30


def follow_up_days() -> int:
    return int(getattr(settings, "TSUNAGU_PARTICIPATION_FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_DAYS))


def follow_up_reminders(now: datetime) -> int:
    """Each match past its follow-up interval: one notice for its worker (no personal data in it)."""
    days = follow_up_days()
    sent = 0
    for match in follow_up_gaps(days=days, today=timezone.localdate(now)).order_by("pk").iterator():
        assert match.started_on is not None  # 参加中 and 定着 have begun
        newest: datetime | None = getattr(match, "last_follow_up", None)  # annotated by the selector
        last = max(timezone.localdate(newest), match.started_on) if newest else match.started_on
        notify(
            user_ids=[match.support.worker_id], municipality_id=match.municipality_id,
            event=Event.PARTICIPATION_FOLLOW_UP_DUE,
            summary=f"参加支援のマッチング{match.pk}（{match.resource.name}）: {days}日以上フォローアップの記録が"
            f"ありません（最後 {last:%Y-%m-%d}）",
            key=f"participation_follow_up:{match.pk}:{last}", record_kind="participation_match", record_id=match.pk,
            now=now,
        )  # fmt: skip
        sent += 1
    return sent


register(Job("participation_follow_up", follow_up_reminders, daily_at=time(6, 20),
             description="フォローアップのないまま日数が過ぎた参加支援のマッチングを担当者に知らせる"))  # fmt: skip
