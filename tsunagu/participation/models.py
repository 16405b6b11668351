"""参加支援事業 (法第106条の4第2項第2号; japan-official §1.7): the resource registry (社会資源台帳) with its hosts
(受け入れ先) and the log of resource development (開拓) — the municipality's, not personal data — and the
person's participation support: the support record, the matches (利用調整) with their state, and the follow-up
(定着支援) for the person and for the host.

The personal ones are case records (``tsunagu.records``) held by the organisation that runs the plan's
participation programme (in 琴浦町 the town's type-B workshop): it reads them, others only on a sharing basis
on the person (consent, 支援会議, emergency). Which state may follow which is ``tsunagu.participation.states``;
how resources are ranked for a person is ``tsunagu.participation.matching``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import District, Municipality, Organization
from tsunagu.core.versioning import VersionedModel
from tsunagu.records.models import CaseRecord

# 月火水木金土日: weekdays are stored as a string of these characters (Monday first, as date.weekday()).
WEEKDAYS = "月火水木金土日"


class ResourceKind(models.Model):
    """A kind of resource (居場所, 就労, 就労体験 …): a list that is data, per municipality
    (``defaults.kinds_ensure`` writes the standard list the first time it is needed)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("コード"), max_length=40)
    name = models.CharField(_("種類"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        verbose_name = _("社会資源の種類")
        verbose_name_plural = _("社会資源の種類")
        ordering = ["municipality", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="resource_kind_unique")]

    def __str__(self) -> str:
        return self.name


class Host(VersionedModel):
    """受け入れ先: the business, farm, group or facility that hosts resources. A host that has received a person
    (見学・体験 or 参加) in a 年度 is counted as that 年度's 協力事業者 (``counts``). Edited through forms by the
    registry's keepers: ``version`` keeps two of them from overwriting each other (``edits``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("受け入れ先"), max_length=100)
    sector = models.CharField(
        _("分野"), max_length=50, help_text=_("多分野協働のプラットフォームの分野（農業、観光 …）")
    )
    contact_name = models.CharField(_("担当者"), max_length=100, blank=True)
    contact_phone = models.CharField(_("連絡先"), max_length=50, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("受け入れ先")
        verbose_name_plural = _("受け入れ先")
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="host_unique_name")]

    def __str__(self) -> str:
        return self.name


class Resource(VersionedModel):
    """社会資源: what happens there, for whom, when, where and on what conditions. ``capacity`` is how many
    people it takes at once (null: no limit); a closed resource (``closed_on``) takes no new match. Edited
    through forms, with ``version`` (``edits``); closing it moves the version on too."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="resources", verbose_name=_("受け入れ先"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.ForeignKey(ResourceKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("種類"))
    description = models.TextField(_("活動内容"))
    sector = models.CharField(_("分野"), max_length=50, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    outside_town = models.BooleanField(_("町外"), default=False)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    min_age = models.PositiveSmallIntegerField(_("対象年齢（下限）"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("対象年齢（上限）"), null=True, blank=True)
    weekdays = models.CharField(_("曜日"), max_length=7, blank=True, help_text=_("例: 月水金"))
    starts_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    ends_at = models.TimeField(_("終了時刻"), null=True, blank=True)
    cost = models.CharField(_("費用"), max_length=100, blank=True)
    free_of_charge = models.BooleanField(_("無料"), default=True)
    transport = models.CharField(_("交通"), max_length=200, blank=True)
    pickup = models.BooleanField(_("送迎あり"), default=False)
    public_transport = models.BooleanField(_("公共交通で通える"), default=False)
    accessible = models.BooleanField(_("バリアフリー"), default=False)
    staff_support = models.BooleanField(_("支援者が現地にいる"), default=False)
    # Signed in the database so that a negative number reaches the service's Japanese message, and a
    # constraint refuses one written around it.
    capacity = models.IntegerField(_("定員"), null=True, blank=True)
    keywords = models.CharField(
        _("キーワード"), max_length=200, blank=True, help_text=_("読点・空白区切り（例: 農作業、屋外、動物）")
    )
    closed_on = models.DateField(_("受け入れ終了日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("社会資源")
        verbose_name_plural = _("社会資源")
        ordering = ["municipality", "kind__order", "name"]
        indexes = [models.Index(fields=["municipality", "closed_on"], name="resource_open")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=0),
                name="resource_capacity_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class DevelopmentOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("受け入れの承諾")
    CONDITIONAL = "conditional", _("条件付きで承諾")
    CONSIDERING = "considering", _("検討中")
    DECLINED = "declined", _("断られた")


class ResourceDevelopment(models.Model):
    """開拓: who was approached, when, how, with what outcome (and the host or resource it led to)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録した機関")
    )
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("担当者"))  # fmt: skip
    approached_on = models.DateField(_("働きかけた日"))
    approached = models.CharField(_("働きかけた先"), max_length=100)
    host = models.ForeignKey(Host, on_delete=models.PROTECT, null=True, blank=True, related_name="developments",
                             verbose_name=_("受け入れ先"))  # fmt: skip
    sector = models.CharField(_("分野"), max_length=50, blank=True)
    method = models.CharField(_("方法"), max_length=100, blank=True)
    outcome = models.CharField(_("結果"), max_length=20, choices=DevelopmentOutcome.choices)
    note = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("社会資源の開拓")
        verbose_name_plural = _("社会資源の開拓")
        ordering = ["-approached_on", "-id"]
        indexes = [models.Index(fields=["municipality", "-approached_on"], name="development_by_date")]

    def __str__(self) -> str:
        return f"{self.approached}（{self.approached_on}）"


class Source(models.TextChoices):
    PLAN = "plan", _("支援プランから")
    REFERRAL = "referral", _("つなぎ（紹介）から")
    DIRECT = "direct", _("直接")


class Transport(models.TextChoices):
    WALK = "walk", _("徒歩")
    BICYCLE = "bicycle", _("自転車")
    CAR = "car", _("自家用車")
    PUBLIC = "public", _("公共交通（バス・鉄道）")
    NEEDS_PICKUP = "needs_pickup", _("送迎が必要")


class SupportStatus(models.TextChoices):
    OPEN = "open", _("支援中")
    CLOSED = "closed", _("終了")


class ParticipationSupport(CaseRecord):
    """参加支援の記録: the person (from a plan's action asking for 参加支援, a referral or directly), what they
    want, what they can and cannot do, their conditions, the worker. ``occurred_at`` is when it began."""

    source = models.CharField(_("きっかけ"), max_length=20, choices=Source.choices, default=Source.DIRECT)
    plan_action = models.ForeignKey(
        "support_plans.PlanAction", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("支援プランの役割分担"),
    )  # fmt: skip
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("担当者"))  # fmt: skip
    wishes = models.TextField(_("本人の希望"))
    can_do = models.TextField(_("できること"), blank=True)
    cannot_do = models.TextField(_("難しいこと"), blank=True)
    interests = models.CharField(_("興味・関心"), max_length=200, blank=True, help_text=_("読点・空白区切り"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("住まいの地区")
    )
    weekdays = models.CharField(_("参加できる曜日"), max_length=7, blank=True, help_text=_("例: 月火水木金"))
    available_from = models.TimeField(_("参加できる時間（から）"), null=True, blank=True)
    available_until = models.TimeField(_("参加できる時間（まで）"), null=True, blank=True)
    transport = models.CharField(_("移動手段"), max_length=20, choices=Transport.choices, default=Transport.WALK)
    travel_outside_town = models.BooleanField(_("町外にも通える"), default=False)
    needs_accessibility = models.BooleanField(_("バリアフリーが必要"), default=False)
    needs_staff_support = models.BooleanField(_("現地での支援者が必要"), default=False)
    free_only = models.BooleanField(_("無料のものに限る"), default=False)
    age = models.PositiveSmallIntegerField(_("年齢（記録時）"), null=True, blank=True)
    health = models.TextField(_("健康面で配慮すること"), blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=SupportStatus.choices, default=SupportStatus.OPEN)
    closed_on = models.DateField(_("終了日"), null=True, blank=True)
    close_reason = models.CharField(_("終了の理由"), max_length=200, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("参加支援")
        verbose_name_plural = _("参加支援")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="participation_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="participation_by_household"),
            models.Index(fields=["municipality", "occurred_at", "closed_on"], name="participation_by_period"),
        ]

    def __str__(self) -> str:
        return f"参加支援 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == SupportStatus.OPEN


class MatchState(models.TextChoices):
    PROPOSED = "proposed", _("提案")
    TRIAL = "trial", _("見学・体験")
    PARTICIPATING = "participating", _("参加中")
    SETTLED = "settled", _("定着")
    ENDED = "ended", _("終了")


class EndReason(models.TextChoices):
    DECLINED = "declined", _("本人が希望しなかった")
    HOST_DECLINED = "host_declined", _("受け入れ先の都合")
    NOT_SUITED = "not_suited", _("合わなかった")
    HEALTH = "health", _("体調")
    MOVED_ON = "moved_on", _("次の段階へ（就労など）")
    SETTLED_OWN = "settled_own", _("支援なしで続けられるようになった")
    OTHER = "other", _("その他")


class ParticipationMatch(CaseRecord):
    """マッチング（利用調整）: the person's support × a resource, its score and why at the time it was proposed,
    and the state with the date each state began. ``occurred_at`` is when it was proposed."""

    support = models.ForeignKey(ParticipationSupport, on_delete=models.PROTECT, related_name="matches")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="matches",
                                 verbose_name=_("社会資源"))  # fmt: skip
    score = models.PositiveSmallIntegerField(_("適合度"), validators=[MinValueValidator(0)])
    explanation = models.JSONField(_("適合度の理由"), default=list)
    state = models.CharField(_("状態"), max_length=20, choices=MatchState.choices, default=MatchState.PROPOSED)
    note = models.TextField(_("調整の内容"), blank=True)
    trial_on = models.DateField(_("見学・体験日"), null=True, blank=True)
    started_on = models.DateField(_("参加開始日"), null=True, blank=True)
    settled_on = models.DateField(_("定着と判断した日"), null=True, blank=True)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    end_reason = models.CharField(_("終了の理由"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("終了の理由（詳細）"), max_length=200, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("マッチング")
        verbose_name_plural = _("マッチング")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="participation_match_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="participation_match_by_hh"),
            models.Index(fields=["support", "-occurred_at"], name="participation_match_by_support"),
            models.Index(fields=["resource", "state"], name="participation_match_by_res"),
        ]

    def __str__(self) -> str:
        return f"マッチング {self.pk}"

    @property
    def received(self) -> bool:
        """The host has received the person (見学・体験 or more)."""
        return self.trial_on is not None or self.started_on is not None


class FollowUpAbout(models.TextChoices):
    PERSON = "person", _("本人")
    HOST = "host", _("受け入れ先")


class ParticipationFollowUp(CaseRecord):
    """フォローアップ・定着支援: with the person, or with the host (its worries matter too), on one match."""

    match = models.ForeignKey(ParticipationMatch, on_delete=models.PROTECT, related_name="follow_ups")
    about = models.CharField(_("相手"), max_length=10, choices=FollowUpAbout.choices)
    content = models.TextField(_("内容"))
    worries = models.TextField(_("困りごと・心配"), blank=True)
    next_step = models.CharField(_("次の対応"), max_length=200, blank=True)

    class Meta(CaseRecord.Meta):
        verbose_name = _("フォローアップ")
        verbose_name_plural = _("フォローアップ")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="participation_fu_by_person"),
            models.Index(fields=["household", "-occurred_at"], name="participation_fu_by_household"),
            models.Index(fields=["match", "-occurred_at"], name="participation_fu_by_match"),
        ]

    def __str__(self) -> str:
        return f"フォローアップ {self.pk}"
