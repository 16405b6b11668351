"""Making meeting types and meetings in tests: a type is configured data (as the plan file writes it), so a
test can hold a meeting under any configuration."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tsunagu.core.models import Organization, User
from tsunagu.meetings import services
from tsunagu.meetings.models import Meeting
from tsunagu.plans.models import DecisionKind, MeetingBasis, MeetingType, Plan

ALL_DECISIONS = list(DecisionKind.values)


def meeting_type(
    convener: Organization, *, basis: str = MeetingBasis.ART106_6, consent_required: bool | None = None,
    code: str = "", decisions: list[str] | None = None,
) -> MeetingType:  # fmt: skip
    plan = Plan.objects.filter(municipality_id=convener.municipality_id).first()
    assert plan is not None
    code = code or f"test-{basis}-{convener.pk}".replace("_", "-")
    found, _created = MeetingType.objects.get_or_create(
        plan=plan, code=code,
        defaults={
            "municipality_id": convener.municipality_id, "order": 90, "name": f"試験用会議（{code}）",
            "legal_basis": basis, "convener": convener,
            "consent_required": basis == MeetingBasis.CONSENT if consent_required is None else consent_required,
            "decisions": ALL_DECISIONS if decisions is None else decisions,
        },
    )  # fmt: skip
    return found


def kotoura_type(town, code: str) -> MeetingType:
    """One of the meeting types the default plan file configures."""
    return MeetingType.objects.get(municipality=town, code=code)


def hold(chair: User, kind: MeetingType, *, days_ago: int = 1, members: tuple[User, ...] = ()) -> Meeting:
    """A meeting held ``days_ago`` days ago (in the past whatever the time of day), with ``members``."""
    meeting = services.meeting_create(
        user=chair, meeting_type=kind, held_at=timezone.now() - timedelta(days=days_ago), place="琴浦町役場 会議室"
    )
    for member in members:
        organization = services._member_organization(member)
        assert organization is not None
        services.member_add(user=chair, meeting=meeting, member=member, organization=organization)
    return refreshed(meeting)


def refreshed(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_related("meeting_type", "convener", "chair")
        .prefetch_related("members", "acknowledgements")
        .get(pk=meeting.pk)
    )


def put_on_agenda(user: User, meeting: Meeting, person, topic: str = "ひきこもりの長男と高齢の母の世帯"):
    return services.agenda_item_add(
        user=user, meeting=refreshed(meeting), data=services.AgendaItemInput(person=person, topic=topic)
    )


def acknowledge(user: User, meeting: Meeting):
    return services.acknowledge(user=user, meeting=refreshed(meeting))


def png_upload(name: str = "アセスメントシート.png") -> SimpleUploadedFile:
    """A small, whole PNG, as a scanner or a screenshot writes it."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 220, 240)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def attach(user: User, meeting: Meeting, title: str = "アセスメントシート", item=None, upload=None):
    from tsunagu.meetings.attachments import services as attachments

    return attachments.attachment_add(user=user, meeting=refreshed(meeting), item=item, title=title,
                                      upload=upload or png_upload())  # fmt: skip
