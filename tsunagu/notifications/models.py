"""お知らせ (in-app notices, per user) and the schedule's bookkeeping.

A notice names a record by its kind (``tsunagu.records.registry``) and id and carries a summary with no
personal data (organisations, dates, the kind of event): whatever personal the list shows is read when it
is shown, through the access core, so a notice never shows what its reader may not see *now*.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality


class Event(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("つなぎが届きました")
    REFERRAL_ACCEPTED = "referral_accepted", _("つなぎが受理されました")
    REFERRAL_DECLINED = "referral_declined", _("つなぎが辞退されました")
    REFERRAL_OVERDUE = "referral_overdue", _("つなぎの回答期限を過ぎています")
    NEXT_STEP_DUE = "next_step_due", _("支援の予定日です")
    EMERGENCY_REVIEW = "emergency_review", _("緊急時の閲覧の確認をお願いします")
    EMERGENCY_OVERDUE = "emergency_overdue", _("緊急時の閲覧が確認期限を過ぎています")
    AUDIT_DAMAGE = "audit_damage", _("監査ログの検証で異常が見つかりました")
    # 支援プラン, 会議, アウトリーチ (added together, one migration, for the apps of issues 12–14).
    PLAN_ROLE_OUT_OF_CONSENT = (
        "plan_role_out_of_consent",
        _("同意の撤回により、支援プランの役割分担に同意の範囲外の機関があります"),
    )
    MONITORING_DUE = "monitoring_due", _("支援プランのモニタリング予定日が近づいています")
    PLAN_ACTION_OVERDUE = "plan_action_overdue", _("支援プランの役割分担が期間を過ぎています")
    PLAN_ROLE_ASSIGNED = "plan_role_assigned", _("支援プランで役割分担の確認をお願いします")
    MEETING_ITEM_WITHDRAWN = "meeting_item_withdrawn", _("同意の撤回により、会議の議題から外れた事例があります")
    MEETING_TASK = "meeting_task", _("会議で決まったタスクがあります")
    OUTREACH_IDLE = "outreach_idle", _("アウトリーチの対象者への働きかけが途絶えています")
    INFORMATION_REQUESTED = "information_requested", _("会議から資料・情報の提供を求められています")
    INFORMATION_ANSWERED = "information_answered", _("資料・情報の提供の求めに回答がありました")
    PARTICIPATION_FOLLOW_UP_DUE = "participation_follow_up", _("参加支援のフォローアップが途絶えています")


class Notice(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(_("種類"), max_length=30, choices=Event.choices)
    # A registered record kind and its id; or, for what is not a case record (an emergency grant, the
    # audit log), a URL name taking ``record_id`` (or none), whose view applies its own access rule.
    record_kind = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    url_name = models.CharField(max_length=80, blank=True)
    summary = models.CharField(_("内容"), max_length=200)
    # The member of staff who acted (accepted, declined …): staff, never the person concerned.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What makes a notice the same notice: a job that runs twice, or two schedulers, add nothing new.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("日時"), default=timezone.now)
    read_at = models.DateTimeField(_("既読"), null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_unique_per_user")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notice_list"),
            models.Index(fields=["user", "read_at"], name="notice_unread"),
        ]

    def __str__(self) -> str:
        return f"お知らせ {self.pk}"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one slot (an interval's start, a day): the unique pair is what keeps
    two schedulers, or one restarted, from enqueueing the same run twice."""

    job = models.CharField(max_length=60)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_unique_slot")]
        indexes = [models.Index(fields=["job", "-enqueued_at"], name="scheduled_run_latest")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"


class SystemStatus(models.Model):
    """The last word of a background check, for the administrator's home: the worker's heartbeat, the
    last audit_verify. No personal data."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()
    ok = models.BooleanField(default=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("システムの状態")
        verbose_name_plural = _("システムの状態")

    def __str__(self) -> str:
        return self.name
