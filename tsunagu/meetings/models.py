"""Meetings (支援会議, 重層的支援会議 …): who meets, what they discuss, what they decide and who follows it up.

The kind of meeting — its legal basis, convener, whether consent is required, what it may decide — is the
plan's ``plans.MeetingType``; the law that follows from it is ``tsunagu.meetings.law``, in one place.
Every row knows its municipality (DESIGN §7).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.models import Municipality, Organization
from tsunagu.core.versioning import VersionedModel
from tsunagu.plans.models import DecisionKind, MeetingType


class Meeting(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("会議の種別")
    )
    held_at = models.DateTimeField(_("開催日時"))
    place = models.CharField(_("場所"), max_length=200)
    convener = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("開催機関"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("議長")
    )
    # Meetings and their materials are closed to the public (要綱: 非公開) unless decided otherwise.
    closed_to_public = models.BooleanField(_("非公開"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The follow-up closed: the access the meeting gave ends here (law.follow_up_close).
    closed_at = models.DateTimeField(_("フォローアップ終了"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["municipality", "held_at"], name="meeting_by_date")]

    def __str__(self) -> str:
        return f"{self.meeting_type.name}（{self.held_at:%Y-%m-%d}）"

    @property
    def source(self) -> str:
        """The source every grant and read under this meeting names (docs/records.md)."""
        return f"meeting:{self.pk}"


class MeetingMember(models.Model):
    """A member of one meeting (構成員, selected per meeting), with the organisation they attend for."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("機関"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("構成員")
        verbose_name_plural = _("構成員")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_member_unique")]
        indexes = [models.Index(fields=["user", "meeting"], name="meeting_member_by_user")]

    def __str__(self) -> str:
        return f"{self.user}（{self.organization}）"


class SecrecyAcknowledgement(models.Model):
    """守秘義務の確認: who acknowledged the duty of secrecy of which meeting, and when (法106条の6第5項)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("確認日時"))

    class Meta:
        verbose_name = _("守秘義務の確認")
        verbose_name_plural = _("守秘義務の確認")
        ordering = ["meeting", "acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="secrecy_ack_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.acknowledged_at:%Y-%m-%d %H:%M}"


class AgendaItem(VersionedModel):
    """One item of a meeting's agenda: a person (with their household or 多機関協働 case), and its minutes.
    Versioned: the minutes are written through the page and the API (If-Match), and two writers collide.

    Not a registered case-record kind: the one rule for case records lets any organisation with a sharing
    grant read a kind, while a 支援会議's items and minutes are for its members only (``law``).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("順番"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("本人"))
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    case = models.ForeignKey(
        "collaboration.CollaborationCase", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("多機関協働ケース"),
    )  # fmt: skip
    topic = models.CharField(_("検討事項"), max_length=200)
    minutes = models.TextField(_("議事録"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # Taken off the agenda (consent withdrawn): kept, so that the notice and the audit can name it.
    removed_at = models.DateTimeField(_("取り下げ日時"), null=True, blank=True)
    removed_reason = models.CharField(_("取り下げ理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("検討事項")
        verbose_name_plural = _("検討事項")
        ordering = ["meeting", "order", "id"]
        indexes = [
            models.Index(fields=["meeting", "order"], name="agenda_by_meeting"),
            models.Index(fields=["person"], condition=Q(removed_at__isnull=True), name="agenda_open_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}-{self.order}"


class Decision(models.Model):
    """A decision on an agenda item, of a kind the meeting type permits."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("決定事項"), max_length=20, choices=DecisionKind.choices)
    content = models.TextField(_("決定内容"))
    # Outreach or watching-over assigned to an organisation.
    assigned_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("担当機関")
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    # What the decision did below (``acting``): the case's transitions, the plan version it decided or
    # evaluated, the evaluation it wrote. The reference points down from here — collaboration and
    # support_plans sit below meetings and know the meeting only by the name and date in their own fields.
    transitions = models.ManyToManyField("collaboration.CaseTransition", blank=True, related_name="+")
    plan = models.ForeignKey(
        "support_plans.SupportPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation = models.ForeignKey(
        "support_plans.PlanEvaluation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("決定")
        verbose_name_plural = _("決定")
        ordering = ["agenda_item", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class FollowUpTask(models.Model):
    """A follow-up task from a decision, in its owner's list (私の会議タスク)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="tasks")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    title = models.CharField(_("タスク"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("担当者")
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("期限"))
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("会議タスク")
        verbose_name_plural = _("会議タスク")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="task_by_owner")]

    def __str__(self) -> str:
        return self.title


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("依頼中")
    ANSWERED = "answered", _("回答済み")
    WITHDRAWN = "withdrawn", _("取り下げ")


class InformationRequest(models.Model):
    """資料・情報の提供の求め (法106条の6第2項): the chair asks an organisation for information about an agenda
    item, and the organisation answers. Read by the meeting's members who may open the item and by the asked
    organisation's staff (``information.selectors``); everyone else 404."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="information_requests")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("求める先の機関")
    )
    requested_on = models.DateField(_("依頼日"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("求める資料・情報"))
    due_on = models.DateField(_("回答期限"))
    status = models.CharField(_("状態"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    answer = models.TextField(_("回答"), blank=True)
    answered_on = models.DateField(_("回答日"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("回答した職員"),
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(_("取り下げ日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("資料・情報の提供の求め")
        verbose_name_plural = _("資料・情報の提供の求め")
        ordering = ["agenda_item", "id"]
        indexes = [
            models.Index(fields=["organization", "status", "due_on"], name="info_request_by_organization"),
            models.Index(fields=["agenda_item", "id"], name="info_request_by_item"),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item_id}: {self.organization_id}"


class Attachment(models.Model):
    """資料: a file attached to a meeting (配布資料) or to one of its agenda items (an assessment sheet).

    Checked by content as a consent's scan is (``tsunagu.core.scans``: PDF, JPEG, PNG, TIFF) and stored under
    a random name; the uploaded name is not kept. Who reads it is ``attachments.selectors``. A removal is
    recorded, never a deletion: the file stays, so that what members saw can be shown later.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attachments")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    title = models.CharField(_("資料名"), max_length=200)
    file = models.FileField(_("ファイル"), upload_to="meetings/%Y/")
    file_type = models.CharField(_("形式"), max_length=10)  # the detected type's key (scans.ScanType.key)
    size = models.PositiveIntegerField(_("大きさ"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    removed_at = models.DateTimeField(_("取り下げ日時"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会議資料")
        verbose_name_plural = _("会議資料")
        ordering = ["meeting", "agenda_item", "id"]
        indexes = [models.Index(fields=["meeting", "agenda_item"], name="attachment_by_meeting")]

    def __str__(self) -> str:
        return self.title
