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
