"""The API of 参加支援: the registry (resources, hosts, 開拓), the 年度's counts, and the person's support with its
ranking, matches, states and follow-ups — through the same selectors and services as the pages (docs/api.md,
docs/participation.md). Personal records are fetched through ``selectors`` (404 outside the caller's scope);
lists of them are paged by keyset over the audited rows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView, if_match_version, with_etag
from tsunagu.core.models import District, User
from tsunagu.participation import counts, edits, selectors, services, states
from tsunagu.participation.defaults import kinds_ensure
from tsunagu.participation.models import (
    DevelopmentOutcome,
    EndReason,
    FollowUpAbout,
    Host,
    MatchState,
    Source,
    Transport,
)
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.plans.api import NamedOutput
from tsunagu.support_plans import selectors as plans

MAX_ID = 2**63 - 1
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]
LIST_ORDER = ("-occurred_at", "-id")


class _Plain:
    """Rows that are not personal data (the registry): a page needs no audit."""

    def __init__(self, rows: QuerySet[Any]) -> None:
        self.rows = rows

    def page_slice(self, start: int, size: int) -> list[Any]:
        return list(self.rows[start : start + size + 1])


def _staff(request: Request) -> User:
    user: User = request.user
    if not user.municipality_id:
        raise Http404
    return user


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


def _id(help_text: str, required: bool = False) -> serializers.IntegerField:
    if required:
        return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text)
    return serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
                                    help_text=help_text)  # fmt: skip


TIME = {"required": False, "allow_null": True, "default": None}


# --- Output ----------------------------------------------------------------------------------------


class HostOutput(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="変更するときに If-Match で送る版（ETag と同じ）")
    name = serializers.CharField()
    sector = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    address = serializers.CharField()


class HostPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = HostOutput(many=True)


class ResourceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="変更するときに If-Match で送る版（ETag と同じ）")
    name = serializers.CharField()
    kind = NamedOutput()
    host = NamedOutput()
    description = serializers.CharField()
    sector = serializers.CharField()
    district = NamedOutput(allow_null=True)
    outside_town = serializers.BooleanField()
    address = serializers.CharField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    weekdays = serializers.CharField()
    starts_at = serializers.TimeField(allow_null=True)
    ends_at = serializers.TimeField(allow_null=True)
    cost = serializers.CharField()
    free_of_charge = serializers.BooleanField()
    transport = serializers.CharField()
    pickup = serializers.BooleanField()
    public_transport = serializers.BooleanField()
    accessible = serializers.BooleanField()
    staff_support = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True)
    keywords = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)


class ResourcePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ResourceOutput(many=True)


class DevelopmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    approached_on = serializers.DateField()
    approached = serializers.CharField()
    host_id = serializers.IntegerField(allow_null=True)
    sector = serializers.CharField()
    method = serializers.CharField()
    outcome = serializers.ChoiceField(choices=DevelopmentOutcome.choices)
    note = serializers.CharField()
    staff = serializers.CharField()


class DevelopmentPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = DevelopmentOutput(many=True)


class CountsOutput(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    participants = serializers.IntegerField(help_text="対象者数")
    cooperating_hosts = serializers.IntegerField(help_text="協力事業者数")


class SupportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organization = NamedOutput(help_text="受け持つ機関")
    person = PersonSummaryOutput()
    household_id = serializers.IntegerField(allow_null=True)
    occurred_at = serializers.DateTimeField(help_text="開始日時")
    source = serializers.ChoiceField(choices=Source.choices)
    plan_action_id = serializers.IntegerField(allow_null=True)
    worker = serializers.CharField()
    wishes = serializers.CharField()
    can_do = serializers.CharField()
    cannot_do = serializers.CharField()
    interests = serializers.CharField()
    district_id = serializers.IntegerField(allow_null=True)
    weekdays = serializers.CharField()
    available_from = serializers.TimeField(allow_null=True)
    available_until = serializers.TimeField(allow_null=True)
    transport = serializers.ChoiceField(choices=Transport.choices)
    travel_outside_town = serializers.BooleanField()
    needs_accessibility = serializers.BooleanField()
    needs_staff_support = serializers.BooleanField()
    free_only = serializers.BooleanField()
    health = serializers.CharField()
    status = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)
    close_reason = serializers.CharField()
    version = serializers.IntegerField()


class SupportDetailOutput(SupportOutput):
    access = serializers.SerializerMethodField()

    @extend_schema_field(GroundsOutput)
    def get_access(self, support: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class SupportPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SupportOutput(many=True)


class ReasonOutput(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=["district", "hours", "conditions", "interests", "capacity"])
    label = serializers.CharField()
    points = serializers.IntegerField()
    maximum = serializers.IntegerField()
    text = serializers.CharField()


class RankedOutput(serializers.Serializer):
    resource = NamedOutput()
    score = serializers.IntegerField()
    excluded = serializers.CharField(help_text="提案できない理由（空なら提案できる）")
    reasons = ReasonOutput(many=True, source="explanation")


class MatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    support_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    resource = NamedOutput()
    occurred_at = serializers.DateTimeField(help_text="提案日時")
    score = serializers.IntegerField()
    explanation = ReasonOutput(many=True)
    state = serializers.ChoiceField(choices=MatchState.choices)
    next_states = serializers.SerializerMethodField()
    note = serializers.CharField()
    trial_on = serializers.DateField(allow_null=True)
    started_on = serializers.DateField(allow_null=True)
    settled_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    end_note = serializers.CharField()
    version = serializers.IntegerField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=MatchState.choices)))
    def get_next_states(self, match: Any) -> list[str]:
        return [s.value for s in states.targets(match.state)]


class MatchPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = MatchOutput(many=True)


class FollowUpOutput(serializers.Serializer):
    id = serializers.IntegerField()
    match_id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    about = serializers.ChoiceField(choices=FollowUpAbout.choices)
    content = serializers.CharField()
    worries = serializers.CharField()
    next_step = serializers.CharField()
    staff = serializers.CharField()


class FollowUpPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = FollowUpOutput(many=True)


# --- Input -----------------------------------------------------------------------------------------


class HostInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    sector = serializers.CharField(max_length=50)
    contact_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    contact_phone = serializers.CharField(max_length=50, default="", allow_blank=True)
    address = serializers.CharField(max_length=200, default="", allow_blank=True)


class ResourceInput(serializers.Serializer):
    host = _id("受け入れ先", required=True)
    name = serializers.CharField(max_length=100)
    kind = serializers.SlugField(max_length=40, help_text="種類のコード（ibasho, work-experience, farming …）")
    description = serializers.CharField()
    sector = serializers.CharField(max_length=50, default="", allow_blank=True)
    district = _id("地区")
    outside_town = serializers.BooleanField(default=False)
    address = serializers.CharField(max_length=200, default="", allow_blank=True)
    min_age = serializers.IntegerField(**TIME, min_value=-32768, max_value=32767)
    max_age = serializers.IntegerField(**TIME, min_value=-32768, max_value=32767)
    weekdays = serializers.CharField(max_length=7, default="", allow_blank=True, help_text="例: 月水金")
    starts_at = serializers.TimeField(**TIME)
    ends_at = serializers.TimeField(**TIME)
    cost = serializers.CharField(max_length=100, default="", allow_blank=True)
    free_of_charge = serializers.BooleanField(default=True)
    transport = serializers.CharField(max_length=200, default="", allow_blank=True)
    pickup = serializers.BooleanField(default=False)
    public_transport = serializers.BooleanField(default=False)
    accessible = serializers.BooleanField(default=False)
    staff_support = serializers.BooleanField(default=False)
    # Any integer: below zero the service answers with its message.
    capacity = serializers.IntegerField(**TIME, min_value=-(2**31), max_value=2**31 - 1)
    keywords = serializers.CharField(max_length=200, default="", allow_blank=True)


class CloseInput(serializers.Serializer):
    closed_on = serializers.DateField()


class DevelopmentInput(serializers.Serializer):
    approached_on = serializers.DateField()
    approached = serializers.CharField(max_length=100)
    outcome = serializers.ChoiceField(choices=DevelopmentOutcome.choices)
    method = serializers.CharField(max_length=100, default="", allow_blank=True)
    sector = serializers.CharField(max_length=50, default="", allow_blank=True)
    note = serializers.CharField(default="", allow_blank=True)
    host = _id("受け入れ先（登録済みなら）")


class SupportInput(serializers.Serializer):
    person = _id("本人", required=True)
    household = _id("世帯")
    plan_action = _id("参加支援を申し込む支援プランの役割分担")
    source = serializers.ChoiceField(choices=Source.choices, default=Source.DIRECT)
    wishes = serializers.CharField()
    can_do = serializers.CharField(default="", allow_blank=True)
    cannot_do = serializers.CharField(default="", allow_blank=True)
    interests = serializers.CharField(max_length=200, default="", allow_blank=True)
    district = _id("住まいの地区")
    weekdays = serializers.CharField(max_length=7, default="", allow_blank=True)
    available_from = serializers.TimeField(**TIME)
    available_until = serializers.TimeField(**TIME)
    transport = serializers.ChoiceField(choices=Transport.choices, default=Transport.WALK)
    travel_outside_town = serializers.BooleanField(default=False)
    needs_accessibility = serializers.BooleanField(default=False)
    needs_staff_support = serializers.BooleanField(default=False)
    free_only = serializers.BooleanField(default=False)
    health = serializers.CharField(default="", allow_blank=True)


class ProposeInput(serializers.Serializer):
    resource = _id("社会資源", required=True)
    note = serializers.CharField(default="", allow_blank=True)


class StateInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=MatchState.choices, help_text="次の状態（next_states）")
    on = serializers.DateField(help_text="その状態になった日")
    note = serializers.CharField(default="", allow_blank=True)
    end_reason = serializers.ChoiceField(choices=EndReason.choices, required=False, default="")


class FollowUpInput(serializers.Serializer):
    about = serializers.ChoiceField(choices=FollowUpAbout.choices)
    on = serializers.DateField()
    content = serializers.CharField()
    worries = serializers.CharField(default="", allow_blank=True)
    next_step = serializers.CharField(max_length=200, default="", allow_blank=True)


def _resource_input(user: User, data: dict[str, Any]) -> services.ResourceInput:
    host = Host.objects.filter(municipality_id=user.municipality_id, pk=data.pop("host")).first()
    kind = kinds_ensure(user.municipality_id).filter(code=data.pop("kind")).first()
    if host is None or kind is None:
        raise serializers.ValidationError({"host": ["受け入れ先と種類はこの自治体のものから選んでください。"]})
    data["district"] = _district(user, data["district"])
    return services.ResourceInput(host=host, kind=kind, **data)


IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                            description='取得したときの ETag（例: "3"）')  # fmt: skip


def _district(user: User, pk: int | None) -> District | None:
    if pk is None:
        return None
    district = District.objects.filter(municipality_id=user.municipality_id, pk=pk).first()
    if district is None:
        raise serializers.ValidationError({"district": ["地区はこの自治体の地区から選んでください。"]})
    return district


# --- The registry ----------------------------------------------------------------------------------


class ResourceListApi(ApiView):
    @extend_schema(summary="社会資源台帳", operation_id="participation_resource_list",
                   parameters=CURSOR_PARAMETERS, responses=ResourcePage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user = _staff(request)
        page = keyset_page(request, selectors.resources_for_user(user=user), ("name", "id"), _Plain)
        return Response(paginated(request, page, ResourceOutput(page.rows, many=True).data))

    @extend_schema(summary="社会資源を登録", operation_id="participation_resource_create", request=ResourceInput,
                   responses={201: ResourceOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = dict(_valid(ResourceInput(data=request.data)).validated_data)
        resource = services.resource_create(user=user, data=_resource_input(user, data), request=request._request)
        return Response(ResourceOutput(resource).data, status=201)


class ResourceDetailApi(ApiView):
    @extend_schema(summary="社会資源", operation_id="participation_resource_retrieve", responses=ResourceOutput)
    def get(self, request: Request, pk: int) -> Response:
        resource = selectors.resource_get_for_user(user=_staff(request), pk=pk)
        return with_etag(Response(ResourceOutput(resource).data), resource.version)

    @extend_schema(summary="社会資源を変更（全項目、If-Match 必須）", operation_id="participation_resource_update",
                   request=ResourceInput, responses=ResourceOutput, parameters=[IF_MATCH])  # fmt: skip
    def put(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        resource = selectors.resource_get_for_user(user=user, pk=pk)
        version = if_match_version(request)
        data = dict(_valid(ResourceInput(data=request.data)).validated_data)
        resource = edits.resource_update(user=user, resource=resource, data=_resource_input(user, data),
                                         expected_version=version, request=request._request)  # fmt: skip
        resource = selectors.resource_get_for_user(user=user, pk=pk)
        return with_etag(Response(ResourceOutput(resource).data), resource.version)


class ResourceCloseApi(ApiView):
    @extend_schema(summary="社会資源の受け入れを終了", operation_id="participation_resource_close",
                   request=CloseInput, responses=ResourceOutput)  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        resource = selectors.resource_get_for_user(user=user, pk=pk)
        data = _valid(CloseInput(data=request.data)).validated_data
        resource = services.resource_close(user=user, resource=resource, closed_on=data["closed_on"],
                                           request=request._request)  # fmt: skip
        return Response(ResourceOutput(resource).data)


class HostListApi(ApiView):
    @extend_schema(summary="受け入れ先", operation_id="participation_host_list", parameters=CURSOR_PARAMETERS,
                   responses=HostPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        page = keyset_page(request, selectors.hosts_for_user(user=_staff(request)), ("name", "id"), _Plain)
        return Response(paginated(request, page, HostOutput(page.rows, many=True).data))

    @extend_schema(summary="受け入れ先を登録", operation_id="participation_host_create", request=HostInput,
                   responses={201: HostOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = _valid(HostInput(data=request.data)).validated_data
        host = services.host_create(user=user, data=services.HostInput(**data), request=request._request)
        return Response(HostOutput(host).data, status=201)


class HostDetailApi(ApiView):
    @extend_schema(summary="受け入れ先", operation_id="participation_host_retrieve", responses=HostOutput)
    def get(self, request: Request, pk: int) -> Response:
        host = selectors.host_get_for_user(user=_staff(request), pk=pk)
        return with_etag(Response(HostOutput(host).data), host.version)

    @extend_schema(summary="受け入れ先を変更（全項目を送る、If-Match 必須）", operation_id="participation_host_update",
                   request=HostInput, responses=HostOutput, parameters=[IF_MATCH])  # fmt: skip
    def put(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        host = selectors.host_get_for_user(user=user, pk=pk)
        version = if_match_version(request)
        data = _valid(HostInput(data=request.data)).validated_data
        host = edits.host_update(user=user, host=host, data=services.HostInput(**data), expected_version=version,
                                 request=request._request)  # fmt: skip
        return with_etag(Response(HostOutput(host).data), host.version)


class DevelopmentListApi(ApiView):
    @extend_schema(summary="社会資源の開拓の記録（新しい順）", operation_id="participation_development_list",
                   parameters=CURSOR_PARAMETERS, responses=DevelopmentPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        rows = selectors.developments_for_user(user=_staff(request))
        page = keyset_page(request, rows, ("-approached_on", "-id"), _Plain)
        return Response(paginated(request, page, DevelopmentOutput(page.rows, many=True).data))

    @extend_schema(summary="社会資源の開拓を記録", operation_id="participation_development_create",
                   request=DevelopmentInput, responses={201: DevelopmentOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = dict(_valid(DevelopmentInput(data=request.data)).validated_data)
        host_id = data.pop("host")
        host = Host.objects.filter(municipality_id=user.municipality_id, pk=host_id).first() if host_id else None
        if host_id and host is None:
            raise serializers.ValidationError({"host": ["受け入れ先はこの自治体のものから選んでください。"]})
        data["outcome"] = DevelopmentOutcome(data["outcome"])
        entry = services.development_record(user=user, data=services.DevelopmentInput(host=host, **data),
                                            request=request._request)  # fmt: skip
        return Response(DevelopmentOutput(entry).data, status=201)


class CountsApi(ApiView):
    @extend_schema(
        summary="参加支援事業の評価指標（対象者数・協力事業者数）", operation_id="participation_counts",
        parameters=[OpenApiParameter("fiscal_year", int, required=True, description="年度（西暦の開始年。例: 2025）"),
                    OpenApiParameter("month", int, description="月（1〜12。省略で年度全体）")],
        responses=CountsOutput,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = _staff(request)
        params = _valid(_CountsParams(data=request.query_params)).validated_data
        try:
            figures = counts.participation_counts(municipality_id=user.municipality_id,
                                                  fiscal_year=params["fiscal_year"], month=params["month"])  # fmt: skip
        except DjangoValidationError as error:
            raise serializers.ValidationError({"fiscal_year": error.messages}) from error
        return Response(CountsOutput(figures).data)


class _CountsParams(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=1, max_value=9999)
    month = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=12)


# --- The person's support --------------------------------------------------------------------------


class SupportListApi(ApiView):
    @extend_schema(summary="参加支援の記録（新しい順）", operation_id="participation_support_list",
                   parameters=CURSOR_PARAMETERS, responses=SupportPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        listed = selectors.support_list_for_user(user=user, open_only=False, request=request._request)
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, SupportOutput(page.rows, many=True).data))

    @extend_schema(summary="参加支援を開始（支援プランの役割分担から、または直接）",
                   operation_id="participation_support_create", request=SupportInput,
                   responses={201: SupportOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = dict(_valid(SupportInput(data=request.data)).validated_data)
        # The person, household and plan first: outside the caller's scope is 404, whatever else is sent.
        person = people.person_check_for_user(user=user, pk=data.pop("person")).person
        household_id = data.pop("household")
        household = people.household_check_for_user(user=user, pk=household_id).household if household_id else None
        action_id = data.pop("plan_action")
        action = None
        if action_id:
            action = plans.action_for_user(user=user, pk=action_id, audited=False)
        data["district"] = _district(user, data["district"])
        data["source"], data["transport"] = Source(data["source"]), Transport(data["transport"])
        support = services.support_open(
            user=user, request=request._request,
            data=services.SupportInput(person=person, household=household, plan_action=action, **data),
        )  # fmt: skip
        return Response(SupportOutput(support).data, status=201)


class SupportDetailApi(ApiView):
    @extend_schema(summary="参加支援の記録", operation_id="participation_support_retrieve",
                   responses=SupportDetailOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.support_get_for_user(user=user, pk=pk, request=request._request)
        return Response(SupportDetailOutput(view.record, context={"grounds": view.grounds}).data)


class SupportRankingApi(ApiView):
    @extend_schema(
        summary="社会資源の候補（適合度の高い順、点数の理由つき）", operation_id="participation_support_ranking",
        responses=RankedOutput(many=True),
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        support = selectors.support_get_for_user(user=user, pk=pk, request=request._request).record
        return Response(RankedOutput(selectors.ranking_for(support), many=True).data)


class SupportMatchesApi(ApiView):
    @extend_schema(summary="マッチング（新しい順）", operation_id="participation_support_matches",
                   parameters=CURSOR_PARAMETERS, responses=MatchPage)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        support = selectors.support_get_for_user(user=user, pk=pk, request=request._request).record
        listed = selectors.matches_of_support(user=user, support=support, request=request._request)
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, MatchOutput(page.rows, many=True).data))

    @extend_schema(summary="社会資源を提案（適合度と理由を記録）", operation_id="participation_match_create",
                   request=ProposeInput, responses={201: MatchOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        support = selectors.support_check_for_user(user=user, pk=pk)
        data = _valid(ProposeInput(data=request.data)).validated_data
        resource = selectors.resources_for_user(user=user).filter(pk=data["resource"]).first()
        if resource is None:
            raise serializers.ValidationError({"resource": ["社会資源が見つかりません。"]})
        match = services.match_propose(user=user, support=support, resource=resource, note=data["note"],
                                       request=request._request)  # fmt: skip
        return Response(MatchOutput(match).data, status=201)


class MatchDetailApi(ApiView):
    @extend_schema(summary="マッチング", operation_id="participation_match_retrieve", responses=MatchOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        return Response(
            MatchOutput(selectors.match_get_for_user(user=user, pk=pk, request=request._request).record).data
        )


class MatchStateApi(ApiView):
    @extend_schema(summary="利用調整: 状態を進める（見学・体験 → 参加中 → 定着、終了は理由とともに）",
                   operation_id="participation_match_state", request=StateInput, responses=MatchOutput)  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        match = selectors.match_check_for_user(user=user, pk=pk)
        data = _valid(StateInput(data=request.data)).validated_data
        match = services.match_advance(
            user=user, match=match, request=request._request,
            data=services.StateInput(to=MatchState(data["to"]), on=data["on"], note=data["note"],
                                     end_reason=data["end_reason"]),
        )  # fmt: skip
        return Response(MatchOutput(match).data)


class MatchFollowUpsApi(ApiView):
    @extend_schema(summary="フォローアップ（本人・受け入れ先、新しい順）", operation_id="participation_follow_up_list",
                   parameters=CURSOR_PARAMETERS, responses=FollowUpPage)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        match = selectors.match_get_for_user(user=user, pk=pk, request=request._request).record
        listed = selectors.follow_ups_of_match(user=user, match=match, request=request._request)
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, FollowUpOutput(page.rows, many=True).data))

    @extend_schema(
        summary="フォローアップを記録（本人または受け入れ先）", operation_id="participation_follow_up_create",
        request=FollowUpInput, responses={201: FollowUpOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        match = selectors.match_check_for_user(user=user, pk=pk)
        data = dict(_valid(FollowUpInput(data=request.data)).validated_data)
        data["about"] = FollowUpAbout(data["about"])
        follow_up = services.follow_up_record(user=user, match=match, data=services.FollowUpInput(**data),
                                              request=request._request)  # fmt: skip
        return Response(FollowUpOutput(follow_up).data, status=201)
