"""地域づくり事業 (法第106条の4第2項第3号): places (拠点・居場所) with their programme from the plan, their
activity sessions with anonymous counts, the 生活支援コーディネーター's work log, and the 多分野協働の
プラットフォーム's sectors and partner organisations (japan-official §1.9).

Places, sessions, partners and the log name no person: the community staff of the municipality read them
(``tsunagu.community.staff``). A known person's participation in a session is a case record
(``SessionParticipation``), read only through the access core's one rule.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import District, Municipality, Organization
from tsunagu.records.models import CaseRecord


class PlaceKind(models.TextChoices):
    SALON = "salon", _("サロン")
    CIRCLE = "circle", _("サークル")
    CHILD_REARING_HUB = "child_rearing_hub", _("地域子育て支援拠点")
    CARE_PREVENTION = "care_prevention", _("介護予防の通いの場")
    ACTIVITY_CENTRE = "activity_centre", _("地域活動支援センター")
    DROP_IN = "drop_in", _("居場所")
    OTHER = "other", _("その他")


# The age bands a session may count (where known): (field, label). Their sum never exceeds the total.
AGE_BANDS = (
    ("age_0_5", _("乳幼児（0〜5歳）")),
    ("age_6_17", _("児童・生徒（6〜17歳）")),
    ("age_18_39", _("18〜39歳")),
    ("age_40_64", _("40〜64歳")),
    ("age_65_74", _("65〜74歳")),
    ("age_75_over", _("75歳以上")),
)


class PlatformSector(models.Model):
    """One sector of the plan's 多分野協働のプラットフォーム (消費者相談, 教育, …): data, from the plan file's
    ``platform_sectors`` (``services.platform_sectors_ensure``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("分野"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("多分野協働のプラットフォームの分野")
        verbose_name_plural = _("多分野協働のプラットフォームの分野")
        ordering = ["municipality", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="community_sector_unique")]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation taking part in community work (参加機関): a school, the JA, a shop, a residents'
    association, or one of the town's own agencies (``organization``), in a platform sector."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("団体・機関名"), max_length=100)
    sector = models.ForeignKey(
        PlatformSector, on_delete=models.PROTECT, null=True, blank=True, related_name="partners",
        verbose_name=_("分野"),
    )  # fmt: skip
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("町の機関（Tsunaguの利用機関の場合）"),
    )  # fmt: skip
    contact = models.CharField(_("連絡先"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("参加機関")
        verbose_name_plural = _("参加機関")
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="community_partner_unique")]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """拠点・居場所: where, what kind, under which 地域づくり programme of the plan, who hosts it (an agency
    of the town or a residents' group by name), who coordinates it, and when it was open (拠点数 counts the
    places open during a period). ``organization`` keeps the record: an organisation that runs the programme."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("plans.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("事業"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録する機関")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("種類"), max_length=30, choices=PlaceKind.choices)
    host_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("運営する機関")
    )
    host_name = models.CharField(_("運営する団体（住民団体など）"), max_length=100, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("コーディネーター"),
    )  # fmt: skip
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    schedule = models.CharField(_("開催日・時間"), max_length=200, blank=True)
    description = models.TextField(_("活動内容"), blank=True)
    opened_on = models.DateField(_("開設日"))
    closed_on = models.DateField(_("廃止日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("拠点・居場所")
        verbose_name_plural = _("拠点・居場所")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="community_place_unique"),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="community_place_period",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "program", "opened_on"], name="community_place_program")]

    def __str__(self) -> str:
        return self.name

    @property
    def host_label(self) -> str:
        return self.host_organization.name if self.host_organization_id else self.host_name  # type: ignore[union-attr]


class ActivitySession(models.Model):
    """One activity at a place: date, content, how many took part (anonymous; by age band where known),
    volunteers, and the partner organisations that took part."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("拠点"))
    held_on = models.DateField(_("開催日"))
    title = models.CharField(_("内容"), max_length=200)
    note = models.TextField(_("記録"), blank=True)
    participants = models.PositiveIntegerField(_("参加者数"))
    age_0_5 = models.PositiveIntegerField(_("乳幼児（0〜5歳）"), null=True, blank=True)
    age_6_17 = models.PositiveIntegerField(_("児童・生徒（6〜17歳）"), null=True, blank=True)
    age_18_39 = models.PositiveIntegerField(_("18〜39歳"), null=True, blank=True)
    age_40_64 = models.PositiveIntegerField(_("40〜64歳"), null=True, blank=True)
    age_65_74 = models.PositiveIntegerField(_("65〜74歳"), null=True, blank=True)
    age_75_over = models.PositiveIntegerField(_("75歳以上"), null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("ボランティア数"), default=0)
    partners = models.ManyToManyField(Partner, blank=True, related_name="sessions", verbose_name=_("参加機関"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録者")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活動の記録")
        verbose_name_plural = _("活動の記録")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(participants__gte=0), name="community_session_participants"),
        ]
        indexes = [
            models.Index(fields=["place", "-held_on"], name="community_session_by_place"),
            models.Index(fields=["municipality", "held_on"], name="community_session_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.held_on} {self.title}"

    def age_counts(self) -> list[tuple[str, int | None]]:
        return [(str(label), getattr(self, field)) for field, label in AGE_BANDS]


class SessionParticipation(CaseRecord):
    """A known person's participation in a session (linked on purpose, not needed for the counts): a case
    record of the organisation that linked it, read under the one access rule. ``occurred_at`` is the
    session's day."""

    session = models.ForeignKey(ActivitySession, on_delete=models.PROTECT, related_name="participations")
    note = models.CharField(_("様子・メモ"), max_length=200, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("活動への参加")
        verbose_name_plural = _("活動への参加")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="community_participation_unique"),
        ]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="community_part_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="community_part_by_household"),
            models.Index(fields=["session", "person"], name="community_part_by_session"),
        ]

    def __str__(self) -> str:
        return f"活動への参加 {self.pk}"


class CoordinatorActivity(models.TextChoices):
    """What a 生活支援コーディネーター does (the functions of 生活支援体制整備事業)."""

    RESOURCE_SURVEY = "resource_survey", _("地域資源の把握")
    RESOURCE_DEVELOPMENT = "resource_development", _("資源・担い手の開発")
    NETWORK = "network", _("関係者のネットワークづくり")
    MATCHING = "matching", _("ニーズと取組のマッチング")
    COUNCIL = "council", _("協議体の開催・参加")
    CONSULTATION = "consultation", _("相談・情報提供")
    OTHER = "other", _("その他")


class CoordinatorLogEntry(models.Model):
    """One entry of the coordinator's work log: when, what kind of work, with which partners and place. It
    names no person (the form says so): a person's matter is a case record of its own."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("plans.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("事業"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("機関"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("コーディネーター")
    )
    worked_on = models.DateField(_("日付"))
    activity = models.CharField(_("業務の種類"), max_length=30, choices=CoordinatorActivity.choices)
    content = models.TextField(_("内容"))
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("拠点")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    partners = models.ManyToManyField(Partner, blank=True, related_name="log_entries", verbose_name=_("関わった機関"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("生活支援コーディネーターの活動記録")
        verbose_name_plural = _("生活支援コーディネーターの活動記録")
        ordering = ["-worked_on", "-id"]
        indexes = [models.Index(fields=["municipality", "program", "worked_on"], name="community_log_by_date")]

    def __str__(self) -> str:
        return f"{self.worked_on} {self.get_activity_display()}"
