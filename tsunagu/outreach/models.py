"""アウトリーチ等を通じた継続的支援 (法第106条の4第2項第4号): 気になる情報 (early-detection information), the
outreach target with its relationship stage, every contact attempt (failures included) and each change of
stage (japan-official §1.8: 把握経路, 訪問記録, 関係性の段階, 同意取得日, つなぎ先).

All four are case records (``tsunagu.records``) held by the organisation that runs the plan's outreach
programme (``outreach`` in the plan file): that organisation reads them, others only on a sharing basis on
the person (consent, 支援会議, emergency). Records about someone not yet identified have no person and stay
with their organisation. Which stage may follow which is ``tsunagu.outreach.stages``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import District, Organization
from tsunagu.records.models import CaseRecord


class SourceType(models.TextChoices):
    """把握経路: who noticed."""

    WELFARE_COMMISSIONER = "welfare_commissioner", _("民生委員・児童委員")
    NEIGHBOUR = "neighbour", _("近隣住民")
    UTILITY = "utility", _("ライフライン事業者（電気・ガス・水道）")
    SHOP = "shop", _("商店・配達事業者")
    SCHOOL = "school", _("学校")
    POLICE = "police", _("警察")
    AGENCY = "agency", _("関係機関")
    FAMILY = "family", _("家族・親族")
    STAFF = "staff", _("職員の気づき")
    OTHER = "other", _("その他")


class Urgency(models.TextChoices):
    WATCH = "watch", _("様子を見る")
    NORMAL = "normal", _("通常")
    SOON = "soon", _("早めの対応が必要")
    URGENT = "urgent", _("緊急（生命・安全の恐れ）")


class Stage(models.TextChoices):
    """関係性の段階."""

    UNCONTACTED = "uncontacted", _("未接触")
    ATTEMPTING = "attempting", _("接触試行")
    CONTACTED = "contacted", _("接触できた")
    RELATIONSHIP = "relationship", _("関係構築")
    CONNECTED = "connected", _("支援につながった")
    WATCHING = "watching", _("見守り継続")
    ENDED = "ended", _("終了")


class EndReason(models.TextChoices):
    SUPPORT_CONTINUES = "support_continues", _("つなぎ先の支援が定着した")
    RESOLVED = "resolved", _("心配がなくなった")
    MOVED = "moved", _("転居")
    DIED = "died", _("死亡")
    OTHER_AGENCY = "other_agency", _("他の機関が対応している")
    OTHER = "other", _("その他")


class Means(models.TextChoices):
    VISIT = "visit", _("訪問")
    PHONE = "phone", _("電話")
    LETTER = "letter", _("手紙")
    ACCOMPANY = "accompany", _("同行")
    VIA_OTHERS = "via_others", _("関係者経由")


class Result(models.TextChoices):
    ABSENT = "absent", _("不在")
    NO_ANSWER = "no_answer", _("応答なし")
    REFUSED = "refused", _("拒否")
    LEFT_LETTER = "left_letter", _("手紙・メモを残した")
    HEARD_FROM_OTHERS = "heard_from_others", _("関係者から様子を聞いた")
    TALKED = "talked", _("会話できた")
    MET = "met", _("面会できた")


# The results that reach the person: the first of them is the first contact (接触できた).
REACHED = (Result.TALKED, Result.MET)


class OutreachTarget(CaseRecord):
    """アウトリーチの対象: a person or household (or someone not yet identified, by description and address),
    the worry, the assigned worker, the stage, the next action. ``occurred_at`` is when it was opened.

    The counts on the row (attempts, first and last contact, last action) are kept by the services in the
    same transaction as the contact or step, so that the worker's list reads them without a query per row.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("対象の方の概要（未特定の場合）"), max_length=200, blank=True)
    address = models.CharField(_("住所・場所"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    worry = models.TextField(_("心配なこと"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("担当者")
    )
    stage = models.CharField(_("関係性の段階"), max_length=20, choices=Stage.choices, default=Stage.UNCONTACTED)
    stage_since = models.DateTimeField(_("この段階になった日時"))
    end_reason = models.CharField(_("終了の理由"), max_length=30, choices=EndReason.choices, blank=True)
    next_action = models.CharField(_("次の行動"), max_length=200, blank=True)
    next_action_on = models.DateField(_("次の行動の予定日"), null=True, blank=True)
    attempt_count = models.PositiveIntegerField(_("接触の試み（回）"), default=0)
    first_contact_at = models.DateTimeField(_("初めて接触できた日時"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("最後の接触の試み"), null=True, blank=True)
    last_action_at = models.DateTimeField(_("最後の対応"))
    # From outreach to support: the consent taken (in the consent register), and where the person went.
    consent = models.ForeignKey(
        "access.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("本人同意")
    )
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey("consultations.Referral", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")  # fmt: skip
    # To 多機関協働: the case opened from the target (the worker keeps accompanying).
    collaboration_case = models.ForeignKey("collaboration.CollaborationCase", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")  # fmt: skip
    # Opened from a 支援会議 decision: which meeting and decision, as text (meetings and outreach are
    # independent apps; the decision's page links here with the person, household and this text).
    meeting_source = models.CharField(_("支援会議での決定"), max_length=200, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("アウトリーチの対象")
        verbose_name_plural = _("アウトリーチの対象")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="outreach_target_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="outreach_target_by_household"),
            models.Index(fields=["organization", "worker", "stage"], name="outreach_target_by_worker"),
            models.Index(fields=["stage", "last_action_at"], name="outreach_target_idle"),
        ]

    def __str__(self) -> str:
        return f"アウトリーチの対象 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.ENDED


class OutreachInformation(CaseRecord):
    """気になる情報: what someone noticed about a person or household, how urgent it seems, and who noticed.

    ``staff`` recorded it (for themselves, or on behalf of the source); ``reporter_organization`` is the
    organisation they recorded it for. The source's name and contact are shown only to the staff of the
    holding (outreach) organisation (``selectors.source_visible``), never to another agency or the person.
    An unidentified person has no ``person``: ``description`` and ``address`` say who and where.
    """

    target = models.ForeignKey(
        OutreachTarget, on_delete=models.PROTECT, null=True, blank=True, related_name="information"
    )
    reporter_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録した機関")
    )
    source_type = models.CharField(_("情報源"), max_length=30, choices=SourceType.choices)
    source_name = models.CharField(_("情報提供者の氏名・名称"), max_length=100, blank=True)
    source_contact = models.CharField(_("情報提供者の連絡先"), max_length=100, blank=True)
    urgency = models.CharField(_("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.CharField(_("対象の方の概要（未特定の場合）"), max_length=200, blank=True)
    address = models.CharField(_("住所・場所"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    content = models.TextField(_("気になること"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("気になる情報")
        verbose_name_plural = _("気になる情報")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="outreach_info_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="outreach_info_by_household"),
            models.Index(fields=["target", "-occurred_at"], name="outreach_info_by_target"),
            models.Index(fields=["organization", "target", "-occurred_at"], name="outreach_info_unassigned"),
        ]

    def __str__(self) -> str:
        return f"気になる情報 {self.pk}"


class OutreachContact(CaseRecord):
    """One approach to the target, whatever came of it: when (``occurred_at``), how, the result, what
    happened and what comes next."""

    target = models.ForeignKey(OutreachTarget, on_delete=models.PROTECT, related_name="contacts")
    means = models.CharField(_("方法"), max_length=20, choices=Means.choices)
    result = models.CharField(_("結果"), max_length=20, choices=Result.choices)
    content = models.TextField(_("内容"), blank=True)
    next_step = models.CharField(_("次の行動"), max_length=200, blank=True)
    next_step_on = models.DateField(_("次の行動の予定日"), null=True, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("接触の記録")
        verbose_name_plural = _("接触の記録")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="outreach_contact_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="outreach_contact_by_household"),
            models.Index(fields=["target", "-occurred_at"], name="outreach_contact_by_target"),
        ]

    def __str__(self) -> str:
        return f"接触の記録 {self.pk}"

    @property
    def reached(self) -> bool:
        return self.result in REACHED


class OutreachStageChange(CaseRecord):
    """One change of a target's stage: from, to, why (required for a skip, a step back, 見守り and 終了)."""

    target = models.ForeignKey(OutreachTarget, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(_("変更前"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("変更後"), max_length=20, choices=Stage.choices)
    note = models.TextField(_("理由・記録"), blank=True)
    # A move outside the usual order (skipping a stage or going back), which needed its reason.
    out_of_order = models.BooleanField(_("順序外の変更"), default=False)

    class Meta(CaseRecord.Meta):
        verbose_name = _("関係性の段階の変更")
        verbose_name_plural = _("関係性の段階の変更")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="outreach_stage_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="outreach_stage_by_household"),
            models.Index(fields=["target", "occurred_at"], name="outreach_stage_by_target"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.from_stage} → {self.to_stage}"


class CommissionerDistrict(models.Model):
    """民生委員・児童委員の地区 (the area of a 地区民生委員児童委員協議会): the municipality's own data, loaded
    from its file (``manage.py outreach_districts``, ``district_config``) or made by demo_town, never assumed.
    Each 地区 belongs to at most one, through its ``DistrictSetting``; the outreach list and map show it where
    it is configured."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("民生委員の地区名"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("民生委員の地区")
        verbose_name_plural = _("民生委員の地区")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="commissioner_district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DistrictSetting(models.Model):
    """Outreach's configuration of one 地区 (``core.District``): its 民生委員 district and its cell on the
    schematic district map (column and row, from 1; a district without a cell is placed after the others in
    the table's order). No personal data."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="outreach_setting",
                                    verbose_name=_("地区"))  # fmt: skip
    commissioner_district = models.ForeignKey(
        CommissionerDistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="settings",
        verbose_name=_("民生委員の地区"),
    )  # fmt: skip
    map_column = models.PositiveSmallIntegerField(_("地図の列"), null=True, blank=True)
    map_row = models.PositiveSmallIntegerField(_("地図の行"), null=True, blank=True)

    class Meta:
        verbose_name = _("地区の設定（アウトリーチ）")
        verbose_name_plural = _("地区の設定（アウトリーチ）")
        ordering = ["district__order", "district__name"]

    def __str__(self) -> str:
        return str(self.district)
