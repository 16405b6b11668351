"""The API of the implementation plan: the plan in force, its programmes and the municipality's agencies.

Read-only and not personal data, but one municipality's: every view reads through ``tsunagu.plans.selectors``
(scoped to the caller's municipality) and needs a signed-in caller or a token, as the pages do. The lists
are bounded by the plan (a few dozen rows), so they are answered whole.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.views import ApiView
from tsunagu.core.models import OrganizationKind, User
from tsunagu.plans import selectors
from tsunagu.plans.models import Category, Domain, OperatingForm, Program


class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    legal_basis = serializers.CharField()
    period_text = serializers.CharField()
    start_fiscal_year = serializers.IntegerField(allow_null=True, help_text="開始年度（西暦）")
    end_fiscal_year = serializers.IntegerField(allow_null=True, help_text="終了年度（西暦）")
    purpose = serializers.CharField()
    position = serializers.CharField()
    outline = serializers.CharField()
    parent_plan = serializers.CharField()
    platform_sectors = serializers.ListField(child=serializers.CharField())


class NamedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProgramSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    law_article = serializers.CharField(help_text="法第106条の4第2項の号")
    domain = serializers.ChoiceField(choices=Domain.choices)
    domain_label = serializers.CharField(help_text="区分（計画の表記）")
    responsible_division = NamedOutput()
    operating_form = serializers.ChoiceField(choices=OperatingForm.choices)


class IndicatorOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()
    targets = serializers.DictField(child=serializers.IntegerField(), help_text="年度（西暦）→ 目標値")


class ImplementingBodyOutput(serializers.Serializer):
    id = serializers.IntegerField(source="organization_id")
    name = serializers.CharField(source="organization.name")


class ProgramOutput(ProgramSummaryOutput):
    plan_id = serializers.IntegerField()
    target_population = serializers.CharField()
    service_area = serializers.CharField()
    duties = serializers.SerializerMethodField(help_text="業務内容")
    implementing_bodies = ImplementingBodyOutput(
        source="implementing_body_links", many=True, help_text="実施機関（計画の順）"
    )
    indicators = IndicatorOutput(many=True)

    def get_duties(self, program: Program) -> list[str]:
        return [duty.text for duty in program.duties.all()]


class OrganizationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    division = NamedOutput(allow_null=True)


def _user(request: Request) -> User:
    return request.user


class PlanDetailApi(ApiView):
    @extend_schema(summary="実施計画（現行）", operation_id="plan_retrieve", responses=PlanOutput)
    def get(self, request: Request) -> Response:
        plan = selectors.plan_current_for_user(user=_user(request))
        if plan is None:
            raise Http404
        return Response(PlanOutput(plan).data)


class ProgramFilterInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False, help_text="事業区分")
    domain = serializers.ChoiceField(choices=Domain.choices, required=False, help_text="分野")


class ProgramListApi(ApiView):
    @extend_schema(
        summary="事業一覧（現行の計画、計画の順）", operation_id="program_list", parameters=[ProgramFilterInput],
        responses=ProgramSummaryOutput(many=True),
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        filters = ProgramFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        programs = selectors.program_list_for_user(
            user=_user(request), category=filters.validated_data.get("category"),
            domain=filters.validated_data.get("domain"),
        )  # fmt: skip
        return Response(ProgramSummaryOutput(programs, many=True).data)


class ProgramDetailApi(ApiView):
    @extend_schema(summary="事業（全項目）", operation_id="program_retrieve", responses=ProgramOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ProgramOutput(selectors.program_get_for_user(user=_user(request), pk=pk)).data)


class OrganizationListApi(ApiView):
    @extend_schema(summary="機関の一覧", operation_id="organization_list", responses=OrganizationOutput(many=True))
    def get(self, request: Request) -> Response:
        organizations = selectors.organization_list_for_user(user=_user(request))
        return Response(OrganizationOutput(organizations, many=True).data)
