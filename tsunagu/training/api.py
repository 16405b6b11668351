"""The API of training (研修): sessions with who attended and their materials, and the counts per 年度 — the
same selectors and services as the pages (docs/api.md, docs/training.md).

Every user of the municipality reads; the coordinator organisation's staff write (the service refuses the
others in Japanese, 400). Another town's session is 404. A change needs the ETag it read (If-Match → 409).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView, if_match_version, with_etag
from tsunagu.core.japanese.wareki import fiscal_year
from tsunagu.core.models import Organization, User
from tsunagu.plans.api import NamedOutput
from tsunagu.training import selectors, services

MAX_ID = 2**63 - 1
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]
FISCAL_YEAR = OpenApiParameter("fiscal_year", int, description="年度（西暦、4月始まり）。省略すると今年度")


class _Plain:
    """Rows that need no audit (sessions name no resident), in the shape ``keyset_page`` wraps."""

    def __init__(self, rows: Any):
        self.rows = rows

    def page_slice(self, start: int, size: int) -> list[Any]:
        return list(self.rows[start : start + size + 1])


# --- Output ----------------------------------------------------------------------------------------


class TrainingSessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    theme = serializers.CharField()
    place = serializers.CharField()
    organizer = NamedOutput()
    version = serializers.IntegerField()


class TrainingSessionListOutput(TrainingSessionOutput):
    organizations = serializers.IntegerField(source="organization_count")
    staff_attendees = serializers.IntegerField(source="staff_count")
    other_attendees = serializers.IntegerField(source="other_count")


class TrainingSessionPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = TrainingSessionListOutput(many=True)


class TrainingAttendeeOutput(serializers.Serializer):
    id = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return obj.user.display_name or obj.user.get_username()


class TrainingParticipationOutput(serializers.Serializer):
    organization = NamedOutput()
    other_attendees = serializers.IntegerField()
    staff = TrainingAttendeeOutput(many=True, source="attendees.all")


class TrainingMaterialOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    description = serializers.CharField()


class TrainingSessionDetailOutput(TrainingSessionOutput):
    description = serializers.CharField()
    participations = TrainingParticipationOutput(many=True, source="participations.all")
    materials = TrainingMaterialOutput(many=True, source="materials.all")


class TrainingOrganizationCountOutput(serializers.Serializer):
    organization = NamedOutput()
    sessions = serializers.IntegerField()
    attendees = serializers.IntegerField()


class TrainingMonthCountOutput(serializers.Serializer):
    month = serializers.DateField(help_text="月の初日")
    sessions = serializers.IntegerField()
    attendees = serializers.IntegerField()


class TrainingCountsOutput(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    sessions = serializers.IntegerField(help_text="開催回数")
    attendees = serializers.IntegerField(help_text="参加者数（職員とその他の合計）")
    staff_attendees = serializers.IntegerField()
    other_attendees = serializers.IntegerField()
    organizations = serializers.IntegerField(help_text="参加機関数")
    by_organization = TrainingOrganizationCountOutput(many=True)
    by_month = TrainingMonthCountOutput(many=True, help_text="期間の各月（0件の月も）")


# --- Input -----------------------------------------------------------------------------------------


class TrainingParticipationInput(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    # Not bounded below here: a negative count reaches the service, which names the organisation.
    other_attendees = serializers.IntegerField(default=0, min_value=-(2**31), max_value=2**31 - 1)
    staff = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list,
                                  help_text="参加した職員の利用者ID")  # fmt: skip


class TrainingSessionInput(serializers.Serializer):
    held_on = serializers.DateField()
    theme = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    participations = TrainingParticipationInput(many=True, required=False, default=list)


class TrainingMaterialInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingCountsQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=1900, max_value=9998)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


def _session_input(user: User, data: dict[str, Any]) -> services.SessionInput:
    """Ids to rows, in the user's municipality only; an id outside it is refused on its field, never named."""
    rows = data["participations"]
    orgs = Organization.objects.in_bulk({p["organization"] for p in rows})
    users = User.objects.filter(municipality_id=user.municipality_id).in_bulk({u for p in rows for u in p["staff"]})
    participations = []
    for p in rows:
        org = orgs.get(p["organization"])
        if org is None or org.municipality_id != user.municipality_id:
            raise serializers.ValidationError({"participations": ["機関が見つかりません。"]})
        if any(pk not in users for pk in p["staff"]):
            raise serializers.ValidationError({"participations": ["職員が見つかりません。"]})
        participations.append(services.ParticipationInput(
            organization=org, other_attendees=p["other_attendees"], staff=[users[pk] for pk in p["staff"]],
        ))  # fmt: skip
    return services.SessionInput(
        held_on=data["held_on"], theme=data["theme"], place=data["place"], description=data["description"],
        participations=participations,
    )  # fmt: skip


def _detail(user: User, pk: int) -> Response:
    session = selectors.session_get_for_user(user=user, pk=pk)
    return with_etag(Response(TrainingSessionDetailOutput(session).data), session.version)


# --- Views -----------------------------------------------------------------------------------------


class SessionListApi(ApiView):
    @extend_schema(summary="研修（年度ごと、新しい順）", operation_id="training_session_list",
                   parameters=[FISCAL_YEAR, *CURSOR_PARAMETERS], responses=TrainingSessionPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user: User = request.user
        query = _valid(TrainingCountsQuery(data=request.query_params)).validated_data
        rows = selectors.session_list_for_user(user=user, fiscal_year=query.get("fiscal_year"))
        page = keyset_page(request, rows, ("-held_on", "-id"), _Plain)
        return Response(paginated(request, page, TrainingSessionListOutput(page.rows, many=True).data))

    @extend_schema(summary="研修を登録（多機関協働事業の所管課の職員）", operation_id="training_session_create",
                   request=TrainingSessionInput, responses={201: TrainingSessionDetailOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user: User = request.user
        data = _valid(TrainingSessionInput(data=request.data)).validated_data
        session = services.session_create(user=user, data=_session_input(user, data), request=request._request)
        response = _detail(user, session.pk)
        response.status_code = 201
        return response


class SessionDetailApi(ApiView):
    @extend_schema(summary="研修（参加機関・参加職員・資料）", operation_id="training_session_detail",
                   responses=TrainingSessionDetailOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request.user, pk)

    @extend_schema(summary="研修を変更（参加者は置き換え、If-Match 必須）", operation_id="training_session_update",
                   request=TrainingSessionInput, responses=TrainingSessionDetailOutput,
                   parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)])  # fmt: skip
    def put(self, request: Request, pk: int) -> Response:
        user: User = request.user
        session = selectors.session_get_for_user(user=user, pk=pk)
        version = if_match_version(request)
        data = _valid(TrainingSessionInput(data=request.data)).validated_data
        services.session_update(
            user=user, session=session, data=_session_input(user, data), expected_version=version,
            request=request._request,
        )  # fmt: skip
        return _detail(user, pk)


class SessionMaterialsApi(ApiView):
    @extend_schema(summary="研修資料を追加（リンク・説明）", operation_id="training_material_add",
                   request=TrainingMaterialInput, responses={201: TrainingMaterialOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user: User = request.user
        session = selectors.session_check_for_user(user=user, pk=pk)
        data = _valid(TrainingMaterialInput(data=request.data)).validated_data
        material = services.material_add(
            user=user, session=session, data=services.MaterialInput(**data), request=request._request
        )
        return Response(TrainingMaterialOutput(material).data, status=201)


class MaterialDetailApi(ApiView):
    @extend_schema(summary="研修資料を削除", operation_id="training_material_delete", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        user: User = request.user
        material = selectors.material_check_for_user(user=user, pk=pk)
        services.material_remove(user=user, material=material, request=request._request)
        return Response(status=204)


class CountsApi(ApiView):
    @extend_schema(summary="研修の開催回数・参加者数・参加機関数（年度、または年度内の期間）",
                   operation_id="training_counts", responses=TrainingCountsOutput,
                   parameters=[FISCAL_YEAR, OpenApiParameter("start", str, description="期間の開始日（年度内）"),
                               OpenApiParameter("end", str, description="期間の終了日（年度内）")])  # fmt: skip
    def get(self, request: Request) -> Response:
        user: User = request.user
        query = _valid(TrainingCountsQuery(data=request.query_params)).validated_data
        year = query.get("fiscal_year") or fiscal_year(query.get("start") or timezone.localdate())
        counts = selectors.training_counts(
            municipality_id=user.municipality_id, fiscal_year=year, start=query.get("start"), end=query.get("end")
        )
        return Response(TrainingCountsOutput(counts).data)
