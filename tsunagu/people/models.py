"""People (本人) and households (世帯): the registry every consultation, case and plan refers to.

A person need not be a registered resident (homeless, from another town, anonymous at first): the link
to the resident register (宛名番号) is optional, and there is no マイナンバー field by design.
Readings (フリガナ) are stored as full-width katakana; a search key (``kana_key``) that ignores width,
hiragana/katakana, small kana and voicing marks is kept beside them and indexed for prefix search.

These models are never read directly by views: ``tsunagu.people.selectors`` is the one door. People and
households are edited through forms, so they carry a version (``tsunagu.core.versioning``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import District, Municipality, Organization
from tsunagu.core.versioning import VersionedModel

# (municipality_id, text column) indexes searched by prefix.
PREFIX_OPS = ["int8_ops", "varchar_pattern_ops"]


class Gender(models.TextChoices):
    # Not forced binary: "other" comes with the person's own words, and not answering is an answer.
    FEMALE = "female", _("女性")
    MALE = "male", _("男性")
    OTHER = "other", _("その他")
    UNSTATED = "unstated", _("回答なし・不明")


class Person(VersionedModel):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    family_name = models.CharField(_("氏"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("氏（フリガナ）"), max_length=100)
    given_name_kana = models.CharField(_("名（フリガナ）"), max_length=100, blank=True)
    # kana_search_key(氏 + 名) and of 氏 alone, maintained by the services, indexed for prefix search.
    kana_key = models.CharField(max_length=200, editable=False)
    family_kana_key = models.CharField(max_length=100, editable=False)
    birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    gender = models.CharField(_("性別"), max_length=10, choices=Gender.choices, default=Gender.UNSTATED)
    gender_note = models.CharField(_("性別（本人の言葉で）"), max_length=50, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    phone2 = models.CharField(_("電話番号（予備）"), max_length=20, blank=True)
    # Digits only, of either phone, for search and duplicate detection.
    phone_key = models.CharField(max_length=20, blank=True, editable=False)
    phone2_key = models.CharField(max_length=20, blank=True, editable=False)
    email = models.EmailField(_("メールアドレス"), blank=True)
    contact_notes = models.TextField(_("連絡上の注意"), blank=True)
    resident_number = models.CharField(_("宛名番号"), max_length=20, blank=True)
    is_registered_resident = models.BooleanField(_("住民登録あり"), default=False)
    # 要配慮: e.g. DV — the location (address, postal code, district) is shown only to the agency that
    # registered the protection and the staff it names (``AddressViewer``; docs/dv-protection.md).
    address_protected = models.BooleanField(_("住所非開示（DV等）"), default=False)
    address_protected_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("住所非開示を登録した機関"),
    )  # fmt: skip
    address_protected_at = models.DateTimeField(_("住所非開示の登録日時"), null=True, blank=True)
    address_protected_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("住所非開示を登録した職員"),
    )  # fmt: skip
    care_notes = models.TextField(_("配慮事項"), blank=True)
    registered_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("登録機関")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    # Set when this record was merged into another (名寄せ); such records are hidden from every list.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from")

    class Meta:
        verbose_name = _("本人")
        verbose_name_plural = _("本人")
        ordering = ["kana_key", "birth_date", "id"]
        indexes = [
            # Name searches are prefix searches (people/search.py). On PostgreSQL the pattern operator
            # class lets LIKE 'サト%' use the index whatever the database's collation; SQLite ignores it.
            models.Index(fields=["municipality", "kana_key"], opclasses=PREFIX_OPS, name="person_kana_prefix"),
            models.Index(
                fields=["municipality", "family_kana_key"],
                opclasses=PREFIX_OPS,
                name="person_family_kana_prefix",
            ),
            models.Index(fields=["municipality", "family_name"], opclasses=PREFIX_OPS, name="person_family_name"),
            models.Index(fields=["municipality", "birth_date"], name="person_birth_date"),
            models.Index(fields=["municipality", "phone_key"], name="person_phone"),
            models.Index(fields=["municipality", "phone2_key"], name="person_phone2"),
            models.Index(fields=["municipality", "resident_number"], name="person_resident_number"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "resident_number"],
                condition=~models.Q(resident_number="") & models.Q(merged_into__isnull=True),
                name="person_unique_resident_number",
            ),
            # A protection nobody registered could be lifted, or read, by nobody in particular.
            models.CheckConstraint(
                condition=models.Q(address_protected=False) | models.Q(address_protected_by__isnull=False),
                name="person_protection_has_protector",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name}　{self.given_name}".strip("　")

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}　{self.given_name_kana}".strip("　")


class AddressViewer(models.Model):
    """A member of staff the protecting agency names as allowed to see a protected (DV) location.

    Named by a supervisor of the protecting agency (``organization``) on the person's page; the naming
    lapses when it is revoked, and with the protection itself (turned off, or registered anew by another
    agency). It opens the location only: the person's record is still read on a grant of the viewer's own
    organisation.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="address_viewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("閲覧を認める職員")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("指名した機関")
    )
    reason = models.CharField(_("理由"), max_length=200)
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(_("指名日時"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("非開示住所の閲覧を認めた職員")
        verbose_name_plural = _("非開示住所の閲覧を認めた職員")
        ordering = ["named_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"], condition=models.Q(revoked_at__isnull=True), name="address_viewer_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person_id}"


class NameKind(models.TextChoices):
    ALIAS = "alias", _("通称")
    FORMER = "former", _("旧姓・旧名")


class PersonName(models.Model):
    """Another name the person is or was known by; searched like the main name."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(_("種類"), max_length=10, choices=NameKind.choices)
    family_name = models.CharField(_("氏"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50, blank=True)
    family_name_kana = models.CharField(_("氏（フリガナ）"), max_length=100)
    given_name_kana = models.CharField(_("名（フリガナ）"), max_length=100, blank=True)
    kana_key = models.CharField(max_length=200, editable=False)
    family_kana_key = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("別名")
        verbose_name_plural = _("別名")
        indexes = [
            models.Index(fields=["municipality", "kana_key"], opclasses=PREFIX_OPS, name="personname_kana_prefix"),
            models.Index(
                fields=["municipality", "family_kana_key"],
                opclasses=PREFIX_OPS,
                name="personname_family_prefix",
            ),
            models.Index(fields=["municipality", "family_name"], opclasses=PREFIX_OPS, name="personname_family_name"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}　{self.given_name}（{self.get_kind_display()}）"


class Household(VersionedModel):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    resident_household_number = models.CharField(_("世帯番号"), max_length=20, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("地区")
    )
    notes = models.TextField(_("世帯の状況"), blank=True)
    registered_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("登録機関")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("世帯")
        verbose_name_plural = _("世帯")
        indexes = [models.Index(fields=["municipality", "resident_household_number"], name="household_number")]

    def __str__(self) -> str:
        return f"世帯 {self.pk}"


class Relationship(models.TextChoices):
    """続柄 to the head of household, as the resident register writes them."""

    HEAD = "head", _("世帯主")
    SPOUSE = "spouse", _("妻・夫")
    CHILD = "child", _("子")
    CHILD_SPOUSE = "child_spouse", _("子の妻・夫")
    PARENT = "parent", _("父・母")
    SPOUSE_PARENT = "spouse_parent", _("妻・夫の父母")
    GRANDCHILD = "grandchild", _("孫")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姉妹")
    OTHER_RELATIVE = "other_relative", _("その他の親族")
    UNRELATED = "unrelated", _("縁故者・同居人")


class HouseholdMember(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    relationship = models.CharField(_("続柄"), max_length=20, choices=Relationship.choices)
    relationship_note = models.CharField(_("続柄（詳細）"), max_length=30, blank=True)
    lives_together = models.BooleanField(_("同居"), default=True)
    is_key_person = models.BooleanField(_("キーパーソン"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        ordering = ["household", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="household_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person}（{self.get_relationship_display()}）"


class PersonMerge(models.Model):
    """名寄せ: one record merged into another. Every moved link is listed so that the merge can be undone."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept", verbose_name=_("残す記録"))
    merged = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_merged", verbose_name=_("統合される記録")
    )
    # [[model label, field name, [primary keys]], …]: the rows whose link was moved from merged to kept.
    moved = models.JSONField(default=list)
    # Rows left where they were because the kept record already had the same link (e.g. same household).
    left_in_place = models.JSONField(default=list)
    reason = models.TextField(_("統合の理由"))
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("統合日時"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("名寄せ（統合）")
        verbose_name_plural = _("名寄せ（統合）")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"
