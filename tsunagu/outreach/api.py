"""The API of アウトリーチ: 気になる情報, targets, their contacts (recorded from a tablet on a visit) and stage
changes, through the same selectors and services as the pages (docs/api.md, docs/outreach.md).

Every view fetches through ``tsunagu.outreach.selectors`` (404 outside the caller's scope), calls one service
and answers with its output serializer; lists are paged by keyset over the selectors' audited rows. The
source's name and contact are in the output only for the holder's own staff (``source_visible``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView, flag_param
from tsunagu.core.models import District, User
from tsunagu.outreach import districts, selectors, services, stages
from tsunagu.outreach.models import EndReason, Means, Result, SourceType, Stage, Urgency
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.plans.api import NamedOutput

MAX_ID = 2**63 - 1
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]
LIST_ORDER = ("-occurred_at", "-id")


# --- Output ----------------------------------------------------------------------------------------


class InformationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organization = NamedOutput(help_text="受け持つ機関（アウトリーチを実施する機関）")
    reporter_organization = NamedOutput(help_text="記録した機関")
    occurred_at = serializers.DateTimeField(help_text="把握日時")
    person_id = serializers.IntegerField(allow_null=True)
    household_id = serializers.IntegerField(allow_null=True)
    target_id = serializers.IntegerField(allow_null=True)
    source_type = serializers.ChoiceField(choices=SourceType.choices)
    source = serializers.SerializerMethodField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    description = serializers.CharField()
    address = serializers.SerializerMethodField(help_text="住所・場所（所在を秘匿された本人のものは空）")
    content = serializers.CharField()

    def get_address(self, info: Any) -> str:
        return "" if getattr(info, "location_hidden", False) else info.address

    @extend_schema_field(serializers.DictField(allow_null=True, help_text="情報提供者（受け持つ機関の職員にだけ）"))
    def get_source(self, info: Any) -> dict[str, str] | None:
        if not selectors.source_visible(self.context["user"], info):
            return None
        return {"name": info.source_name, "contact": info.source_contact}


class InformationPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = InformationOutput(many=True)


class TargetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organization = NamedOutput(help_text="受け持つ機関")
    worker = serializers.CharField(help_text="担当者")
    person = PersonSummaryOutput(allow_null=True)
    household_id = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    district = serializers.SerializerMethodField()
    worry = serializers.CharField()
    occurred_at = serializers.DateTimeField(help_text="開始日時")
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_since = serializers.DateTimeField()
    end_reason = serializers.CharField()
    next_action = serializers.CharField()
    next_action_on = serializers.DateField(allow_null=True)
    attempt_count = serializers.IntegerField()
    first_contact_at = serializers.DateTimeField(allow_null=True)
    last_contact_at = serializers.DateTimeField(allow_null=True)
    consent_id = serializers.IntegerField(allow_null=True)
    consultation_id = serializers.IntegerField(allow_null=True)
    referral_id = serializers.IntegerField(allow_null=True)
    collaboration_case_id = serializers.IntegerField(allow_null=True, help_text="対象から開いた多機関協働のケース")
    meeting_source = serializers.CharField(help_text="支援会議での決定から始まった対象なら、その会議と決定")
    version = serializers.IntegerField()

    @extend_schema_field(NamedOutput(allow_null=True, help_text="地区（所在を秘匿された本人の対象では null）"))
    def get_district(self, target: Any) -> Any:
        if target.district is None or getattr(target, "location_hidden", False):
            return None
        return NamedOutput(target.district).data


class TargetDetailOutput(TargetOutput):
    next_stages = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices)))
    def get_next_stages(self, target: Any) -> list[str]:
        return [s.value for s in stages.targets(Stage(target.stage))]

    @extend_schema_field(GroundsOutput)
    def get_access(self, target: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class TargetPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = TargetOutput(many=True)


class StageCountOutput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    count = serializers.IntegerField()


class DistrictCountOutput(serializers.Serializer):
    district = NamedOutput(allow_null=True, help_text="地区（なし: 地区の分からない対象）")
    commissioner_district = serializers.CharField(help_text="民生委員・児童委員の担当区域")
    counts = StageCountOutput(many=True, help_text="段階ごとの対象数（0の段階は省く）")
    total = serializers.IntegerField()


class ContactOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target_id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    staff = serializers.CharField()
    means = serializers.ChoiceField(choices=Means.choices)
    result = serializers.ChoiceField(choices=Result.choices)
    content = serializers.CharField()
    next_step = serializers.CharField()
    next_step_on = serializers.DateField(allow_null=True)


class ContactPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ContactOutput(many=True)


# --- Input -----------------------------------------------------------------------------------------


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID, help_text=help_text
    )


class InformationInput(serializers.Serializer):
    content = serializers.CharField()
    source_type = serializers.ChoiceField(choices=SourceType.choices)
    source_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    source_contact = serializers.CharField(max_length=100, default="", allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    person = _id("登録済みの本人（未特定なら省略）")
    household = _id("世帯")
    description = serializers.CharField(max_length=200, default="", allow_blank=True)
    address = serializers.CharField(max_length=200, default="", allow_blank=True)
    district = serializers.PrimaryKeyRelatedField(queryset=District.objects.none(), required=False, allow_null=True,
                                                  default=None)  # fmt: skip
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            self.fields["district"].queryset = District.objects.filter(municipality_id=municipality_id)


class TargetInput(serializers.Serializer):
    worry = serializers.CharField(default="", allow_blank=True, help_text="省略: 最初の気になる情報の内容")
    information = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list)
    person = _id("本人")
    household = _id("世帯")
    description = serializers.CharField(max_length=200, default="", allow_blank=True)
    address = serializers.CharField(max_length=200, default="", allow_blank=True)
    worker = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True,
                                                default=None)  # fmt: skip
    next_action = serializers.CharField(max_length=200, default="", allow_blank=True)
    next_action_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            self.fields["worker"].queryset = User.objects.filter(municipality_id=municipality_id)


class ContactInput(serializers.Serializer):
    occurred_at = serializers.DateTimeField(help_text="接触の日時（訪問先で記録する場合はその時刻）")
    means = serializers.ChoiceField(choices=Means.choices)
    result = serializers.ChoiceField(choices=Result.choices)
    content = serializers.CharField(default="", allow_blank=True)
    next_step = serializers.CharField(max_length=200, default="", allow_blank=True)
    next_step_on = serializers.DateField(required=False, allow_null=True, default=None)


class StageInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=Stage.choices, help_text="次の段階（detail の next_stages）")
    note = serializers.CharField(default="", allow_blank=True, help_text="飛ばす・戻す・見守り・終了の理由")
    end_reason = serializers.ChoiceField(choices=EndReason.choices, required=False, default="")


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Views -----------------------------------------------------------------------------------------


class InformationListApi(ApiView):
    @extend_schema(
        summary="対象に結び付いていない気になる情報（新しい順）", operation_id="outreach_information_list",
        parameters=CURSOR_PARAMETERS, responses=InformationPage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        listed = selectors.information_list_for_user(user=user, request=request._request)
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        data = InformationOutput(page.rows, many=True, context={"user": user}).data
        return Response(paginated(request, page, data))

    @extend_schema(
        summary="気になる情報を記録（実施機関が受け持つ）", operation_id="outreach_information_create",
        request=InformationInput, responses={201: InformationOutput},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = _valid(InformationInput(data=request.data, municipality_id=user.municipality_id)).validated_data
        # The person and household first: outside the caller's scope is 404, whatever else is sent.
        person = people.person_check_for_user(user=user, pk=data["person"]).person if data["person"] else None
        household = people.household_check_for_user(user=user, pk=data["household"]).household if data[
            "household"] else None  # fmt: skip
        info = services.information_record(
            user=user, request=request._request,
            data=services.InformationInput(
                content=data["content"], source_type=SourceType(data["source_type"]), urgency=Urgency(data["urgency"]),
                source_name=data["source_name"], source_contact=data["source_contact"], person=person,
                household=household, description=data["description"], address=data["address"],
                district=data["district"], occurred_at=data["occurred_at"],
            ),
        )  # fmt: skip
        return Response(InformationOutput(info, context={"user": user}).data, status=201)


class InformationDetailApi(ApiView):
    @extend_schema(summary="気になる情報", operation_id="outreach_information_retrieve", responses=InformationOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.information_get_for_user(user=user, pk=pk, request=request._request)
        return Response(InformationOutput(view.record, context={"user": user}).data)


class TargetListApi(ApiView):
    @extend_schema(
        summary="アウトリーチの対象（新しい順）", operation_id="outreach_target_list",
        parameters=[OpenApiParameter("stage", str, enum=Stage.values, description="関係性の段階"),
                    OpenApiParameter("mine", bool, description="自分の担当だけ"), *CURSOR_PARAMETERS],
        responses=TargetPage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        stage = request.query_params.get("stage", "")
        if stage and stage not in Stage.values:
            raise serializers.ValidationError({"stage": ["段階の値が正しくありません。"]})
        mine = flag_param(request, "mine")
        listed = selectors.target_list_for_user(user=user, worker=user if mine else None, stage=stage, open_only=False,
                                                request=request._request)  # fmt: skip
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, TargetOutput(page.rows, many=True).data))

    @extend_schema(
        summary="アウトリーチの対象を開く（気になる情報から、または直接）", operation_id="outreach_target_create",
        request=TargetInput, responses={201: TargetOutput},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = _valid(TargetInput(data=request.data, municipality_id=user.municipality_id)).validated_data
        information = [selectors.information_check_for_user(user=user, pk=pk) for pk in data["information"]]
        person = people.person_check_for_user(user=user, pk=data["person"]).person if data["person"] else None
        household = people.household_check_for_user(user=user, pk=data["household"]).household if data[
            "household"] else None  # fmt: skip
        target = services.target_open(
            user=user, request=request._request,
            data=services.TargetInput(
                worry=data["worry"], worker=data["worker"], information=information, person=person,
                household=household, description=data["description"], address=data["address"],
                next_action=data["next_action"], next_action_on=data["next_action_on"],
            ),
        )  # fmt: skip
        return Response(TargetOutput(target).data, status=201)


class DistrictCountsApi(ApiView):
    @extend_schema(
        summary="地区ごとの対象数（終了を除く）", operation_id="outreach_district_counts",
        description="利用者が閲覧できる対象を地区・段階ごとに数える。件数のみで個人の情報は含まない（地区の地図と同じ）。",
        responses=DistrictCountOutput(many=True),
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        setting_by_district = districts.settings_by_district(user.municipality_id)
        rows = [
            {
                "district": row.district, "total": row.total,
                "commissioner_district": districts.commissioner_district_of(
                    setting_by_district, row.district.pk if row.district else None
                ),
                "counts": [{"stage": s.value, "count": row.counts[s]} for s in stages.OPEN if row.counts.get(s)],
            }
            for row in selectors.district_table_for_user(user=user)
        ]  # fmt: skip
        return Response(DistrictCountOutput(rows, many=True).data)


class TargetDetailApi(ApiView):
    @extend_schema(summary="アウトリーチの対象", operation_id="outreach_target_retrieve", responses=TargetDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.target_get_for_user(user=user, pk=pk, request=request._request)
        return Response(TargetDetailOutput(view.record, context={"grounds": view.grounds}).data)


class TargetContactsApi(ApiView):
    @extend_schema(
        summary="接触の記録（新しい順）", operation_id="outreach_target_contacts", parameters=CURSOR_PARAMETERS,
        responses=ContactPage,
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        target = selectors.target_get_for_user(user=user, pk=pk, request=request._request).record
        listed = selectors.contacts_of_target(user=user, target=target, request=request._request)
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, ContactOutput(page.rows, many=True).data))

    @extend_schema(
        summary="接触を記録（不在・拒否も。訪問先のタブレットから）", operation_id="outreach_contact_create",
        request=ContactInput, responses={201: ContactOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        target = selectors.target_check_for_user(user=user, pk=pk)
        data = _valid(ContactInput(data=request.data)).validated_data
        contact = services.contact_record(
            user=user, target=target, request=request._request,
            data=services.ContactInput(
                occurred_at=data["occurred_at"], means=Means(data["means"]), result=Result(data["result"]),
                content=data["content"], next_step=data["next_step"], next_step_on=data["next_step_on"],
            ),
        )  # fmt: skip
        return Response(ContactOutput(contact).data, status=201)


class TargetStageApi(ApiView):
    @extend_schema(
        summary="関係性の段階を変える（順序外・見守り・終了は理由とともに）", operation_id="outreach_target_stage",
        request=StageInput, responses=TargetOutput,
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        target = selectors.target_check_for_user(user=user, pk=pk)
        data = _valid(StageInput(data=request.data)).validated_data
        target = services.target_stage_change(
            user=user, target=target, request=request._request,
            data=services.StageInput(target=Stage(data["to"]), note=data["note"], end_reason=data["end_reason"]),
        )  # fmt: skip
        return Response(TargetOutput(target).data)
