"""The shared base of every record about a person or household (DESIGN §7).

A capability's record — a progress note, an assessment, a meeting's agenda item, an outreach contact —
inherits ``CaseRecord`` and registers its kind once (``tsunagu.records.registry``): it then gets the one
access rule, the audited read, the timeline, the print, 名寄せ and the access matrix from there.
Older kinds whose national form names a column differently (相談受付's 受付日時) name their columns in
the registration instead of inheriting.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality, Organization
from tsunagu.core.versioning import VersionedModel


class CaseRecord(VersionedModel):
    """A record a caseworker writes and later corrects: its version guards the edit form
    (``tsunagu.core.versioning``), as the person's does."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # The organisation that holds the record: it always reads it, others only on a sharing basis.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("機関"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField(_("日時"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("対応者")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(VersionedModel.Meta):
        abstract = True


class ChangeHistory(models.Model):
    """変更履歴: the values of one change to personal data, beside the audit entry that names its fields.

    The audit log keeps which fields changed, by whom and on what basis; the values stay here, where only
    staff with access to the person read them (``tsunagu.records.history``) — never an auditor through
    their role. Written by ``audit_record`` in the change's own transaction; never changed afterwards.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    # The person the change is about, as in the audit entry (no FK: like the entry, it outlives a merge).
    person_id = models.BigIntegerField(_("本人ID"), null=True, blank=True)
    model = models.CharField(_("対象の種類"), max_length=100)
    object_id = models.CharField(_("対象ID"), max_length=64)
    action = models.CharField(_("操作"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("利用者")
    )
    username = models.CharField(_("ユーザー名"), max_length=150)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("機関")
    )
    created_at = models.DateTimeField(_("日時"))
    summary = models.CharField(_("内容"), max_length=300, blank=True)
    changes = models.JSONField(_("変更内容"), default=dict)  # {field: [old, new]}
    audit_entry_id = models.BigIntegerField(_("監査ログID"))

    class Meta:
        verbose_name = _("変更履歴")
        verbose_name_plural = _("変更履歴")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "person_id", "-created_at"], name="history_by_person"),
            models.Index(fields=["municipality", "model", "object_id"], name="history_by_record"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.model}#{self.object_id}"
