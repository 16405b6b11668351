"""The municipality's implementation plan (重層的支援体制整備事業実施計画, 社会福祉法第106条の5) as data.

A plan file (see ``tsunagu/plans/planfile.py``) is the source; these tables hold what was loaded, so
that every later capability (consultations, reports, evaluation) refers to the plan's programmes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Division, Municipality, Organization


class Category(models.TextChoices):
    """The five kinds of programme of 法第106条の4第2項, in the order of the law's items."""

    CONSULTATION = "consultation", _("包括的相談支援事業")
    PARTICIPATION = "participation", _("参加支援事業")
    COMMUNITY = "community", _("地域づくり事業")
    OUTREACH = "outreach", _("アウトリーチ等を通じた継続的支援事業")
    COLLABORATION = "collaboration", _("多機関協働事業")


# The item (号) of 法第106条の4第2項 under which each category is run, as the seed cites it.
LAW_ITEM = {
    Category.CONSULTATION: 1,
    Category.PARTICIPATION: 2,
    Category.COMMUNITY: 3,
    Category.OUTREACH: 4,
    Category.COLLABORATION: 5,
}


def law_article(category: str) -> str:
    """The citation as the plan file and its export write it (Japanese, compared and stored as data)."""
    return f"法第106条の4第2項第{LAW_ITEM[Category(category)]}号"


def law_article_label(category: str) -> str:
    """The same citation for a page, in the reader's language."""
    return _("法第106条の4第2項第%(item)s号") % {"item": LAW_ITEM[Category(category)]}


class Section(models.TextChoices):
    """The tables of the seed plan: the two existing pillars, and the new functions grouped together."""

    CONSULTATION = "consultation", _("包括的相談支援事業")
    COMMUNITY = "community", _("地域づくり事業")
    NEW_FUNCTIONS = "new_functions", _("新たな機能")


SECTION_OF_CATEGORY = {
    Category.CONSULTATION: Section.CONSULTATION,
    Category.COMMUNITY: Section.COMMUNITY,
    Category.PARTICIPATION: Section.NEW_FUNCTIONS,
    Category.OUTREACH: Section.NEW_FUNCTIONS,
    Category.COLLABORATION: Section.NEW_FUNCTIONS,
}


class Domain(models.TextChoices):
    ELDERLY = "elderly", _("介護")
    DISABILITY = "disability", _("障害")
    CHILDREN = "children", _("子ども等")
    POVERTY = "poverty", _("生活困窮")
    GENERAL = "general", _("全般")


class OperatingForm(models.TextChoices):
    DIRECT = "direct", _("直営")
    COMMISSIONED = "commissioned", _("委託")
    SUBSIDISED = "subsidised", _("補助")
    # The seed runs 障害者相談支援事業 both directly and through contractors.
    DIRECT_AND_COMMISSIONED = "direct_commissioned", _("直営・委託")


class Plan(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("計画名"), max_length=200)
    legal_basis = models.CharField(_("根拠法令"), max_length=100)
    period_text = models.CharField(_("計画期間"), max_length=200)
    start_fiscal_year = models.PositiveSmallIntegerField(_("開始年度（西暦）"), null=True, blank=True)
    end_fiscal_year = models.PositiveSmallIntegerField(_("終了年度（西暦）"), null=True, blank=True)
    purpose = models.TextField(_("目的"))
    position = models.TextField(_("計画の位置づけ"))
    outline = models.TextField(_("計画策定の概要"))
    parent_plan = models.CharField(_("上位計画"), max_length=200, blank=True)
    # The sectors of the cross-sector platform (多分野協働のプラットフォーム) the plan names.
    platform_sectors = models.JSONField(_("多分野協働のプラットフォーム"), default=list, blank=True)
    # Whose supervisors review every emergency access of the town, besides the agency's own or its 所管課's
    # (``tsunagu.access.reviews``): the safety net for agencies with no supervisor. A town body, or none.
    emergency_reviewer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("緊急閲覧の確認を行う機関"),
    )
    source_name = models.CharField(_("読込ファイル"), max_length=200)
    source_sha256 = models.CharField(_("読込ファイルのSHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("読込日時"), auto_now=True)

    class Meta:
        verbose_name = _("実施計画")
        verbose_name_plural = _("実施計画")
        ordering = ["municipality", "-start_fiscal_year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "title"], name="plan_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class Program(models.Model):
    """One programme line of the plan (事業), with every column of the seed's tables."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programs")
    code = models.SlugField(_("事業コード"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"))
    category = models.CharField(_("事業区分"), max_length=20, choices=Category.choices)
    domain = models.CharField(_("分野"), max_length=20, choices=Domain.choices)
    # The 区分 column as the plan prints it, where it differs from the domain's name (子ども / 子ども等).
    domain_label = models.CharField(_("区分（計画の表記）"), max_length=20)
    name = models.CharField(_("実施する事業"), max_length=100)
    target_population = models.TextField(_("支援対象者"))
    service_area = models.CharField(_("対象圏域"), max_length=100)
    responsible_division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="programs", verbose_name=_("所管課")
    )
    operating_form = models.CharField(_("運営形態"), max_length=30, choices=OperatingForm.choices)
    implementing_bodies: "models.ManyToManyField[Organization, ProgramImplementingBody]" = models.ManyToManyField(
        Organization,
        through="ProgramImplementingBody",
        related_name="implemented_programs",
        verbose_name=_("実施機関"),
    )

    class Meta:
        verbose_name = _("事業")
        verbose_name_plural = _("事業")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="program_unique_code"),
            models.UniqueConstraint(fields=["plan", "name"], name="program_unique_name"),
        ]
        indexes = [models.Index(fields=["municipality", "category", "domain"])]

    def __str__(self) -> str:
        return self.name

    @property
    def law_article(self) -> str:
        return law_article(self.category)

    @property
    def law_article_label(self) -> str:
        return law_article_label(self.category)

    @property
    def section(self) -> str:
        return SECTION_OF_CATEGORY[Category(self.category)]


class ProgramDuty(models.Model):
    """One bullet of 業務内容."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="duties")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(_("業務内容"))

    class Meta:
        verbose_name = _("業務内容")
        verbose_name_plural = _("業務内容")
        ordering = ["program", "order"]

    def __str__(self) -> str:
        return self.text


class ProgramImplementingBody(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="implementing_body_links")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organization"], name="implementing_body_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.organization}"


class Indicator(models.Model):
    """An evaluation indicator (評価指標) of a programme, with targets by fiscal year if set."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("指標コード"), max_length=50)
    order = models.PositiveSmallIntegerField()
    name = models.CharField(_("評価指標"), max_length=100)
    unit = models.CharField(_("単位"), max_length=20)
    description = models.TextField(_("説明"), blank=True)
    # {"2025": 120, …}: fiscal year (西暦) → target. The seed sets no numeric targets.
    targets = models.JSONField(_("目標値"), default=dict, blank=True)

    class Meta:
        verbose_name = _("評価指標")
        verbose_name_plural = _("評価指標")
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingBasis(models.TextChoices):
    """The legal basis a meeting type is held under (DESIGN §4): it decides how information is shared in it."""

    ART106_6 = "art106_6", _("法106条の6")
    CONSENT = "consent", _("本人同意")
    POVERTY_ART9 = "poverty_art9", _("生活困窮者自立支援法第9条")
    CHILD_COUNCIL = "child_council", _("要保護児童対策地域協議会")
    OTHER = "other", _("その他の法令")


class DecisionKind(models.TextChoices):
    """What a meeting may decide; a meeting type lists the kinds it may take (``MeetingType.decisions``)."""

    POLICY = "policy", _("対応方針")
    SUPPORT_DECISION = "support_decision", _("支援決定")
    EVALUATION = "evaluation", _("評価")
    CLOSURE = "closure", _("終結")
    SUSPENSION = "suspension", _("中断")
    OUTREACH = "outreach", _("アウトリーチの割当")
    WATCHING = "watching", _("見守りの割当")


class MeetingType(models.Model):
    """A kind of meeting the plan holds (支援会議, 重層的支援会議 …), configured in the plan file.

    Behaviour follows these fields, never the name: a statutory basis (anything but 本人同意) shares the
    agenda's records without consent after each member's 守秘義務 acknowledgement; ``consent_required``
    admits only agenda items whose consent covers every attending organisation (``tsunagu.meetings.law``).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meeting_types")
    code = models.SlugField(_("会議種別コード"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"))
    name = models.CharField(_("会議の名称"), max_length=100)
    legal_basis = models.CharField(_("法的根拠"), max_length=20, choices=MeetingBasis.choices)
    convener = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("開催する機関")
    )
    consent_required = models.BooleanField(_("本人同意が必要"))
    # DecisionKind values, in the plan file's order.
    decisions = models.JSONField(_("決定できる事項"), default=list)
    # Empty: every organisation of the plan may be a member.
    member_organizations = models.ManyToManyField(
        Organization, related_name="+", blank=True, verbose_name=_("構成員になれる機関")
    )

    class Meta:
        verbose_name = _("会議の種別")
        verbose_name_plural = _("会議の種別")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="meeting_type_unique_code"),
            models.UniqueConstraint(fields=["plan", "name"], name="meeting_type_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def statutory(self) -> bool:
        """Held under a statute: shares without consent, and binds its members to secrecy."""
        return self.legal_basis != MeetingBasis.CONSENT
