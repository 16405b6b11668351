"""Who may see a person's records, and on which legal basis (DESIGN §4).

Access is granted to an organisation, never to the world. Every grant names its legal basis and where
it came from (the registration, a consent, a 支援会議, an emergency request). A person is visible to a
member of staff exactly when one of the organisations they work for *with a casework role* holds an
active grant on that person: one rule, in ``policy.py``, for every page and API.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.display import date_label
from tsunagu.core.models import Municipality, Organization


class Basis(models.TextChoices):
    OWN_RECORD = "own_record", _("自機関の記録")
    CONSENT = "consent", _("本人同意")
    ART106_6 = "art106_6", _("支援会議（社会福祉法第106条の6）")
    OTHER_STATUTE = "other_statute", _("他法令に基づく会議")
    EMERGENCY = "emergency", _("緊急時（生命・身体の保護）")


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def active(self, at=None) -> "AccessGrantQuerySet":
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=at).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    APPROVED = "approved", _("妥当と確認")
    REJECTED = "rejected", _("不適切と判断")


class AccessGrant(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="access_grants", verbose_name=_("機関")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="access_grants", verbose_name=_("本人")
    )
    basis = models.CharField(_("法的根拠"), max_length=20, choices=Basis.choices)
    # What the grant rests on: "consent:12", "meeting:5", "registration", "emergency".
    source = models.CharField(_("根拠の出典"), max_length=50)
    consent = models.ForeignKey(
        "access.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    reason = models.TextField(_("理由"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("付与者"),
    )
    granted_at = models.DateTimeField(_("付与日時"), default=timezone.now)
    valid_from = models.DateTimeField(_("有効開始"), default=timezone.now)
    valid_until = models.DateTimeField(_("有効期限"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("取消理由"), max_length=200, blank=True)
    # Emergency grants are reviewed by a supervisor after the fact (who: ``tsunagu.access.reviews``).
    review_status = models.CharField(_("確認状況"), max_length=10, choices=ReviewStatus.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    review_note = models.TextField(_("確認メモ"), blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("閲覧権限")
        verbose_name_plural = _("閲覧権限")
        ordering = ["-granted_at"]
        indexes = [
            models.Index(
                fields=["organization", "person"],
                condition=Q(revoked_at__isnull=True),
                name="grant_active_by_org",
            ),
            models.Index(fields=["person", "-granted_at"], name="grant_by_person"),
            # The unreviewed emergency grants of a town, oldest first (the reviewer's and the auditor's lists).
            models.Index(
                fields=["municipality", "review_status", "granted_at"],
                condition=Q(basis="emergency"),
                name="grant_emergency_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.person_id}（{self.get_basis_display()}）"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("書面")
    ORAL = "oral", _("口頭")


class ConsentGiver(models.TextChoices):
    SELF = "self", _("本人")
    GUARDIAN = "guardian", _("成年後見人等")
    PARENT = "parent", _("親権者")
    OTHER = "other", _("その他の代理人")


class Consent(models.Model):
    """本人同意: who agreed to their information being shared, with whom, for what, and until when."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    # Either named organisations, or every 支援関係機関 of the plan *at the time consent was given*:
    # a person cannot agree to share with an agency that did not yet exist.
    all_plan_agencies = models.BooleanField(_("計画のすべての支援関係機関"), default=False)
    organizations = models.ManyToManyField(
        Organization, related_name="consents", verbose_name=_("共有先の機関"), blank=True
    )
    purpose = models.TextField(_("利用目的"))
    method = models.CharField(_("同意の方法"), max_length=10, choices=ConsentMethod.choices)
    given_by = models.CharField(_("同意した人"), max_length=10, choices=ConsentGiver.choices, default="self")
    representative_name = models.CharField(_("代理人の氏名"), max_length=100, blank=True)
    representative_relationship = models.CharField(_("本人との関係"), max_length=50, blank=True)
    given_on = models.DateField(_("同意日"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("同意を受けた職員"),
    )
    taken_by_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("同意を受けた機関")
    )
    document = models.FileField(_("同意書（スキャン）"), upload_to="consents/%Y/", blank=True)
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    withdrawn_on = models.DateField(_("撤回日"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(_("撤回の内容"), blank=True)

    class Meta:
        verbose_name = _("本人同意")
        verbose_name_plural = _("本人同意")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "-given_on"], name="consent_by_person")]

    def __str__(self) -> str:
        # Shown in the intake form's choice of consent: the date as staff write it, and how it was given.
        return _("%(date)sの本人同意（%(method)s）") % {
            "date": date_label(self.given_on),
            "method": self.get_method_display(),
        }

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
