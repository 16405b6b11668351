"""支援プラン: the plan of a 多機関協働 case (プラン兼利用申込書) and the plans of other programmes that use the
same machinery (生活困窮者自立相談支援事業's 個別の支援計画, 利用者支援事業's セルフプラン and サポートプラン).

What differs between them is data (``plan_types``: sections, owning programme, who approves). A plan is a
series of versions: each ``SupportPlan`` row is one version, a draft until it is approved and frozen from
then on; a re-plan opens the next version as a copy, and every version stays readable. Goals, actions
(役割分担) and monitoring dates belong to their version. Progress records (モニタリング) and evaluations are
case records of their own, held by the organisation that writes them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.collaboration.models import EvaluationResult
from tsunagu.core.models import Organization
from tsunagu.records.models import CaseRecord


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    APPROVED = "approved", _("決定済み")
    SUPERSEDED = "superseded", _("再プランにより終了")
    ENDED = "ended", _("終了")


class GoalTerm(models.TextChoices):
    LONG = "long", _("長期目標")
    SHORT = "short", _("短期目標")


class ActorKind(models.TextChoices):
    ORGANIZATION = "organization", _("支援機関")
    PERSON = "person", _("本人")
    FAMILY = "family", _("家族")


class Application(models.TextChoices):
    """What an action applies for: the plan doubles as the application to 参加支援 and アウトリーチ."""

    NONE = "", _("—")
    PARTICIPATION = "participation", _("参加支援事業")
    OUTREACH = "outreach", _("アウトリーチ等を通じた継続的支援事業")


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("順調")
    DELAYED = "delayed", _("遅れ")
    NOT_DONE = "not_done", _("未実施")
    DONE = "done", _("完了")


class EvaluationDecision(models.TextChoices):
    CLOSE = "close", _("終結")
    CONTINUE = "continue", _("継続（再プラン）")
    SUSPEND = "suspend", _("中断")


class SupportPlan(CaseRecord):
    """One version of a plan. ``organization`` (the holder) wrote it; ``person`` is the person the plan is for
    and ``household`` their household; ``occurred_at`` when the version was made. Changed only through
    ``tsunagu.support_plans.services``; an approved version is never changed again."""

    plan_type = models.CharField(_("プランの種類"), max_length=40)
    case = models.ForeignKey(
        "collaboration.CollaborationCase", on_delete=models.PROTECT, null=True, blank=True, related_name="plans",
        verbose_name=_("多機関協働ケース"),
    )  # fmt: skip
    series = models.UUIDField(_("プランの系列"), default=uuid.uuid4, editable=False)
    number = models.PositiveSmallIntegerField(_("第何版"), default=1)
    status = models.CharField(_("状態"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    wishes = models.TextField(_("本人の思い（本人の言葉で）"), blank=True)
    family_wishes = models.TextField(_("家族の思い"), blank=True)
    answers = models.JSONField(_("様式ごとの記入内容"), default=dict)
    lead_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("主担当機関")
    )
    period_start = models.DateField(_("プランの期間（開始）"), null=True, blank=True)
    period_end = models.DateField(_("プランの期間（終了）"), null=True, blank=True)
    consent = models.ForeignKey(
        "access.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("この計画の共有に関する本人同意"),
    )  # fmt: skip
    approved_on = models.DateField(_("決定日"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("決定を記録した職員"),
    )  # fmt: skip
    decision_reference = models.CharField(_("決定した会議など"), max_length=200, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("支援プラン")
        verbose_name_plural = _("支援プラン")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="plan_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="plan_by_household"),
            models.Index(fields=["series", "number"], name="plan_by_series"),
            models.Index(fields=["case", "status"], name="plan_by_case"),
        ]
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"支援プラン {self.pk}（第{self.number}版）"

    @property
    def is_frozen(self) -> bool:
        return self.status != PlanStatus.DRAFT


class PlanGoal(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals")
    term = models.CharField(_("目標の種類"), max_length=10, choices=GoalTerm.choices)
    text = models.TextField(_("目標"))
    target_on = models.DateField(_("達成の目安"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("目標")
        verbose_name_plural = _("目標")
        ordering = ["plan", "term", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class PlanAction(models.Model):
    """One line of 役割分担: what is done, by whom (an organisation and its staff, the person, the family),
    how often and for how long. A role of an organisation is acknowledged by that organisation; it is
    flagged when the consent that let the organisation in no longer does."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
                             verbose_name=_("目標"))  # fmt: skip
    content = models.TextField(_("支援の内容"))
    actor = models.CharField(_("担う人"), max_length=20, choices=ActorKind.choices, default=ActorKind.ORGANIZATION)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("担当機関")
    )
    staff_name = models.CharField(_("担当者"), max_length=100, blank=True)
    frequency = models.CharField(_("頻度"), max_length=100, blank=True)
    starts_on = models.DateField(_("期間（開始）"), null=True, blank=True)
    ends_on = models.DateField(_("期間（終了）"), null=True, blank=True)
    application = models.CharField(_("申込み"), max_length=20, choices=Application.choices, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(_("役割の確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("役割を確認した職員"),
    )  # fmt: skip
    flagged_at = models.DateTimeField(_("同意の範囲外となった日時"), null=True, blank=True)
    flag_note = models.CharField(_("同意の範囲外となった理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("役割分担")
        verbose_name_plural = _("役割分担")
        ordering = ["plan", "order", "id"]
        indexes = [models.Index(fields=["organization", "ends_on"], name="plan_action_by_organization")]

    def __str__(self) -> str:
        return self.content[:40]


class MonitoringDate(models.Model):
    """A planned モニタリング of a version (the reminder job notifies once per date: the notice's key)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="monitoring_dates")
    due_on = models.DateField(_("モニタリング予定日"))

    class Meta:
        verbose_name = _("モニタリング予定日")
        verbose_name_plural = _("モニタリング予定日")
        ordering = ["plan", "due_on"]
        constraints = [models.UniqueConstraint(fields=["plan", "due_on"], name="monitoring_date_unique")]
        indexes = [models.Index(fields=["due_on"], name="monitoring_by_due")]

    def __str__(self) -> str:
        return str(self.due_on)


class PlanProgress(CaseRecord):
    """モニタリング: a progress record against a plan's action (or the plan as a whole), by the organisation that
    writes it — the coordinator or an organisation with a role."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="progress")
    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, null=True, blank=True, related_name="progress",
                               verbose_name=_("役割分担"))  # fmt: skip
    status = models.CharField(_("進み具合"), max_length=20, choices=ProgressStatus.choices)
    note = models.TextField(_("内容"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("モニタリング")
        verbose_name_plural = _("モニタリング")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="plan_progress_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="plan_progress_by_household"),
            models.Index(fields=["plan", "-occurred_at"], name="plan_progress_by_plan"),
        ]

    def __str__(self) -> str:
        return f"モニタリング {self.pk}"


class PlanEvaluation(CaseRecord):
    """評価: per goal (達成 / 一部達成 / 未達成, in ``GoalEvaluation``), the overall result and what follows."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="evaluations")
    result = models.CharField(_("総合評価"), max_length=20, choices=EvaluationResult.choices)
    note = models.TextField(_("評価の内容"))
    decision = models.CharField(_("今後の方針"), max_length=20, choices=EvaluationDecision.choices)

    class Meta(CaseRecord.Meta):
        verbose_name = _("評価")
        verbose_name_plural = _("評価")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="plan_evaluation_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="plan_evaluation_by_household"),
        ]

    def __str__(self) -> str:
        return f"評価 {self.pk}"


class GoalEvaluation(models.Model):
    evaluation = models.ForeignKey(PlanEvaluation, on_delete=models.CASCADE, related_name="goals")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("評価"), max_length=20, choices=EvaluationResult.choices)
    note = models.TextField(_("評価の理由"), blank=True)

    class Meta:
        verbose_name = _("目標ごとの評価")
        verbose_name_plural = _("目標ごとの評価")
        ordering = ["evaluation", "goal__term", "goal__order", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "goal"], name="goal_evaluation_unique")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.goal_id}"
