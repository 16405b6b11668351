"""The API's writes on a meeting beside those of ``api``: an agenda item's minutes (read with its ETag, written
with If-Match: a stale one is 409 with the current version and nothing is saved, none is 428), adding a
member (a consent-based meeting re-checks every open item: 400 naming the organisations lacking consent),
closing the follow-up, and the 資料 of the meeting and of an item (metadata; the file itself is the page's
``meetings:attachment-download``). The same selectors and services as the pages (docs/api.md).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.access.disclosure import disclosure_audit
from tsunagu.api.views import ApiView, if_match_version, with_etag
from tsunagu.core.models import CASEWORK_ROLES, Membership
from tsunagu.meetings import selectors, services
from tsunagu.meetings.api import MAX_ID, MeetingMemberOutput, MeetingOutput
from tsunagu.meetings.attachments.selectors import attachments_of, meeting_attachments_get_for_user
from tsunagu.people.api import casework_user
from tsunagu.plans.api import NamedOutput

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description="議事録を取得したときの ETag")  # fmt: skip


class MinutesOutput(serializers.Serializer):
    agenda_item_id = serializers.IntegerField(source="pk")
    minutes = serializers.CharField()
    version = serializers.IntegerField(help_text="ETag と同じ版")


class MinutesInput(serializers.Serializer):
    minutes = serializers.CharField(max_length=20_000, help_text="議事録（議長だけが記録できます）")


class MemberInput(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="構成員にする職員の利用者ID")
    organization = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="出席する機関")


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    file_type = serializers.CharField(help_text="pdf・jpeg・png・tiff")
    size = serializers.IntegerField(help_text="バイト")
    organization = NamedOutput()
    uploaded_by = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.SerializerMethodField(help_text="ファイル（画面のURL、ログイン中のブラウザで開く）")

    def get_download(self, row: Any) -> str:
        return reverse("meetings:attachment-download", args=[row.pk])


def _minutes(item: Any) -> Response:
    return with_etag(Response(MinutesOutput(item).data), item.version)


class AgendaItemMinutesApi(ApiView):
    @extend_schema(summary="検討事項の議事録（ETag 付き）", operation_id="agenda_item_minutes",
                   responses=MinutesOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        return _minutes(selectors.agenda_item_get_for_user(user=user, pk=pk, request=request._request).item)

    @extend_schema(summary="議事録を記録（議長、If-Match 必須）", operation_id="agenda_item_minutes_update",
                   request=MinutesInput, responses=MinutesOutput, parameters=[IF_MATCH])  # fmt: skip
    def put(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        item = selectors.agenda_item_check_for_user(user=user, pk=pk).item
        version = if_match_version(request)
        data = MinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.minutes_record(user=user, item=item, minutes=data.validated_data["minutes"],
                                       expected_version=version, request=request._request)  # fmt: skip
        return _minutes(item)


class MeetingMembersApi(ApiView):
    @extend_schema(summary="構成員を追加（議長。本人同意の会議では同意の範囲を再確認）",
                   operation_id="meeting_member_add", request=MemberInput,
                   responses={201: MeetingMemberOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        meeting = selectors.meeting_check_for_user(user=user, pk=pk)
        # The chair first: a member who is not the chair must not learn, from the refusal, who works where.
        services.require_chair(user, meeting)
        data = MemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = (
            Membership.objects.confirmed()
            .filter(municipality_id=meeting.municipality_id, role__in=CASEWORK_ROLES,
                    user_id=data.validated_data["user"], organization_id=data.validated_data["organization"])
            .select_related("user", "organization")
            .first()
        )  # fmt: skip
        if membership is None:  # another town's, or no casework there: refused on the field, never named
            raise serializers.ValidationError({"user": ["その職員はこの機関の相談業務の職員として見つかりません。"]})
        added = services.member_add(user=user, meeting=meeting, member=membership.user,
                                    organization=membership.organization, request=request._request)  # fmt: skip
        return Response(MeetingMemberOutput(added).data, status=201)


class MeetingCloseApi(ApiView):
    @extend_schema(summary="フォローアップを終了（議長。会議による閲覧権限を取り消す）", operation_id="meeting_close",
                   request=None, responses={200: MeetingOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        meeting = selectors.meeting_check_for_user(user=user, pk=pk)
        closed = services.meeting_close(user=user, meeting=meeting, request=request._request)
        return Response(MeetingOutput(closed).data)


class MeetingAttachmentsApi(ApiView):
    @extend_schema(summary="会議の資料（配布資料）の一覧", operation_id="meeting_attachment_list",
                   responses=AttachmentOutput(many=True))  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        # As the files themselves: members who may open the agenda, and the convener's coordinator.
        rows = meeting_attachments_get_for_user(user=user, pk=pk, request=request._request)
        return Response(AttachmentOutput(rows, many=True).data)


class AgendaItemAttachmentsApi(ApiView):
    @extend_schema(summary="検討事項の資料の一覧", operation_id="agenda_item_attachment_list",
                   responses=AttachmentOutput(many=True))  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.agenda_item_check_for_user(user=user, pk=pk)
        rows = attachments_of(meeting=view.item.meeting, item=view.item).current
        disclosure_audit(
            user=user, grounds=view.grounds, obj=view.item, person_id=view.item.person_id,
            summary="会議の検討事項の資料一覧を閲覧", request=request._request,
        )  # fmt: skip
        return Response(AttachmentOutput(rows, many=True).data)
