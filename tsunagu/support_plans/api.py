"""The API of 支援プラン: plans with their versions, goals, 役割分担 and its confirmation, the decision, re-plans,
progress records, evaluations, the plan types and an organisation's roles — through the same selectors and
services as the pages (docs/api.md, docs/support-plans.md). 404 outside the caller's scope; lists paged by
keyset over the selectors' audited rows; a draft is updated with If-Match.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.access.models import Consent
from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView, flag_param, if_match_version, with_etag
from tsunagu.collaboration import selectors as collaboration
from tsunagu.collaboration.api import CURSOR_PARAMETERS, MAX_ID, FieldDefinitionOutput
from tsunagu.collaboration.models import EvaluationResult
from tsunagu.core.models import Organization
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.plans.api import NamedOutput
from tsunagu.support_plans import follow_up, plan_types, selectors, services
from tsunagu.support_plans.models import (
    ActorKind,
    Application,
    EvaluationDecision,
    GoalTerm,
    PlanAction,
    PlanGoal,
    PlanStatus,
    ProgressStatus,
    SupportPlan,
)

LIST_ORDER = ("-occurred_at", "-id")

# --- Output ----------------------------------------------------------------------------------------


class GoalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.ChoiceField(choices=GoalTerm.choices)
    text = serializers.CharField()
    target_on = serializers.DateField(allow_null=True)


class ActionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    goal_id = serializers.IntegerField(allow_null=True)
    content = serializers.CharField()
    actor = serializers.ChoiceField(choices=ActorKind.choices)
    organization = NamedOutput(allow_null=True)
    staff_name = serializers.CharField()
    frequency = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    application = serializers.CharField(help_text="申込み（participation / outreach / 空）")
    acknowledged_at = serializers.DateTimeField(allow_null=True, help_text="担当機関が役割を確認した日時")
    flagged_at = serializers.DateTimeField(allow_null=True, help_text="本人同意の範囲外となった日時")
    flag_note = serializers.CharField()


class PlanSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plan_type = serializers.CharField()
    number = serializers.IntegerField(help_text="第何版")
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    organization = NamedOutput(help_text="作成機関")
    person = PersonSummaryOutput()
    household_id = serializers.IntegerField(allow_null=True)
    case_id = serializers.IntegerField(allow_null=True)
    occurred_at = serializers.DateTimeField(help_text="この版の作成日時")
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)


class SupportPlanOutput(PlanSummaryOutput):
    """A version with its goals, roles and monitoring dates, and the grounds of the read."""

    series = serializers.UUIDField()
    wishes = serializers.CharField()
    family_wishes = serializers.CharField()
    answers = serializers.JSONField(help_text="様式ごとの記入 {key: {value, note}}（種類の定義は types）")
    lead_organization = NamedOutput(allow_null=True)
    consent_id = serializers.IntegerField(allow_null=True)
    approved_on = serializers.DateField(allow_null=True)
    decision_reference = serializers.CharField()
    version = serializers.IntegerField()
    goals = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    monitoring_dates = serializers.SerializerMethodField()
    approval_problems = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()

    @extend_schema_field(GoalOutput(many=True))
    def get_goals(self, plan: Any) -> Any:
        return GoalOutput(self.context["parts"].goals, many=True).data

    @extend_schema_field(ActionOutput(many=True))
    def get_actions(self, plan: Any) -> Any:
        return ActionOutput(self.context["parts"].actions, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_monitoring_dates(self, plan: Any) -> list[str]:
        return [d.isoformat() for d in self.context["parts"].monitoring]

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="決定の前に必要なこと"))
    def get_approval_problems(self, plan: Any) -> list[str]:
        return services.approval_problems(plan) if plan.status == PlanStatus.DRAFT else []

    @extend_schema_field(GroundsOutput(allow_null=True))
    def get_access(self, plan: Any) -> Any:
        grounds = self.context.get("grounds")
        return GroundsOutput(grounds).data if grounds else None


class PlanPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = PlanSummaryOutput(many=True)


class ProgressOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plan_id = serializers.IntegerField()
    action_id = serializers.IntegerField(allow_null=True)
    organization = NamedOutput()
    staff = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    note = serializers.CharField()


class GoalResultOutput(serializers.Serializer):
    goal_id = serializers.IntegerField()
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    note = serializers.CharField()


class PlanEvaluationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plan_id = serializers.IntegerField()
    staff = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    note = serializers.CharField()
    decision = serializers.ChoiceField(choices=EvaluationDecision.choices)
    goals = GoalResultOutput(many=True)


class PlanSectionOutput(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    fields = FieldDefinitionOutput(many=True)


class PlanTypeOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    form_title = serializers.CharField()
    program = serializers.CharField(help_text="計画ファイルの事業コード")
    needs_case = serializers.BooleanField()
    approval = serializers.CharField(help_text="case_decision: ケースの支援決定 / organization: 作成機関が記録")
    decided_by = serializers.CharField()
    sections = PlanSectionOutput(many=True)


class RoleOutput(serializers.Serializer):
    action = ActionOutput()
    plan_id = serializers.IntegerField(source="action.plan_id")
    person = PersonSummaryOutput(source="action.plan.person")
    overdue = serializers.BooleanField()
    done = serializers.BooleanField()


# --- Input -----------------------------------------------------------------------------------------


def _queryset(field: serializers.Field, queryset: Any) -> None:
    field.queryset = queryset


class PlanFieldsInput(serializers.Serializer):
    wishes = serializers.CharField(default="", allow_blank=True, max_length=4000)
    family_wishes = serializers.CharField(default="", allow_blank=True, max_length=4000)
    answers = serializers.DictField(child=serializers.JSONField(), default=dict)
    lead_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), allow_null=True,
                                                           default=None)  # fmt: skip
    period_start = serializers.DateField(allow_null=True, default=None)
    period_end = serializers.DateField(allow_null=True, default=None)
    monitoring_dates = serializers.ListField(child=serializers.DateField(), default=list, max_length=50)
    consent = serializers.PrimaryKeyRelatedField(queryset=Consent.objects.none(), allow_null=True, default=None)

    def __init__(self, *args: Any, municipality_id: int | None = None, person_id: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            _queryset(self.fields["lead_organization"], Organization.objects.filter(municipality_id=municipality_id))
        if person_id is not None:
            _queryset(self.fields["consent"], Consent.objects.filter(person_id=person_id))

    def to_input(self) -> services.PlanInput:
        data = self.validated_data
        return services.PlanInput(
            wishes=data["wishes"], family_wishes=data["family_wishes"], answers=dict(data["answers"]),
            lead_organization=data["lead_organization"], period_start=data["period_start"],
            period_end=data["period_end"], monitoring_dates=list(data["monitoring_dates"]), consent=data["consent"],
        )  # fmt: skip


class PlanSubjectInput(serializers.Serializer):
    plan_type = serializers.ChoiceField(choices=[(t.code, t.name) for t in plan_types.all_types()])
    case = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                    help_text="多機関協働ケース（多機関協働のプラン）")  # fmt: skip
    person = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                      help_text="本人（事業のプラン）")  # fmt: skip


class GoalInput(serializers.Serializer):
    term = serializers.ChoiceField(choices=GoalTerm.choices)
    text = serializers.CharField(max_length=4000)
    target_on = serializers.DateField(allow_null=True, default=None)


class ActionInput(serializers.Serializer):
    content = serializers.CharField(max_length=4000)
    actor = serializers.ChoiceField(choices=ActorKind.choices, default=ActorKind.ORGANIZATION)
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(), allow_null=True,
                                                      default=None)  # fmt: skip
    staff_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    frequency = serializers.CharField(max_length=100, default="", allow_blank=True)
    starts_on = serializers.DateField(allow_null=True, default=None)
    ends_on = serializers.DateField(allow_null=True, default=None)
    goal = serializers.PrimaryKeyRelatedField(queryset=PlanGoal.objects.none(), allow_null=True, default=None)
    application = serializers.ChoiceField(choices=Application.choices, default="", allow_blank=True)

    def __init__(self, *args: Any, plan: SupportPlan | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if plan is not None:
            _queryset(self.fields["organization"], Organization.objects.filter(municipality_id=plan.municipality_id))
            _queryset(self.fields["goal"], PlanGoal.objects.filter(plan=plan))

    def to_input(self) -> services.ActionInput:
        data = self.validated_data
        return services.ActionInput(**{**data, "actor": ActorKind(data["actor"])})


class ItemInput(serializers.Serializer):
    action = serializers.PrimaryKeyRelatedField(queryset=PlanAction.objects.none(), help_text="役割分担")

    def __init__(self, *args: Any, plan: SupportPlan | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if plan is not None:
            _queryset(self.fields["action"], PlanAction.objects.filter(plan=plan).select_related("plan"))


class ApproveInput(serializers.Serializer):
    decided_on = serializers.DateField()
    reference = serializers.CharField(max_length=200, help_text="決定した場（会議名・開催日など）")


class ProgressInput(serializers.Serializer):
    action = serializers.PrimaryKeyRelatedField(queryset=PlanAction.objects.none(), allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    note = serializers.CharField(max_length=4000)
    occurred_at = serializers.DateTimeField(allow_null=True, default=None)

    def __init__(self, *args: Any, plan: SupportPlan | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if plan is not None:
            _queryset(self.fields["action"], PlanAction.objects.filter(plan=plan))


class GoalResultInput(serializers.Serializer):
    goal = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    note = serializers.CharField(max_length=4000, default="", allow_blank=True)


class PlanEvaluationInput(serializers.Serializer):
    goals = GoalResultInput(many=True, help_text="目標ごとの評価（この版のすべての目標）")
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    note = serializers.CharField(max_length=4000, allow_blank=True)
    decision = serializers.ChoiceField(choices=EvaluationDecision.choices)

    def to_input(self) -> follow_up.EvaluationInput:
        data = self.validated_data
        return follow_up.EvaluationInput(
            goals={g["goal"]: (EvaluationResult(g["result"]), g["note"]) for g in data["goals"]},
            result=EvaluationResult(data["result"]), note=data["note"], decision=EvaluationDecision(data["decision"]),
        )  # fmt: skip


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


def _plan_response(request: Request, plan: SupportPlan, grounds: Any = None, status: int = 200) -> Response:
    plan = SupportPlan.objects.select_related("organization", "person", "lead_organization").get(pk=plan.pk)
    data = SupportPlanOutput(plan, context={"parts": selectors.parts_of(plan), "grounds": grounds}).data
    return with_etag(Response(data, status=status), plan.version)


# --- Views -----------------------------------------------------------------------------------------


class PlanListApi(ApiView):
    @extend_schema(
        summary="支援プランの一覧（新しい版から）", operation_id="support_plan_list",
        parameters=[OpenApiParameter("person", int, description="本人ID"), *CURSOR_PARAMETERS], responses=PlanPage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        person = request.query_params.get("person", "")
        if person and not (person.isascii() and person.isdigit() and 0 < int(person) <= MAX_ID):
            raise serializers.ValidationError({"person": ["本人IDの値が正しくありません。"]})
        listed = (selectors.plans_of_person_list(user=user, person_id=int(person), request=request._request) if person
                  else selectors.plans_list_for_user(user=user, request=request._request))  # fmt: skip
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, PlanSummaryOutput(page.rows, many=True).data))

    @extend_schema(
        summary="支援プランを作成（第1版・作成中）", operation_id="support_plan_create",
        request=PlanSubjectInput, responses={201: SupportPlanOutput},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        subject = _valid(PlanSubjectInput(data=request.data)).validated_data
        target: dict[str, Any] = {}
        if subject.get("case"):
            case = collaboration.case_check_for_user(user=user, pk=subject["case"])
            target = {"case": case, "person": case.person}
        elif subject.get("person"):
            view = people.person_check_for_user(user=user, pk=subject["person"])
            households = people.households_of_person(user=user, person=view.person)
            target = {"person": view.person, "household": households[0].household if households else None}
        else:
            raise serializers.ValidationError({"person": ["多機関協働ケースか本人を指定してください。"]})
        fields = _valid(PlanFieldsInput(data=request.data, municipality_id=target["person"].municipality_id,
                                        person_id=target["person"].pk))  # fmt: skip
        plan = services.plan_create(user=user, plan_type=subject["plan_type"], data=fields.to_input(),
                                    request=request._request, **target)  # fmt: skip
        return _plan_response(request, plan, status=201)


class PlanTypesApi(ApiView):
    @extend_schema(summary="支援プランの種類（様式の定義）", operation_id="support_plan_types",
                   responses=PlanTypeOutput(many=True))  # fmt: skip
    def get(self, request: Request) -> Response:
        casework_user(request)
        return Response(PlanTypeOutput(plan_types.all_types(), many=True).data)


class PlanDetailApi(ApiView):
    @extend_schema(summary="支援プランの版", operation_id="support_plan_retrieve", responses=SupportPlanOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.plan_get_for_user(user=user, pk=pk, request=request._request)
        return _plan_response(request, view.record, view.grounds)

    @extend_schema(summary="作成中の版を変更（If-Match）", operation_id="support_plan_update",
                   request=PlanFieldsInput, responses=SupportPlanOutput)  # fmt: skip
    def put(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        expected = if_match_version(request)
        fields = _valid(PlanFieldsInput(data=request.data, municipality_id=plan.municipality_id,
                                        person_id=plan.person_id))  # fmt: skip
        plan = services.plan_update(user=user, plan=plan, data=fields.to_input(), version=expected,
                                    request=request._request)  # fmt: skip
        return _plan_response(request, plan)


class PlanVersionsApi(ApiView):
    @extend_schema(summary="支援プランの版の一覧（第1版から）", operation_id="support_plan_versions",
                   responses=PlanSummaryOutput(many=True))  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_get_for_user(user=user, pk=pk, request=request._request).record
        versions = selectors.versions_of(user=user, plan=plan, request=request._request)
        return Response(PlanSummaryOutput(versions, many=True).data)


class PlanGoalsApi(ApiView):
    @extend_schema(summary="目標を加える（作成中の版）", operation_id="support_plan_goal_add", request=GoalInput,
                   responses={201: GoalOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        data = _valid(GoalInput(data=request.data)).validated_data
        goal = services.goal_add(user=user, plan=plan, term=GoalTerm(data["term"]), text=data["text"],
                                 target_on=data["target_on"], request=request._request)  # fmt: skip
        return Response(GoalOutput(goal).data, status=201)


class PlanActionsApi(ApiView):
    @extend_schema(summary="役割分担を加える（作成中の版、同意の範囲の機関）", operation_id="support_plan_action_add",
                   request=ActionInput, responses={201: ActionOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        data = _valid(ActionInput(data=request.data, plan=plan))
        action = services.action_add(user=user, plan=plan, data=data.to_input(), request=request._request)
        return Response(ActionOutput(action).data, status=201)


class PlanAcknowledgeApi(ApiView):
    @extend_schema(summary="自機関の役割を確認する", operation_id="support_plan_action_acknowledge",
                   request=ItemInput, responses=ActionOutput)  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        action = _valid(ItemInput(data=request.data, plan=plan)).validated_data["action"]
        action = services.action_acknowledge(user=user, action=action, request=request._request)
        return Response(ActionOutput(action).data)


class PlanApproveApi(ApiView):
    @extend_schema(summary="この版を決定する（作成機関が決める種類）", operation_id="support_plan_approve",
                   request=ApproveInput, responses=SupportPlanOutput)  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        data = _valid(ApproveInput(data=request.data)).validated_data
        plan = services.plan_approve(user=user, plan=plan, decided_on=data["decided_on"], reference=data["reference"],
                                     request=request._request)  # fmt: skip
        return _plan_response(request, plan)


class PlanNextVersionApi(ApiView):
    @extend_schema(summary="再プラン（次の版を作成中で作る）", operation_id="support_plan_next_version",
                   request=None, responses={201: SupportPlanOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        return _plan_response(request, services.plan_next_version(user=user, plan=plan, request=request._request),
                              status=201)  # fmt: skip


class PlanProgressApi(ApiView):
    @extend_schema(summary="モニタリングの記録（新しい順）", operation_id="support_plan_progress_list",
                   responses=ProgressOutput(many=True))  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_get_for_user(user=user, pk=pk, request=request._request).record
        progress = selectors.progress_of_plan(user=user, plan=plan, request=request._request)
        return Response(ProgressOutput(progress, many=True).data)

    @extend_schema(summary="モニタリングを記録（決定済みの版）", operation_id="support_plan_progress_add",
                   request=ProgressInput, responses={201: ProgressOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        data = _valid(ProgressInput(data=request.data, plan=plan)).validated_data
        record = follow_up.progress_record(user=user, plan=plan, action=data["action"],
                                           status=ProgressStatus(data["status"]), note=data["note"],
                                           occurred_at=data["occurred_at"], request=request._request)  # fmt: skip
        return Response(ProgressOutput(record).data, status=201)


class PlanEvaluationsApi(ApiView):
    @extend_schema(summary="評価（新しい順）", operation_id="support_plan_evaluation_list",
                   responses=PlanEvaluationOutput(many=True))  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_get_for_user(user=user, pk=pk, request=request._request).record
        evaluations = selectors.evaluations_of_plan(user=user, plan=plan, request=request._request)
        return Response(PlanEvaluationOutput(evaluations, many=True).data)

    @extend_schema(summary="目標ごとに評価を記録", operation_id="support_plan_evaluate", request=PlanEvaluationInput,
                   responses={201: PlanEvaluationOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        plan = selectors.plan_check_for_user(user=user, pk=pk)
        data = _valid(PlanEvaluationInput(data=request.data))
        evaluation = follow_up.evaluation_record(user=user, plan=plan, data=data.to_input(), request=request._request)
        return Response(PlanEvaluationOutput(evaluation).data, status=201)


class ProgressDetailApi(ApiView):
    @extend_schema(summary="モニタリングの記録", operation_id="plan_progress_retrieve", responses=ProgressOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        record = selectors.progress_get_for_user(user=user, pk=pk, request=request._request).record
        return Response(ProgressOutput(record).data)


class EvaluationDetailApi(ApiView):
    @extend_schema(summary="支援プランの評価", operation_id="plan_evaluation_retrieve", responses=PlanEvaluationOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        record = selectors.evaluation_get_for_user(user=user, pk=pk, request=request._request).record
        return Response(PlanEvaluationOutput(record).data)


class RoleListApi(ApiView):
    @extend_schema(
        summary="自機関の役割分担（期間の終わりが近い順）", operation_id="support_plan_roles",
        parameters=[OpenApiParameter("overdue", bool, description="期間を過ぎたものだけ")],
        responses=RoleOutput(many=True),
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        overdue = flag_param(request, "overdue")
        rows = selectors.actions_for_organization(user=user, request=request._request, overdue_only=overdue)
        return Response(RoleOutput(rows.page_slice(0, 200)[:200], many=True).data)
