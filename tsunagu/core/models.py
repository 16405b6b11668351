"""Municipalities, the divisions and organisations that work in them, and the people who use Tsunagu.

Every row of every table belongs to exactly one municipality (DESIGN §1, §7): a deployment may host
several towns, nothing crosses between them, and the municipality is the key a distributed database
would shard by.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    code = models.CharField(_("全国地方公共団体コード"), max_length=6, unique=True)
    name = models.CharField(_("自治体名"), max_length=50)
    name_kana = models.CharField(_("自治体名カナ"), max_length=100, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=10)
    # Role values (Role) whose holders must confirm a TOTP code after the password. A list rather than a
    # table: it is read on every request of an unverified user and changed once in a while by the
    # `require_two_factor` command, which validates the values.
    two_factor_roles = models.JSONField(_("二要素認証が必要な役割"), default=list, blank=True)

    class Meta:
        verbose_name = _("自治体")
        verbose_name_plural = _("自治体")

    def __str__(self) -> str:
        return self.name


class Division(models.Model):
    """A town-hall division (所管課) responsible for programmes of the plan."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField(_("課名"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("所管課")
        verbose_name_plural = _("所管課")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="division_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A district (地区) of the municipality: community work and reports are counted by it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("地区名"), max_length=50)
    name_kana = models.CharField(_("地区名カナ"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    TOWN_DIVISION = "town_division", _("町の課")
    TOWN_CENTRE = "town_centre", _("町直営の機関")
    CONSULTATION_AGENCY = "consultation_agency", _("相談支援機関")
    SOCIAL_WELFARE_COUNCIL = "social_welfare_council", _("社会福祉協議会")
    CHILDCARE_FACILITY = "childcare_facility", _("保育所・認定こども園")
    EMPLOYMENT_WORKSHOP = "employment_workshop", _("就労支援事業所")
    OTHER = "other", _("その他の支援関係機関")


class Organization(models.Model):
    """Any agency whose staff use Tsunagu: a division, a contracted centre, 社協, a nursery …

    Access to personal data is granted to organisations, never to individuals at large.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="organizations")
    name = models.CharField(_("機関名"), max_length=100)
    short_name = models.CharField(_("略称"), max_length=30, blank=True)
    kind = models.CharField(_("種別"), max_length=30, choices=OrganizationKind.choices)
    # The division this organisation *is* (for a town division) or belongs to (for a direct-run centre).
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("所属する課"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("機関")
        verbose_name_plural = _("機関")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="organization_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("相談員")
    COORDINATOR = "coordinator", _("多機関協働コーディネーター")
    SUPERVISOR = "supervisor", _("係長・課長（監督者）")
    ADMINISTRATOR = "administrator", _("システム管理者")
    AUDITOR = "auditor", _("監査担当")
    # A machine account of another system (the resident-register feed): its own narrow API, no case data.
    INTEGRATION = "integration", _("外部システム連携")


# The roles that open personal data (DESIGN §4). Granted on the administration pages, such a role takes
# effect only once a supervisor confirms it (``Membership.confirmed_at``; docs/accounts.md).
CASEWORK_ROLES = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR})


class User(AbstractUser):  # type: ignore[django-manager-missing]  # auth_token_set: knox's untyped base
    """A member of staff. Belongs to one municipality and, through memberships, to organisations."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="users", verbose_name=_("自治体")
    )
    display_name = models.CharField(_("表示名"), max_length=50, blank=True)

    REQUIRED_FIELDS = ["email", "municipality"]

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def confirmed(self) -> "MembershipQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def pending(self) -> "MembershipQuerySet":
        return self.filter(confirmed_at__isnull=True)


class Membership(models.Model):
    """A user's role at one organisation. A user may work for several organisations.

    A membership in effect has ``confirmed_at``; one without it is a request, which gives nothing until a
    supervisor confirms it (casework roles granted on the administration pages, docs/accounts.md).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("登録した管理者")
    )
    requested_at = models.DateTimeField(_("登録日時"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("確認した人")
    )
    # Who confirmed, as written: a user's name, or the command that created the membership.
    confirmed_by_name = models.CharField(_("確認した人（記録）"), max_length=150, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["organization__order", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organization} / {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None
