"""The API of people, households, their timelines and the consent register: the same selectors and services
as the pages, explicit input and output serializers, 404 outside scope (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.access import selectors as access
from tsunagu.access.models import ConsentGiver, ConsentMethod
from tsunagu.access.policy import casework_user
from tsunagu.access.services import ConsentInput, consent_record, consent_withdraw
from tsunagu.api.pagination import offset_page, paginated
from tsunagu.api.views import ApiView, if_match_version, with_etag
from tsunagu.core.models import Membership, Organization, Role, User
from tsunagu.people import selectors, services
from tsunagu.people.forms import PersonForm, PersonSearchForm
from tsunagu.people.protection import LOCATION_FIELDS
from tsunagu.people.residents import ResidentImportError, import_residents
from tsunagu.people.search import PersonQuery
from tsunagu.records.selectors import TimelinePage, timeline_for_user


class GroundsOutput(serializers.Serializer):
    organization = serializers.CharField(source="organization.name")
    basis = serializers.CharField()
    source = serializers.CharField()


class PersonSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    family_name = serializers.CharField()
    given_name = serializers.CharField()
    family_name_kana = serializers.CharField()
    given_name_kana = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)


class OtherNameOutput(serializers.Serializer):
    kind = serializers.CharField()
    family_name = serializers.CharField()
    given_name = serializers.CharField()
    family_name_kana = serializers.CharField()
    given_name_kana = serializers.CharField()


class PersonOutput(PersonSummaryOutput):
    gender = serializers.CharField()
    gender_note = serializers.CharField()
    postal_code = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    district = serializers.CharField(allow_null=True)
    location_hidden = serializers.BooleanField(
        help_text="DV等の支援措置: 住所・郵便番号・地区は、非開示を登録した機関とその機関が指名した職員にだけ"
        "表示されます（同じ住所の世帯員も同じ扱い）。それ以外の方には null です。"
    )
    phone = serializers.CharField()
    phone2 = serializers.CharField()
    email = serializers.CharField()
    contact_notes = serializers.CharField()
    care_notes = serializers.CharField(allow_null=True)
    resident_number = serializers.CharField()
    is_registered_resident = serializers.BooleanField()
    other_names = OtherNameOutput(many=True)
    registered_by = serializers.CharField()
    version = serializers.IntegerField()
    may_edit = serializers.BooleanField()
    access = GroundsOutput()


def person_output(view: selectors.PersonView) -> dict[str, Any]:
    person, hidden = view.person, view.location_hidden
    return PersonOutput(
        {
            "pk": person.pk, "family_name": person.family_name, "given_name": person.given_name,
            "family_name_kana": person.family_name_kana, "given_name_kana": person.given_name_kana,
            "birth_date": person.birth_date, "gender": person.gender, "gender_note": person.gender_note,
            "postal_code": None if hidden else person.postal_code, "address": None if hidden else person.address,
            "district": None if hidden or person.district is None else person.district.name,
            "location_hidden": hidden, "phone": person.phone, "phone2": person.phone2, "email": person.email,
            "contact_notes": person.contact_notes, "care_notes": person.care_notes if view.care_notes_visible else None,
            "resident_number": person.resident_number, "is_registered_resident": person.is_registered_resident,
            "other_names": list(person.other_names.all()), "registered_by": person.registered_by.name,
            "version": person.version, "may_edit": view.decision.may_edit, "access": view.decision.grounds,
        }
    ).data  # fmt: skip


class PersonSearchPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = PersonSummaryOutput(many=True)


class PersonListApi(ApiView):
    @extend_schema(
        summary="本人検索", operation_id="people_search",
        parameters=[
            OpenApiParameter("name", str, description="氏名またはフリガナ（前方一致、かなの違いは区別しません）"),
            OpenApiParameter("birth_date", str, description="生年月日（ISO 8601、和暦も可）"),
            OpenApiParameter("phone", str), OpenApiParameter("resident_number", str, description="宛名番号"),
            OpenApiParameter("cursor", str), OpenApiParameter("page_size", int),
        ],
        responses=PersonSearchPage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        form = PersonSearchForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        query = PersonQuery(**form.cleaned_data)
        if query.is_empty:
            raise serializers.ValidationError(
                {"name": [_("氏名・フリガナ・生年月日・電話番号・宛名番号のいずれかを指定してください。")]}
            )
        results = selectors.person_search_for_user(user=user, query=query, request=request._request)
        page = offset_page(request, results, results.ITERATION_LIMIT)
        return Response(paginated(request, page, PersonSummaryOutput(page.rows, many=True).data))


class PersonUpdateInput(serializers.Serializer):
    """The fields that may be changed; any left out keep their value (PATCH)."""

    family_name = serializers.CharField(max_length=50, required=False)
    given_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    family_name_kana = serializers.CharField(max_length=100, required=False)
    given_name_kana = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.CharField(required=False)
    gender_note = serializers.CharField(max_length=50, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    district = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone2 = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    contact_notes = serializers.CharField(required=False, allow_blank=True)
    care_notes = serializers.CharField(required=False, allow_blank=True)
    resident_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    is_registered_resident = serializers.BooleanField(required=False)


LOCATION_CHANGE_REFUSED = gettext_lazy("この項目は、住所非開示（DV等）を登録した機関だけが変更できます。")


class PersonDetailApi(ApiView):
    @extend_schema(summary="本人の記録", operation_id="person_retrieve", responses=PersonOutput)
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.person_get_for_user(user=casework_user(request), pk=pk, request=request._request)
        return with_etag(Response(person_output(view)), view.person.version)

    @extend_schema(
        summary="本人情報の変更（If-Match に取得時の ETag が必要）", operation_id="person_update",
        request=PersonUpdateInput, responses=PersonOutput,
        parameters=[OpenApiParameter("If-Match", str, location=OpenApiParameter.HEADER, required=True)],
    )  # fmt: skip
    def patch(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.person_get_for_user(user=user, pk=pk, request=request._request, editing=True)
        expected = if_match_version(request)
        changes = PersonUpdateInput(data=request.data)
        changes.is_valid(raise_exception=True)
        values = changes.validated_data
        # A protected location is changed by the protecting agency only; anyone else is told so rather than
        # having the change dropped in silence (the service would keep the location as it is).
        refused = [name for name in LOCATION_FIELDS if name in values] if not view.location.changeable else []
        if "care_notes" in values and not view.care_notes_visible:
            refused.append("care_notes")
        if refused:
            raise serializers.ValidationError({name: [LOCATION_CHANGE_REFUSED] for name in refused})
        # The page's form parses and normalises (kana, 和暦 or ISO dates, the district of this town): the
        # same rules for both doors.
        person = view.person
        current = {name: getattr(person, name) for name in PersonForm.base_fields}
        current["district"] = person.district_id
        merged = {**current, **values}
        form = PersonForm({k: ("" if v is None else v) for k, v in merged.items() if v is not False}, user=user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        services.person_update(
            user=user, person=person, data=form.to_input(), expected_version=expected,
            request=request._request,
        )  # fmt: skip
        updated = selectors.person_check_for_user(user=user, pk=pk)
        return with_etag(Response(person_output(updated)), updated.person.version)


class MemberOutput(serializers.Serializer):
    person = PersonSummaryOutput()
    relationship = serializers.CharField()
    lives_together = serializers.BooleanField()
    is_key_person = serializers.BooleanField()


class HouseholdOutput(serializers.Serializer):
    id = serializers.IntegerField()
    address = serializers.CharField(allow_null=True)
    postal_code = serializers.CharField(allow_null=True)
    district = serializers.CharField(allow_null=True)
    location_hidden = serializers.BooleanField(
        help_text="世帯員の住所が非開示（DV等）で、その方の住所を閲覧できないとき true（住所・郵便番号・地区は null）"
    )
    members = MemberOutput(many=True)
    hidden_member_count = serializers.IntegerField(help_text="閲覧権限のない世帯員の数（氏名は示しません）")
    version = serializers.IntegerField()
    access = GroundsOutput()


class HouseholdDetailApi(ApiView):
    @extend_schema(summary="世帯", operation_id="household_retrieve", responses=HouseholdOutput)
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.household_get_for_user(user=casework_user(request), pk=pk, request=request._request)
        household, hidden = view.household, view.location_hidden
        data = HouseholdOutput({
            "id": household.pk, "address": None if hidden else household.address,
            "postal_code": None if hidden else household.postal_code,
            "district": None if hidden or household.district is None else household.district.name,
            "location_hidden": hidden, "hidden_member_count": view.hidden_member_count,
            "members": [
                {"person": m.member.person, "relationship": m.member.relationship,
                 "lives_together": m.member.lives_together, "is_key_person": m.member.is_key_person}
                for m in view.visible_members
            ],
            "version": household.version, "access": view.decision.grounds,
        }).data  # fmt: skip
        return with_etag(Response(data), household.version)


class TimelineItemOutput(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    organization = serializers.CharField()
    person_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    content = serializers.CharField()
    next_step = serializers.CharField()
    page = serializers.CharField(allow_null=True, help_text="画面で開くURL（記録の種類にページがあるとき）")


class TimelineOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = TimelineItemOutput(many=True)


def timeline_output(request: Request, page: TimelinePage) -> dict[str, Any]:
    items = []
    for item in page.items:
        row = item.kind.print_row(item.record)
        items.append({
            "kind": item.kind.key, "id": item.record.pk, "occurred_at": item.at, "organization": item.organization,
            "person_id": item.person_id, "title": row.kind, "content": row.content, "next_step": row.next_step,
            "page": reverse(item.kind.detail_url, args=[item.record.pk]) if item.kind.detail_url else None,
        })  # fmt: skip
    next_url = None
    if page.older:
        params = request.query_params.copy()
        params["before"] = page.older
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return TimelineOutput({"next": next_url, "results": items}).data


TIMELINE_PARAMETERS = [OpenApiParameter("before", str, description="前のページの next が示すカーソル")]


class PersonTimelineApi(ApiView):
    @extend_schema(
        summary="本人の経過一覧（新しい順）",
        operation_id="person_timeline",
        parameters=TIMELINE_PARAMETERS,
        responses=TimelineOutput,
    )
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        person = selectors.person_get_for_user(user=user, pk=pk, request=request._request).person
        page = timeline_for_user(
            user=user, person_ids=[pk], before=request.query_params.get("before", ""), subject=person,
            subject_person_id=pk, request=request._request,
        )  # fmt: skip
        return Response(timeline_output(request, page))


class HouseholdTimelineApi(ApiView):
    @extend_schema(
        summary="世帯の経過一覧（新しい順）",
        operation_id="household_timeline",
        parameters=TIMELINE_PARAMETERS,
        responses=TimelineOutput,
    )
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.household_get_for_user(user=user, pk=pk, request=request._request)
        page = timeline_for_user(
            user=user, person_ids=[m.member.person_id for m in view.visible_members], household_id=pk,
            before=request.query_params.get("before", ""), subject=view.household, request=request._request,
        )  # fmt: skip
        return Response(timeline_output(request, page))


class ConsentOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person_id = serializers.IntegerField()
    organizations = serializers.SerializerMethodField()
    all_plan_agencies = serializers.BooleanField()
    purpose = serializers.CharField()
    method = serializers.CharField()
    given_by = serializers.CharField()
    representative_name = serializers.CharField()
    given_on = serializers.DateField()
    taken_by_organization = serializers.CharField(source="taken_by_organization.name")
    withdrawn_on = serializers.DateField(allow_null=True)

    def get_organizations(self, consent: Any) -> list[str]:
        return [o.name for o in consent.organizations.all()]


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    given_on = serializers.DateField()
    organizations = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), default=list)
    all_plan_agencies = serializers.BooleanField(default=False)
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices, default=ConsentGiver.SELF)
    representative_name = serializers.CharField(default="", allow_blank=True)
    representative_relationship = serializers.CharField(default="", allow_blank=True)


class PersonConsentsApi(ApiView):
    @extend_schema(summary="本人同意の一覧", operation_id="person_consents", responses=ConsentOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.person_get_for_user(user=casework_user(request), pk=pk, request=request._request)
        return Response(ConsentOutput(access.consents_of_person(person_id=view.person.pk), many=True).data)

    @extend_schema(
        summary="本人同意を記録",
        operation_id="consent_create",
        request=ConsentInputSerializer,
        responses={201: ConsentOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.person_check_for_user(user=user, pk=pk, editing=True)
        data = ConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organizations = list(
            Organization.objects.filter(municipality_id=user.municipality_id, pk__in=values["organizations"])
        )
        if len(organizations) != len(set(values["organizations"])):
            raise serializers.ValidationError({"organizations": [_("存在しない機関が含まれています。")]})
        consent = consent_record(
            user=user, person=view.person, request=request._request,
            data=ConsentInput(
                purpose=values["purpose"], method=ConsentMethod(values["method"]), given_on=values["given_on"],
                organizations=organizations, all_plan_agencies=values["all_plan_agencies"],
                given_by=ConsentGiver(values["given_by"]), representative_name=values["representative_name"],
                representative_relationship=values["representative_relationship"],
            ),
        )  # fmt: skip
        return Response(ConsentOutput(consent).data, status=201)


class WithdrawInput(serializers.Serializer):
    withdrawn_on = serializers.DateField()
    note = serializers.CharField(default="", allow_blank=True)


class ConsentWithdrawApi(ApiView):
    @extend_schema(
        summary="本人同意の撤回を記録", operation_id="consent_withdraw", request=WithdrawInput, responses=ConsentOutput
    )
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        consent = access.consent_in_municipality(user=user, pk=pk)
        selectors.person_check_for_user(user=user, pk=consent.person_id, editing=True)
        data = WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_withdraw(
            user=user, consent=consent, withdrawn_on=data.validated_data["withdrawn_on"],
            note=data.validated_data["note"], request=request._request,
        )  # fmt: skip
        return Response(ConsentOutput(consent).data)


class CsvParser(BaseParser):
    """A resident-register extract as it leaves the register system: CSV bytes (UTF-8 or Shift_JIS)."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> bytes:
        return stream.read()


class ImportResultOutput(serializers.Serializer):
    encoding = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deregistered = serializers.IntegerField()
    skipped_departed = serializers.IntegerField()
    households_created = serializers.IntegerField()
    households_updated = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    dry_run = serializers.BooleanField()


class ResidentImportApi(ApiView):
    """The resident-register feed (住基連携): a machine account with the 外部システム連携 role at the
    organisation that holds the register pushes an extract; all or nothing, every bad row named."""

    parser_classes = [CsvParser]

    @extend_schema(
        summary="住民記録の取込（外部システム連携の役割のみ）", operation_id="residents_import",
        request={"text/csv": OpenApiTypes.BINARY}, responses=ImportResultOutput,
        parameters=[OpenApiParameter("dry_run", bool, description="検査と件数の確認だけで、何も書き込まない")],
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        user: User = request.user
        membership = (
            Membership.objects.filter(user=user, municipality_id=user.municipality_id, role=Role.INTEGRATION)
            .select_related("organization", "municipality")
            .first()
        )
        if membership is None:
            raise Http404
        data = request.data
        if not isinstance(data, bytes) or not data:
            raise serializers.ValidationError(
                {"file": [_("取り込むCSVを本文で送ってください（Content-Type: text/csv）。")]}
            )
        try:
            result = import_residents(
                data=data, municipality=membership.municipality, organization=membership.organization,
                dry_run=request.query_params.get("dry_run", "") in {"1", "true"}, source_name="API",
            )  # fmt: skip
        except ResidentImportError as error:
            raise serializers.ValidationError({"file": error.problems}) from error
        return Response(ImportResultOutput(result).data)
