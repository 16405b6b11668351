"""The API of 地域づくり: places, their sessions (recorded with counts only), a known person's participation,
the counts for a 年度 or month, the platform's sectors and partners, and the coordinator's log — through the
same selectors and services as the pages (docs/api.md, docs/community.md).

Places, sessions, partners, the log and the counts are for community staff of the caller's municipality
(``staff.community_user``; 404 for everyone else); a participation is read through the access core."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView
from tsunagu.community import counts, selectors, services, staff
from tsunagu.community.models import AGE_BANDS, CoordinatorActivity, Partner, PlaceKind, PlatformSector
from tsunagu.core.japanese.wareki import fiscal_year
from tsunagu.core.models import District, Organization, User
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput
from tsunagu.plans.api import NamedOutput
from tsunagu.plans.models import Program

MAX_ID = 2**63 - 1
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]


class _Plain:
    """Rows that name no person, paged like the audited ones (nothing to audit)."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def page_slice(self, start: int, size: int) -> list[Any]:
        return list(self.rows[start : start + size + 1])


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


def _user(request: Request) -> User:
    return staff.community_user(request.user)


# --- Output ----------------------------------------------------------------------------------------


class CommunityPartnerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = NamedOutput(allow_null=True, help_text="多分野協働のプラットフォームの分野")
    organization = NamedOutput(allow_null=True, help_text="町の機関（利用機関の場合）")
    contact = serializers.CharField()


class CommunitySectorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    partners = serializers.SerializerMethodField()

    def get_partners(self, sector: PlatformSector) -> list[dict[str, Any]]:
        return [{"id": p.pk, "name": p.name} for p in sector.partners.all()]


class CommunityPlaceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    program = NamedOutput(help_text="地域づくり事業（実施計画）")
    organization = NamedOutput(help_text="記録する機関")
    host_organization = NamedOutput(allow_null=True)
    host_name = serializers.CharField()
    coordinator = serializers.CharField(allow_null=True)
    district = NamedOutput(allow_null=True)
    address = serializers.CharField()
    schedule = serializers.CharField()
    description = serializers.CharField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)


class CommunityPlacePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CommunityPlaceOutput(many=True)


class CommunitySessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    place_id = serializers.IntegerField()
    held_on = serializers.DateField()
    title = serializers.CharField()
    note = serializers.CharField()
    participants = serializers.IntegerField(help_text="参加者数（名前なし）")
    ages = serializers.SerializerMethodField()
    volunteers = serializers.IntegerField()
    partners = serializers.SerializerMethodField()

    def get_ages(self, session: Any) -> dict[str, int | None]:
        return {name: getattr(session, name) for name, _label in AGE_BANDS}

    def get_partners(self, session: Any) -> list[int]:
        return [p.pk for p in session.partners.all()]


class CommunitySessionPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CommunitySessionOutput(many=True)


class CommunityParticipationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    organization = NamedOutput(help_text="記録した機関")
    occurred_at = serializers.DateTimeField()
    note = serializers.CharField()


class CommunityParticipationDetailOutput(CommunityParticipationOutput):
    access = serializers.SerializerMethodField()

    def get_access(self, record: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class CommunityProgramCountsOutput(serializers.Serializer):
    program = NamedOutput()
    code = serializers.CharField(source="program.code")
    places = serializers.IntegerField(help_text="拠点数（期間中に開設）")
    sessions = serializers.IntegerField(help_text="開催回数")
    participants = serializers.IntegerField(help_text="参加者数（延べ）")
    known_participants = serializers.IntegerField(help_text="参加者数（実人数・把握分）")
    partners = serializers.IntegerField(help_text="参加機関数")
    volunteers = serializers.IntegerField(help_text="ボランティア（延べ）")


class CommunityCountsOutput(serializers.Serializer):
    fiscal_year = serializers.IntegerField(source="period.fiscal_year")
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    programs = CommunityProgramCountsOutput(many=True)
    places = serializers.IntegerField()
    sessions = serializers.IntegerField()
    participants = serializers.IntegerField()
    known_participants = serializers.IntegerField()
    partners = serializers.IntegerField()
    volunteers = serializers.IntegerField()


class CommunityLogOutput(serializers.Serializer):
    id = serializers.IntegerField()
    program = NamedOutput()
    coordinator = serializers.CharField()
    worked_on = serializers.DateField()
    activity = serializers.ChoiceField(choices=CoordinatorActivity.choices)
    content = serializers.CharField()
    place_id = serializers.IntegerField(allow_null=True)
    district = NamedOutput(allow_null=True)
    partners = serializers.SerializerMethodField()

    def get_partners(self, entry: Any) -> list[int]:
        return [p.pk for p in entry.partners.all()]


class CommunityLogPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CommunityLogOutput(many=True)


# --- Input -----------------------------------------------------------------------------------------


def _count(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    # No min_value: a negative count reaches the service, whose Japanese message names the field.
    return serializers.IntegerField(max_value=services.MAX_COUNT, min_value=-services.MAX_COUNT, help_text=help_text,
                                    **kwargs)  # fmt: skip


class CommunityPlaceInput(serializers.Serializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.none(), help_text="地域づくり事業")
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    host_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), required=False,
                                                           allow_null=True, default=None)  # fmt: skip
    host_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    coordinator = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True,
                                                     default=None)  # fmt: skip
    district = serializers.PrimaryKeyRelatedField(queryset=District.objects.none(), required=False, allow_null=True,
                                                  default=None)  # fmt: skip
    address = serializers.CharField(max_length=200, default="", allow_blank=True)
    schedule = serializers.CharField(max_length=200, default="", allow_blank=True)
    description = serializers.CharField(default="", allow_blank=True)
    opened_on = serializers.DateField()

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            self.fields["program"].queryset = staff.community_programs(municipality_id)
            self.fields["host_organization"].queryset = Organization.objects.filter(municipality_id=municipality_id)
            self.fields["coordinator"].queryset = User.objects.filter(municipality_id=municipality_id)
            self.fields["district"].queryset = District.objects.filter(municipality_id=municipality_id)


class CommunitySessionInput(serializers.Serializer):
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(default="", allow_blank=True)
    participants = _count("参加者数（名前は要りません）")
    volunteers = _count("ボランティア数", default=0)
    ages = serializers.DictField(
        child=serializers.IntegerField(max_value=services.MAX_COUNT, min_value=-services.MAX_COUNT, allow_null=True),
        default=dict, help_text="年齢区分ごとの人数（分かる区分だけ）: " + ", ".join(n for n, _l in AGE_BANDS),
    )  # fmt: skip
    partners = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none(), many=True, default=list)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            self.fields["partners"].child_relation.queryset = Partner.objects.filter(municipality_id=municipality_id)


class CommunityParticipationInput(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="本人（閲覧できる方）")
    note = serializers.CharField(max_length=200, default="", allow_blank=True)


class CommunityPartnerInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    sector = serializers.PrimaryKeyRelatedField(queryset=PlatformSector.objects.none(), required=False,
                                                allow_null=True, default=None)  # fmt: skip
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), required=False,
                                                      allow_null=True, default=None)  # fmt: skip
    contact = serializers.CharField(max_length=100, default="", allow_blank=True)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            self.fields["sector"].queryset = PlatformSector.objects.filter(municipality_id=municipality_id)
            self.fields["organization"].queryset = Organization.objects.filter(municipality_id=municipality_id)


class CommunityLogInput(serializers.Serializer):
    worked_on = serializers.DateField()
    activity = serializers.ChoiceField(choices=CoordinatorActivity.choices)
    content = serializers.CharField()
    place = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    partners = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.none(), many=True, default=list)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            self.fields["partners"].child_relation.queryset = Partner.objects.filter(municipality_id=municipality_id)


# --- Views -----------------------------------------------------------------------------------------

PLACE_ORDER, SESSION_ORDER, LOG_ORDER = ("name", "id"), ("-held_on", "-id"), ("-worked_on", "-id")


class PlaceListApi(ApiView):
    @extend_schema(summary="拠点・居場所（開設中）", operation_id="community_place_list", parameters=CURSOR_PARAMETERS,
                   responses=CommunityPlacePage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user = _user(request)
        page = keyset_page(request, selectors.place_list_for_user(user=user), PLACE_ORDER, _Plain)
        return Response(paginated(request, page, CommunityPlaceOutput(page.rows, many=True).data))

    @extend_schema(summary="拠点・居場所を登録（事業の実施機関・所管課の職員）", operation_id="community_place_create",
                   request=CommunityPlaceInput, responses={201: CommunityPlaceOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = _user(request)
        d = _valid(CommunityPlaceInput(data=request.data, municipality_id=user.municipality_id)).validated_data
        place = services.place_create(user=user, request=request._request, data=services.PlaceInput(
            program=d["program"], name=d["name"], kind=PlaceKind(d["kind"]), opened_on=d["opened_on"],
            host_organization=d["host_organization"], host_name=d["host_name"], coordinator=d["coordinator"],
            district=d["district"], address=d["address"], schedule=d["schedule"], description=d["description"],
        ))  # fmt: skip
        return Response(CommunityPlaceOutput(place).data, status=201)


class PlaceDetailApi(ApiView):
    @extend_schema(summary="拠点・居場所", operation_id="community_place_retrieve", responses=CommunityPlaceOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CommunityPlaceOutput(selectors.place_get_for_user(user=_user(request), pk=pk)).data)


class PlaceSessionsApi(ApiView):
    @extend_schema(summary="拠点の活動の記録（新しい順）", operation_id="community_session_list",
                   parameters=CURSOR_PARAMETERS, responses=CommunitySessionPage)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = _user(request)
        place = selectors.place_get_for_user(user=user, pk=pk)
        rows = selectors.session_list_for_place(user=user, place=place)
        page = keyset_page(request, rows, SESSION_ORDER, _Plain)
        return Response(paginated(request, page, CommunitySessionOutput(page.rows, many=True).data))

    @extend_schema(summary="活動を記録（人数だけ。年齢区分は分かる場合）", operation_id="community_session_create",
                   request=CommunitySessionInput, responses={201: CommunitySessionOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        place = selectors.place_get_for_user(user=user, pk=pk)
        d = _valid(CommunitySessionInput(data=request.data, municipality_id=user.municipality_id)).validated_data
        session = services.session_record(user=user, place=place, request=request._request, data=services.SessionInput(
            held_on=d["held_on"], title=d["title"], note=d["note"], participants=d["participants"],
            volunteers=d["volunteers"], ages=dict(d["ages"]), partners=list(d["partners"]),
        ))  # fmt: skip
        return Response(CommunitySessionOutput(session).data, status=201)


class SessionDetailApi(ApiView):
    @extend_schema(summary="活動の記録", operation_id="community_session_retrieve", responses=CommunitySessionOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CommunitySessionOutput(selectors.session_get_for_user(user=_user(request), pk=pk)).data)


class SessionParticipationsApi(ApiView):
    @extend_schema(
        summary="名前の分かる参加者を記録（閲覧できる本人だけ）", operation_id="community_participation_create",
        request=CommunityParticipationInput, responses={201: CommunityParticipationOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        session = selectors.session_get_for_user(user=user, pk=pk)
        d = _valid(CommunityParticipationInput(data=request.data)).validated_data
        person = people.person_check_for_user(user=user, pk=d["person"]).person
        record = services.participation_link(user=user, session=session, person=person, note=d["note"],
                                             request=request._request)  # fmt: skip
        return Response(CommunityParticipationOutput(record).data, status=201)


class ParticipationDetailApi(ApiView):
    @extend_schema(summary="活動への参加（本人の記録）", operation_id="community_participation_retrieve",
                   responses=CommunityParticipationDetailOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.participation_get_for_user(user=request.user, pk=pk, request=request._request)
        return Response(CommunityParticipationDetailOutput(view.record, context={"grounds": view.grounds}).data)


class CountsApi(ApiView):
    @extend_schema(
        summary="地域づくり事業の評価指標（拠点数・参加者数・参加機関数）", operation_id="community_counts",
        parameters=[OpenApiParameter("fiscal_year", int, description="年度（西暦、4月〜3月。省略: 今年度）"),
                    OpenApiParameter("month", int, description="その年度の月（1〜12。省略: 年度全体）")],
        responses=CommunityCountsOutput,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = _user(request)
        params = {}
        for name in ("fiscal_year", "month"):
            raw = request.query_params.get(name, "")
            if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
                raise serializers.ValidationError({name: ["数で指定してください。"]})
            params[name] = int(raw) if raw else None
        try:
            period = counts.period_of(params["fiscal_year"] or fiscal_year(timezone.localdate()), month=params["month"])
        except counts.CountError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(
            CommunityCountsOutput(counts.community_counts(municipality_id=user.municipality_id, period=period)).data
        )


class PlatformApi(ApiView):
    @extend_schema(summary="多分野協働のプラットフォーム（分野と参加機関）", operation_id="community_platform",
                   responses=CommunitySectorOutput(many=True))  # fmt: skip
    def get(self, request: Request) -> Response:
        user = _user(request)
        services.platform_sectors_ensure(municipality=user.municipality)
        return Response(CommunitySectorOutput(selectors.sector_list_for_user(user=user), many=True).data)


class PartnerListApi(ApiView):
    @extend_schema(
        summary="参加機関", operation_id="community_partner_list", responses=CommunityPartnerOutput(many=True)
    )
    def get(self, request: Request) -> Response:
        rows = selectors.partner_list_for_user(user=_user(request)).order_by("name")[:1000]
        return Response(CommunityPartnerOutput(rows, many=True).data)

    @extend_schema(summary="参加機関を登録", operation_id="community_partner_create", request=CommunityPartnerInput,
                   responses={201: CommunityPartnerOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = _user(request)
        d = _valid(CommunityPartnerInput(data=request.data, municipality_id=user.municipality_id)).validated_data
        partner = services.partner_create(user=user, request=request._request, data=services.PartnerInput(
            name=d["name"], sector=d["sector"], organization=d["organization"], contact=d["contact"]))  # fmt: skip
        return Response(CommunityPartnerOutput(partner).data, status=201)


class LogListApi(ApiView):
    @extend_schema(summary="生活支援コーディネーターの活動記録（新しい順）", operation_id="community_log_list",
                   parameters=CURSOR_PARAMETERS, responses=CommunityLogPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        page = keyset_page(request, selectors.log_list_for_user(user=_user(request)), LOG_ORDER, _Plain)
        return Response(paginated(request, page, CommunityLogOutput(page.rows, many=True).data))

    @extend_schema(summary="生活支援コーディネーターの活動を記録", operation_id="community_log_create",
                   request=CommunityLogInput, responses={201: CommunityLogOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = _user(request)
        d = _valid(CommunityLogInput(data=request.data, municipality_id=user.municipality_id)).validated_data
        place = selectors.place_get_for_user(user=user, pk=d["place"]) if d["place"] else None
        entry = services.log_record(user=user, request=request._request, data=services.LogInput(
            worked_on=d["worked_on"], activity=CoordinatorActivity(d["activity"]), content=d["content"], place=place,
            partners=list(d["partners"])))  # fmt: skip
        return Response(CommunityLogOutput(entry).data, status=201)
