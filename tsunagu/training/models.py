"""研修: the sessions the coordinator (the plan's 所管課 of 多機関協働事業) holds for the agencies.

A session names staff and organisations, never a resident: it is not a case record. Who attends is kept
per organisation (``TrainingParticipation``): its staff with an account (``TrainingAttendee``) and a count of
its other attendees, so the reports count sessions, attendees and organisations per 年度 (``selectors``).
Every row knows its municipality (DESIGN §7).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality, Organization
from tsunagu.core.versioning import VersionedModel


class TrainingSession(VersionedModel):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("開催日"))
    theme = models.CharField(_("テーマ"), max_length=200)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    description = models.TextField(_("内容"), blank=True)
    organizer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("主催"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(VersionedModel.Meta):
        verbose_name = _("研修")
        verbose_name_plural = _("研修")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["municipality", "held_on", "id"], name="training_by_date")]

    def __str__(self) -> str:
        return f"{self.theme}（{self.held_on:%Y-%m-%d}）"


class TrainingParticipation(models.Model):
    """An organisation at a session: its staff on the session (``attendees``) and how many others came."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("機関"))
    other_attendees = models.PositiveIntegerField(_("その他の参加者数"), default=0)

    class Meta:
        verbose_name = _("参加機関")
        verbose_name_plural = _("参加機関")
        ordering = ["session", "organization__order", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "organization"], name="training_participation_unique"),
            models.CheckConstraint(condition=models.Q(other_attendees__gte=0), name="training_others_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}（{self.other_attendees}）"


class TrainingAttendee(models.Model):
    """A member of staff who attended, for the organisation of the participation."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    participation = models.ForeignKey(TrainingParticipation, on_delete=models.CASCADE, related_name="attendees")
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("参加職員")
        verbose_name_plural = _("参加職員")
        ordering = ["participation", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="training_attendee_unique")]

    def __str__(self) -> str:
        return str(self.user)


class TrainingMaterial(models.Model):
    """資料: a title with a link (the town's file server, a ministry page) and/or a description; no upload."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("資料名"), max_length=200)
    url = models.URLField(_("リンク"), max_length=500, blank=True)
    description = models.TextField(_("説明"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("研修資料")
        verbose_name_plural = _("研修資料")
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return self.title
