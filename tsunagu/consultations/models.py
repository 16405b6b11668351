"""包括的相談支援: consultations received at any agency, referrals (つなぎ) between agencies, and progress
records (支援経過記録). The shape follows the national 相談受付・申込票 and 支援経過記録 (reference
japan-official §1.3, §1.6).

Who may see these records is decided by ``tsunagu.consultations.selectors`` through the access core:
the receiving organisation always; other organisations only through a sharing basis on the person
(consent, 支援会議, emergency) — an agency's own separate registration of the same person does not open
another agency's case records.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality, Organization
from tsunagu.plans.models import Domain, Program
from tsunagu.records.models import CaseRecord


class ConsultationIssue(models.Model):
    """One item of the 相談内容 list; data, per municipality (``data/issues.toml`` is the default)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("コード"), max_length=30)
    name = models.CharField(_("相談内容"), max_length=50)
    # The domains (分野) this issue usually belongs to: how a consultation is seen to cross domains.
    domains = models.JSONField(_("関係する分野"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        verbose_name = _("相談内容の項目")
        verbose_name_plural = _("相談内容の項目")
        ordering = ["municipality", "order"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="issue_unique_code")]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """A routing suggestion: when the conditions hold, suggest this programme (and organisations).

    Data a municipality changes in the administration; ``data/routing.toml`` is the default.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("コード"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("ルール名"), max_length=100)
    any_issues = models.JSONField(_("いずれかの相談内容（コード）"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(_("年齢（以上）"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("年齢（以下）"), null=True, blank=True)
    child_under = models.PositiveSmallIntegerField(_("世帯に何歳未満の子がいる"), null=True, blank=True)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", verbose_name=_("事業"))
    organizations = models.ManyToManyField(Organization, related_name="+", blank=True, verbose_name=_("つなぎ先"))
    reason = models.CharField(_("理由の表示"), max_length=200)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        verbose_name = _("つなぎ先の提案ルール")
        verbose_name_plural = _("つなぎ先の提案ルール")
        ordering = ["municipality", "order"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="routing_rule_unique_code")]

    def __str__(self) -> str:
        return self.name


class Route(models.TextChoices):
    """相談経路 / 把握経路."""

    VISIT = "visit", _("来所")
    PHONE = "phone", _("電話")
    HOME_VISIT = "home_visit", _("訪問")
    EMAIL = "email", _("メール")
    AGENCY = "agency", _("関係機関から")
    WELFARE_COMMISSIONER = "welfare_commissioner", _("民生委員")
    RESIDENT = "resident", _("地域住民")
    MEETING = "meeting", _("支援会議")
    OUTREACH = "outreach", _("アウトリーチ")
    OTHER = "other", _("その他")


class Visitor(models.TextChoices):
    PERSON = "person", _("本人")
    FAMILY = "family", _("家族")
    CONCERNED = "concerned", _("関係者")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("通常")
    SOON = "soon", _("早めの対応が必要")
    URGENT = "urgent", _("緊急")


class Outcome(models.TextChoices):
    HANDLED = "handled", _("当機関で対応")
    REFERRED = "referred", _("他機関につなぐ")
    COLLABORATION = "collaboration", _("多機関協働へつなぐ")
    INFORMATION = "information", _("情報提供のみ")
    ENDED = "ended", _("終了")


class ConsentVariant(models.TextChoices):
    """The two national variants of the intake form."""

    WITH_CONSENT = "with_consent", _("本人同意あり")
    WITHOUT_CONSENT = "without_consent", _("本人同意なし")


class Consultation(models.Model):
    """相談受付: one consultation received by an organisation under one of the plan's programmes."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("受付機関")
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("事業"))
    received_at = models.DateTimeField(_("受付日時"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("受付者")
    )
    route = models.CharField(_("相談経路"), max_length=30, choices=Route.choices)
    visitor = models.CharField(_("来談者"), max_length=20, choices=Visitor.choices, default=Visitor.PERSON)
    visitor_name = models.CharField(_("来談者の氏名"), max_length=100, blank=True)
    visitor_relationship = models.CharField(_("来談者の続柄・関係"), max_length=50, blank=True)
    visitor_phone = models.CharField(_("来談者の電話番号"), max_length=20, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    # Anonymous consultations are real and are counted; they carry a description, never a name.
    is_anonymous = models.BooleanField(_("匿名の相談"), default=False)
    anonymous_description = models.CharField(_("匿名の方の概要（例: 60代男性）"), max_length=100, blank=True)
    consent_variant = models.CharField(_("様式"), max_length=20, choices=ConsentVariant.choices)
    consent = models.ForeignKey(
        "access.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    issues = models.ManyToManyField(ConsultationIssue, related_name="+", verbose_name=_("相談内容"))
    main_issue = models.ForeignKey(
        ConsultationIssue, on_delete=models.PROTECT, related_name="+", verbose_name=_("最も困っていること（◎）")
    )
    issue_note = models.CharField(_("その他の内容"), max_length=200, blank=True)
    words = models.TextField(_("相談の内容（本人の言葉）"), blank=True)
    wishes = models.TextField(_("本人の希望"), blank=True)
    urgency = models.CharField(_("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    outcome = models.CharField(_("対応"), max_length=20, choices=Outcome.choices)
    outcome_note = models.TextField(_("対応の内容"), blank=True)
    # The domains the consultation touches (from its issues and the person's age): counted in reports.
    domains = models.JSONField(_("分野"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("相談受付")
        verbose_name_plural = _("相談受付")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "organization", "-received_at"], name="consultation_inbox"),
            models.Index(fields=["person", "-received_at"], name="consultation_by_person"),
            models.Index(fields=["municipality", "program", "-received_at"], name="consultation_by_program"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=True, person__isnull=True) | Q(is_anonymous=False, person__isnull=False),
                name="consultation_person_or_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"相談受付 {self.pk}"

    @property
    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.domains if d in Domain.values]


class ReferralBasis(models.TextChoices):
    CONSENT = "consent", _("本人同意")
    ART106_6 = "art106_6", _("支援会議（社会福祉法第106条の6）")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("回答待ち")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("辞退")


class Referral(models.Model):
    """つなぎ: a consultation connected to another organisation (or to 多機関協働 / the 支援会議)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="referrals")
    # The consultation's person and household, kept on the referral so that a timeline finds it by its own
    # index (set by ``referral_send``; 名寄せ moves it like every other link to a person).
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("つなぐ機関")
    )
    to_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("つなぎ先")
    )
    to_program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("つなぎ先の事業")
    )
    # Addressed to the 支援会議 (法106条の6): the only path open to a consultation without consent.
    to_meeting = models.BooleanField(_("支援会議での検討を依頼"), default=False)
    reason = models.TextField(_("つなぐ理由"))
    shared_information = models.TextField(_("共有する情報"))
    basis = models.CharField(_("情報共有の根拠"), max_length=20, choices=ReferralBasis.choices)
    consent = models.ForeignKey("access.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField(_("回答期限"))
    status = models.CharField(_("状況"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("送付日時"), auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    decline_reason = models.TextField(_("辞退の理由"), blank=True)

    class Meta:
        verbose_name = _("つなぎ")
        verbose_name_plural = _("つなぎ")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["municipality", "to_organization", "status", "due_on"], name="referral_inbox"),
            models.Index(fields=["municipality", "from_organization", "status", "due_on"], name="referral_outbox"),
            models.Index(fields=["municipality", "status", "sent_at"], name="referral_open_by_age"),
            models.Index(fields=["person", "-sent_at"], name="referral_by_person"),
            models.Index(fields=["household", "-sent_at"], name="referral_by_household"),
        ]

    def __str__(self) -> str:
        return f"つなぎ {self.pk}"


class Means(models.TextChoices):
    VISIT = "visit", _("来所")
    HOME_VISIT = "home_visit", _("訪問")
    PHONE = "phone", _("電話")
    ACCOMPANY = "accompany", _("同行")
    MEETING = "meeting", _("会議")
    EMAIL = "email", _("メール")
    DOCUMENT = "document", _("文書")


class Counterpart(models.TextChoices):
    PERSON = "person", _("本人")
    FAMILY = "family", _("家族")
    AGENCY = "agency", _("機関")


class CaseNote(CaseRecord):
    """支援経過記録: one contact or action in a person's (or household's) support."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="case_notes"
    )
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="case_notes"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="case_notes"
    )
    means = models.CharField(_("手段"), max_length=20, choices=Means.choices)
    counterpart = models.CharField(_("相手"), max_length=10, choices=Counterpart.choices)
    counterpart_detail = models.CharField(_("相手の詳細"), max_length=100, blank=True)
    content = models.TextField(_("内容"))
    next_step = models.CharField(_("今後の予定"), max_length=200, blank=True)
    next_step_on = models.DateField(_("予定日"), null=True, blank=True)

    class Meta:
        verbose_name = _("支援経過記録")
        verbose_name_plural = _("支援経過記録")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="casenote_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="casenote_by_household"),
            models.Index(fields=["municipality", "organization", "next_step_on"], name="casenote_next_steps"),
        ]

    def __str__(self) -> str:
        return f"支援経過 {self.pk}"
