"""The audit log: one append-only row for every read, search, change and export of personal data.

Rows are never updated or deleted: the database refuses it (triggers, see ``triggers.py``), and every
row carries an HMAC-SHA256 chained to the previous row written by the same writer (``chain.py``), keyed
outside the database, with chain heads sealed into a store outside it (``seals.py``), so that
``audit_verify`` finds an altered, removed or forged row even where someone could lift the triggers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality, Organization


class Action(models.TextChoices):
    READ = "read", _("閲覧")
    SEARCH = "search", _("検索")
    CREATE = "create", _("登録")
    UPDATE = "update", _("変更")
    DELETE = "delete", _("削除")
    EXPORT = "export", _("出力")
    MERGE = "merge", _("名寄せ統合")
    UNMERGE = "unmerge", _("統合の取消")
    GRANT = "grant", _("閲覧権限の付与")
    REVOKE = "revoke", _("閲覧権限の取消")
    LOGIN = "login", _("ログイン")
    LOGIN_FAILED = "login_failed", _("ログイン失敗")
    LOGOUT = "logout", _("ログアウト")
    # A username locked after repeated failed logins (django-axes): the moment it fell, once.
    LOCKOUT = "lockout", _("ロックアウト")
    # An identifier tried against a record the user may not see (a 宛名番号 already in use): nothing was
    # shown, but the person's access log must show that somebody asked.
    PROBE = "probe", _("照会（閲覧権限なし）")


class AuditEntry(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("自治体")
    )
    created_at = models.DateTimeField(_("日時"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("利用者"),
    )
    # Kept as written, so the entry still reads right after a user is renamed.
    username = models.CharField(_("ユーザー名"), max_length=150)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("機関")
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    model = models.CharField(_("対象の種類"), max_length=100, blank=True)
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    # The person the entry is about, for "who looked at this person" (no FK: entries outlive merges).
    person_id = models.BigIntegerField(_("本人ID"), null=True, blank=True)
    summary = models.CharField(_("内容"), max_length=300, blank=True)
    changes = models.JSONField(_("変更内容"), default=dict, blank=True)
    terms = models.JSONField(_("検索条件"), default=dict, blank=True)
    # The records a list, a search, a timeline or an export showed, by kind: {"consultation": [ids], …}.
    # Null on entries about one record (``model`` and ``object_id`` name it).
    records = models.JSONField(_("表示した記録"), null=True, blank=True)
    basis = models.CharField(_("法的根拠"), max_length=30, blank=True)
    basis_source = models.CharField(_("根拠の出典"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    chain_id = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    # The key that signed the entry (keys.py); null on entries written before keys, with a plain SHA-256.
    # Nullable so that adding the column left SQLite's table, and so its triggers, in place.
    key_id = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "seq"], name="audit_chain_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="audit_by_time"),
            models.Index(fields=["municipality", "person_id", "-created_at"], name="audit_by_person"),
            models.Index(fields=["municipality", "user", "-created_at"], name="audit_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model}#{self.object_id}"
