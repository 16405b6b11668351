"""多機関協働 (法第106条の4第2項第5号): the collaboration case of a household, its participating agencies, its
state history and its assessments (インテーク・アセスメントシート).

A case, each of its transitions and each assessment are case records (``tsunagu.records``): the
organisation that coordinates (福祉あんしん課 in the seed) holds them, the person in focus is their person,
and other organisations read them only on a sharing basis on that person (consent, 支援会議, emergency),
as every other case record. Which state may follow which is ``tsunagu.collaboration.transitions``.

Seams for the sessions that follow (docs/collaboration.md): a ``SupportPlan`` with its versions will point
at ``CollaborationCase`` (``case.plans``). A 重層的支援会議's decision is kept here as text (``decided_on``,
``decision_reference``, each transition's note naming the meeting); the meetings app above points down at
the transitions it made (``meetings.Decision.transitions``), so this app knows no meeting model.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality, Organization
from tsunagu.records.models import CaseRecord


class CaseState(models.TextChoices):
    RECEIVED = "received", _("受付")
    MEETING_TRACK = "meeting_track", _("支援会議で検討")
    ASSESSMENT = "assessment", _("アセスメント")
    PLANNING = "planning", _("プラン作成")
    DECIDED = "decided", _("支援決定")
    SUPPORTING = "supporting", _("支援中")
    EVALUATING = "evaluating", _("評価")
    CLOSED = "closed", _("終結")
    SUSPENDED = "suspended", _("中断")


class EvaluationResult(models.TextChoices):
    ACHIEVED = "achieved", _("達成")
    PARTLY = "partly", _("一部達成")
    NOT_ACHIEVED = "not_achieved", _("未達成")


class ClosureReason(models.Model):
    """One item of the 終結理由 list; data, per municipality (``data/closure_reasons.toml`` is the default)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("コード"), max_length=30)
    name = models.CharField(_("終結理由"), max_length=100)
    # A closure that hands the household over names the 主担当機関 that carries on.
    needs_lead_agency = models.BooleanField(_("主担当機関が必要"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        verbose_name = _("終結理由")
        verbose_name_plural = _("終結理由")
        ordering = ["municipality", "order"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="closure_reason_unique_code")]

    def __str__(self) -> str:
        return self.name


class CollaborationCase(CaseRecord):
    """多機関協働ケース: a household whose issues no single agency can solve, with one or more persons in focus.

    ``organization`` (the holder) is the coordinating organisation, ``staff`` the coordinator, ``person``
    the main person in focus (the household's other members in focus are ``focus_members``), ``occurred_at``
    when the case was opened. ``state`` changes only through ``tsunagu.collaboration.services``.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="collaboration_cases")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="collaboration_cases")
    focus_members = models.ManyToManyField(
        "people.Person", related_name="+", blank=True, verbose_name=_("対象となる世帯員")
    )
    # Where the case came from: a referral passed to 多機関協働, or the consultation itself (both optional:
    # the coordinator may open a case directly for a household).
    referral = models.ForeignKey(
        "consultations.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(_("世帯の状況（概要）"), blank=True)
    state = models.CharField(_("状態"), max_length=20, choices=CaseState.choices, default=CaseState.RECEIVED)
    state_since = models.DateTimeField(_("この状態になった日時"))
    next_date = models.DateField(_("次回予定日"), null=True, blank=True)
    # 支援決定: a decision of a 重層的支援会議, by its date and a reference (会議名・開催日); the meeting's own
    # record points at the case's transitions (``meetings.Decision.transitions``, docs/meetings.md).
    decided_on = models.DateField(_("支援決定日"), null=True, blank=True)
    decision_reference = models.CharField(_("支援決定の会議"), max_length=200, blank=True)
    # The latest evaluation (評価), which closure and re-planning require; per-goal evaluation of the
    # plan (issue 12, item 5) feeds it once plans exist.
    evaluation_result = models.CharField(_("評価の結果"), max_length=20, choices=EvaluationResult.choices, blank=True)
    evaluation_note = models.TextField(_("評価の内容"), blank=True)
    evaluated_at = models.DateTimeField(_("評価日時"), null=True, blank=True)
    closure_reason = models.ForeignKey(
        ClosureReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("終結理由")
    )
    closed_on = models.DateField(_("終結日"), null=True, blank=True)
    # 主担当機関: who accompanies the household after coordination steps back (shown after 終結).
    lead_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("主担当機関")
    )

    class Meta(CaseRecord.Meta):
        verbose_name = _("多機関協働ケース")
        verbose_name_plural = _("多機関協働ケース")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="collab_case_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="collab_case_by_household"),
            models.Index(fields=["municipality", "organization", "state", "state_since"], name="collab_case_by_state"),
        ]

    def __str__(self) -> str:
        return f"多機関協働ケース {self.pk}"


class CaseParticipant(models.Model):
    """A participating organisation of a case, with its contact staff (連絡担当者)."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("機関"))
    contact_name = models.CharField(_("連絡担当者"), max_length=100, blank=True)
    contact_phone = models.CharField(_("連絡先"), max_length=30, blank=True)
    role_note = models.CharField(_("関わり・役割"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("参加機関")
        verbose_name_plural = _("参加機関")
        ordering = ["case", "organization__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "organization"], name="case_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.organization_id}"


class CaseTransition(CaseRecord):
    """One change of a case's state: who (``staff``), when (``occurred_at``), from, to, and the note."""

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="transitions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    from_state = models.CharField(_("変更前"), max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("変更後"), max_length=20, choices=CaseState.choices)
    note = models.TextField(_("記録"), blank=True)
    # A re-plan is a move to プラン作成 from 評価; kept as its own flag so the history names it.
    is_replan = models.BooleanField(_("再プラン"), default=False)

    class Meta(CaseRecord.Meta):
        verbose_name = _("多機関協働ケースの状態変更")
        verbose_name_plural = _("多機関協働ケースの状態変更")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="collab_transition_by_person"),
            models.Index(fields=["case", "occurred_at"], name="collab_transition_by_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class Assessment(CaseRecord):
    """インテーク・アセスメントシート: the household's and each member's situation, in the form version it was
    written in (``form_version``, a key of ``tsunagu.collaboration.assessment_forms``).

    ``answers`` holds the household sections (``{field key: value}``); each member's sections are an
    ``AssessmentMember``. A later assessment (re-assessment) is a new record; the case shows the latest.
    """

    case = models.ForeignKey(CollaborationCase, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    form_version = models.CharField(_("様式の版"), max_length=20)
    answers = models.JSONField(_("世帯の記入内容"), default=dict)

    class Meta(CaseRecord.Meta):
        verbose_name = _("アセスメント")
        verbose_name_plural = _("アセスメント")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="collab_assessment_by_person"),
            models.Index(fields=["case", "-occurred_at"], name="collab_assessment_by_case"),
        ]

    def __str__(self) -> str:
        return f"アセスメント {self.pk}"


class AssessmentMember(models.Model):
    """One household member's sections of an assessment (shown only to readers who may see that member)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("本人ごとの記入内容"), default=dict)

    class Meta:
        verbose_name = _("アセスメント（世帯員）")
        verbose_name_plural = _("アセスメント（世帯員）")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "person"], name="assessment_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.person_id}"
