"""Scheduled jobs that belong to no capability above: emergency grants awaiting review, the audit log's
seal and verification, expired sessions, old task results, the planner's statistics and the worker's
heartbeat. Each is idempotent: running it twice adds nothing (notices are unique per user and key).
Capability jobs live in their own app's ``jobs`` module (consultations: overdue referrals, next steps due)."""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timedelta
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from tsunagu.access import reviews
from tsunagu.core.db_stats import statistics_refresh
from tsunagu.core.models import Municipality
from tsunagu.notifications.models import Event
from tsunagu.notifications.schedule import Job, register
from tsunagu.notifications.selectors import auditor_ids
from tsunagu.notifications.services import notify, status_record


def emergency_reviews(now: datetime) -> None:
    """Tell each grant's reviewers that it awaits them, and again once it is past the review limit.

    Uses the access core's answers (``reviews.unreviewed_emergency_grants``, ``overdue_emergency_grants``
    and the arrangement of who reviews what), read once per municipality, not per grant.
    """
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        arrangement = reviews.review_arrangement(municipality_id)
        overdue = set(
            reviews.overdue_emergency_grants(municipality=municipality_id, now=now).values_list("pk", flat=True)
        )
        grants = reviews.unreviewed_emergency_grants(municipality_id=municipality_id).annotate(
            org_name=F("organization__name")
        )
        for grant in grants.iterator():
            reviewers = arrangement.reviewers(grant.organization_id, grant.granted_by_id)
            summary = f"{grant.org_name}の緊急時の閲覧（{grant.granted_at:%Y-%m-%d}）"
            notify(
                user_ids=reviewers, municipality_id=municipality_id, event=Event.EMERGENCY_REVIEW,
                summary=f"{summary}の確認をお願いします", key=f"emergency_review:{grant.pk}",
                url_name="access:emergency-review", record_id=grant.pk, now=now,
            )  # fmt: skip
            if grant.pk in overdue:
                notify(
                    user_ids=reviewers, municipality_id=municipality_id, event=Event.EMERGENCY_OVERDUE,
                    summary=f"{summary}が確認期限を過ぎています", key=f"emergency_overdue:{grant.pk}",
                    url_name="access:emergency-review", record_id=grant.pk, now=now,
                )  # fmt: skip


def audit_verify(now: datetime) -> None:
    """Nightly ``audit_verify --quiet``; damage becomes a notice for every auditor (no personal data: the
    command names kinds of damage and entry ids) and the administrator's home shows the last result."""
    out = StringIO()
    try:
        call_command("audit_verify", "--quiet", stdout=out, stderr=out)
    except (CommandError, SystemExit) as error:
        message = str(error).splitlines()[0] if str(error) else "audit_verify が失敗しました"
        status_record(name="audit_verify", ok=False, detail=message, now=now)
        day = f"{now:%Y-%m-%d}"
        for municipality_id in Municipality.objects.values_list("pk", flat=True):
            notify(
                user_ids=auditor_ids(municipality_id), municipality_id=municipality_id, event=Event.AUDIT_DAMAGE,
                summary=f"{day}の検証: {message}"[:200], key=f"audit_damage:{day}", url_name="audit:log", now=now,
            )  # fmt: skip
        return
    status_record(name="audit_verify", ok=True, detail="異常なし", now=now)


def audit_seal(now: datetime) -> None:
    """Hourly ``audit_seal`` (idempotent: it writes a seal only when the log moved)."""
    try:
        call_command("audit_seal", "--quiet", stdout=StringIO())
    except CommandError as error:
        status_record(name="audit_seal", ok=False, detail=str(error).splitlines()[0], now=now)
        return
    status_record(name="audit_seal", ok=True, now=now)


def clear_sessions(now: datetime) -> None:
    call_command("clearsessions")


def prune_task_results(now: datetime) -> None:
    """Finished task results older than two weeks (the backend's own command); failures kept longer."""
    # A backend that keeps no results (the immediate one) has nothing to prune: the command refuses it.
    with contextlib.suppress(CommandError):
        call_command("prune_db_task_results", "--min-age-days", "14", "--failed-min-age-days", "90", stdout=StringIO())


def db_statistics(now: datetime) -> None:
    """The planner's statistics kept fresh as records accumulate (``tsunagu.core.db_stats``; a bulk load
    refreshes its own when it commits)."""
    statistics_refresh(full=False)


def heartbeat(now: datetime) -> None:
    """Nothing to do: running at all is the heartbeat (``tasks.run_job`` records it)."""


register(Job("emergency_reviews", emergency_reviews, every=timedelta(minutes=15),
             description="緊急時の閲覧の確認待ち・期限超過を監督者に知らせる"))  # fmt: skip
register(Job("audit_seal", audit_seal, every=timedelta(hours=1), description="監査ログの封印（audit_seal）"))
register(Job("audit_verify", audit_verify, daily_at=time(2, 30), description="監査ログの検証（audit_verify）"))
register(Job("clear_sessions", clear_sessions, daily_at=time(3, 0), description="期限切れセッションの削除"))
register(Job("prune_task_results", prune_task_results, daily_at=time(3, 15), description="古いタスク結果の削除"))
register(Job("db_statistics", db_statistics, daily_at=time(3, 45), description="データベースの統計情報の更新"))
register(Job("heartbeat", heartbeat, every=timedelta(minutes=5), description="ワーカーの稼働確認"))
