"""The API of 多機関協働: cases, their transitions, evaluation, participating organisations and assessments,
through the same selectors and services as the pages (docs/api.md, docs/collaboration.md).

Every view fetches through ``tsunagu.collaboration.selectors`` (404 outside the caller's scope), calls one
service and answers with its output serializer; lists are paged by keyset over the selectors' audited rows.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView
from tsunagu.collaboration import assessment_forms, selectors, services
from tsunagu.collaboration.defaults import closure_reasons_ensure
from tsunagu.collaboration.models import CaseState, ClosureReason, EvaluationResult
from tsunagu.consultations import selectors as consultations
from tsunagu.core.models import Organization
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.people.models import Person
from tsunagu.plans.api import NamedOutput

MAX_ID = 2**63 - 1
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]
LIST_ORDER = ("-occurred_at", "-id")


# --- Output ----------------------------------------------------------------------------------------


class ParticipantOutput(serializers.Serializer):
    organization = NamedOutput()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    role_note = serializers.CharField()


class CaseSummaryOutput(serializers.Serializer):
    """A row of the coordinator's list: only what the list's selector fetches."""

    id = serializers.IntegerField()
    organization = NamedOutput(help_text="ケースを受け持つ機関")
    staff = serializers.CharField(help_text="コーディネーター")
    person = PersonSummaryOutput(help_text="本人（主な対象者）")
    household_id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField(help_text="開始日時")
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_since = serializers.DateTimeField()
    next_date = serializers.DateField(allow_null=True)
    lead_organization = NamedOutput(allow_null=True, help_text="主担当機関（終結後に寄り添う機関）")
    participants = ParticipantOutput(many=True)


class CaseOutput(CaseSummaryOutput):
    summary = serializers.CharField()
    referral_id = serializers.IntegerField(allow_null=True)
    consultation_id = serializers.IntegerField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    decision_reference = serializers.CharField()
    evaluation_result = serializers.CharField(help_text="評価の結果（達成・一部達成・未達成、未記録は空）")
    evaluation_note = serializers.CharField()
    evaluated_at = serializers.DateTimeField(allow_null=True)
    closure_reason = NamedOutput(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class CaseDetailOutput(CaseOutput):
    """The case with the members in focus the caller may see (others counted), the next steps open, and the
    grounds of the read."""

    focus_members = serializers.SerializerMethodField()
    hidden_focus_members = serializers.SerializerMethodField()
    next_states = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()

    @extend_schema_field(PersonSummaryOutput(many=True))
    def get_focus_members(self, case: Any) -> Any:
        return PersonSummaryOutput(self.context["focus"], many=True).data

    @extend_schema_field(serializers.IntegerField())
    def get_hidden_focus_members(self, case: Any) -> int:
        return self.context["hidden"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CaseState.choices)))
    def get_next_states(self, case: Any) -> list[str]:
        from tsunagu.collaboration.transitions import targets

        return [to.value for to, _label in targets(CaseState(case.state))]

    @extend_schema_field(GroundsOutput)
    def get_access(self, case: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class TransitionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    staff = serializers.CharField()
    from_state = serializers.CharField(help_text="変更前（開始の記録では空）")
    to_state = serializers.ChoiceField(choices=CaseState.choices)
    is_replan = serializers.BooleanField()
    note = serializers.CharField()


class CasePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CaseSummaryOutput(many=True)


class AssessmentSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    staff = serializers.CharField()
    form_version = serializers.CharField()


class AssessmentPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = AssessmentSummaryOutput(many=True)


class AnswerOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    value = serializers.JSONField(help_text="checks: 選んだ選択肢の配列 / choice・text: 文字列")
    note = serializers.CharField()


class AssessmentDetailOutput(AssessmentSummaryOutput):
    """The assessment in the version it was written in: its answers, labelled by that version's definition."""

    household = serializers.JSONField(source="answers", help_text="世帯の記入内容 {key: {value, note}}")
    members = serializers.SerializerMethodField()
    hidden_members = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.JSONField(), help_text="本人ID → 記入内容"))
    def get_members(self, assessment: Any) -> Any:
        return {str(m.person.pk): m.answers for m in self.context["sheet"].members}

    @extend_schema_field(serializers.IntegerField())
    def get_hidden_members(self, assessment: Any) -> int:
        return self.context["sheet"].hidden_members

    @extend_schema_field(GroundsOutput)
    def get_access(self, assessment: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class FieldDefinitionOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=sorted(assessment_forms.FIELD_TYPES))
    options = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField(help_text="国への報告に必要な項目（必須）")


class SectionDefinitionOutput(serializers.Serializer):
    key = serializers.CharField()
    scope = serializers.ChoiceField(choices=sorted(assessment_forms.SCOPES))
    title = serializers.CharField()
    fields = FieldDefinitionOutput(many=True)


class FormDefinitionOutput(serializers.Serializer):
    version = serializers.CharField()
    name = serializers.CharField()
    sections = SectionDefinitionOutput(many=True)


# --- Input -----------------------------------------------------------------------------------------


def _choices(field: serializers.Field, queryset: Any) -> None:
    relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
    relation.queryset = queryset


class CaseSubjectInput(serializers.Serializer):
    referral = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="受理したつなぎ（省略: 世帯から直接）"
    )
    household = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="世帯（つなぎから開く場合は省略）"
    )


class CaseOpenInput(CaseSubjectInput):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), help_text="本人（主な対象者）")
    focus_members = serializers.PrimaryKeyRelatedField(many=True, queryset=Person.objects.none(), default=list)
    summary = serializers.CharField(default="", allow_blank=True)
    next_date = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, member_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member_ids is not None:
            members = Person.objects.filter(pk__in=member_ids)
            _choices(self.fields["person"], members)
            _choices(self.fields["focus_members"], members)


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseState.choices, help_text="次の状態（detail の next_states）")
    note = serializers.CharField(default="", allow_blank=True)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="支援決定日")
    decision_reference = serializers.CharField(
        max_length=200, default="", allow_blank=True, help_text="支援決定をした重層的支援会議（会議名・開催日）"
    )
    closure_reason = serializers.PrimaryKeyRelatedField(
        queryset=ClosureReason.objects.none(), required=False, allow_null=True, default=None
    )
    lead_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), required=False, allow_null=True, default=None, help_text="主担当機関"
    )
    next_date = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            _choices(self.fields["closure_reason"], ClosureReason.objects.filter(municipality_id=municipality_id,
                                                                                 is_active=True))  # fmt: skip
            _choices(self.fields["lead_organization"], Organization.objects.filter(municipality_id=municipality_id))

    def to_input(self) -> services.TransitionInput:
        data = self.validated_data
        return services.TransitionInput(
            target=CaseState(data["to"]), note=data["note"], decided_on=data["decided_on"],
            decision_reference=data["decision_reference"], closure_reason=data["closure_reason"],
            lead_organization=data["lead_organization"], next_date=data["next_date"],
        )  # fmt: skip


class EvaluationInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    note = serializers.CharField(allow_blank=True)


class ParticipantInput(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none())
    contact_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, default="", allow_blank=True)
    role_note = serializers.CharField(max_length=200, default="", allow_blank=True)

    def __init__(self, *args: Any, municipality_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipality_id is not None:
            _choices(self.fields["organization"], Organization.objects.filter(municipality_id=municipality_id))


class AssessmentInputSerializer(serializers.Serializer):
    household = serializers.DictField(
        child=serializers.JSONField(), help_text="世帯の記入 {key: {value, note}}（様式は assessment-forms）"
    )
    members = serializers.DictField(child=serializers.JSONField(), default=dict, help_text="本人ID → 記入内容")

    def to_input(self) -> services.AssessmentInput:
        data = self.validated_data
        members: dict[int, dict[str, Any]] = {}
        for key, answers in data["members"].items():
            if not (isinstance(key, str) and key.isascii() and key.isdigit()) or not isinstance(answers, dict):
                raise serializers.ValidationError({"members": ["本人IDごとに記入内容を渡してください。"]})
            members[int(key)] = answers
        return services.AssessmentInput(household_answers=dict(data["household"]), member_answers=members)


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Views -----------------------------------------------------------------------------------------


class CaseListApi(ApiView):
    @extend_schema(
        summary="多機関協働ケースの一覧（新しい順）", operation_id="collaboration_case_list",
        parameters=[OpenApiParameter("state", str, enum=CaseState.values, description="状態"), *CURSOR_PARAMETERS],
        responses=CasePage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        state = request.query_params.get("state", "")
        if state and state not in CaseState.values:
            raise serializers.ValidationError({"state": ["状態の値が正しくありません。"]})
        listed = selectors.case_list_for_user(user=user, state=state, request=request._request)
        page = keyset_page(request, listed.rows, LIST_ORDER, listed.over)
        return Response(paginated(request, page, CaseSummaryOutput(page.rows, many=True).data))

    @extend_schema(
        summary="多機関協働ケースを開く（受理したつなぎから、または世帯から）",
        operation_id="collaboration_case_create", request=CaseOpenInput, responses={201: CaseOutput},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        subject = _valid(CaseSubjectInput(data=request.data)).validated_data
        referral = None
        household_id = subject.get("household")
        # The referral and household first: outside the caller's scope is 404, whatever else is sent.
        if subject.get("referral"):
            referral = consultations.referral_check_for_user(user=user, pk=subject["referral"])
            household_id = referral.household_id
        household_view = people.household_check_for_user(user=user, pk=household_id) if household_id else None
        member_ids = [m.member.person_id for m in household_view.visible_members] if household_view else []
        data = _valid(CaseOpenInput(data=request.data, member_ids=member_ids)).validated_data
        case = services.case_open(
            user=user,
            data=services.CaseOpenInput(
                person=data["person"], household=household_view.household if household_view else None,
                focus_members=list(data["focus_members"]), summary=data["summary"], next_date=data["next_date"],
                referral=referral,
            ),
            request=request._request,
        )  # fmt: skip
        return Response(CaseOutput(case).data, status=201)


class CaseDetailApi(ApiView):
    @extend_schema(summary="多機関協働ケース", operation_id="collaboration_case_retrieve", responses=CaseDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.case_get_for_user(user=user, pk=pk, request=request._request)
        focus, hidden = selectors.focus_members_for_user(user=user, case=view.record, request=request._request)
        context = {"focus": focus, "hidden": hidden, "grounds": view.grounds}
        return Response(CaseDetailOutput(view.record, context=context).data)


class CaseTransitionsApi(ApiView):
    @extend_schema(
        summary="多機関協働ケースの状態の経過（古い順）", operation_id="collaboration_case_transitions",
        responses=TransitionOutput(many=True),
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        case = selectors.case_get_for_user(user=user, pk=pk, request=request._request).record
        history = selectors.transitions_of_case(user=user, case=case, request=request._request)
        return Response(TransitionOutput(history, many=True).data)

    @extend_schema(
        summary="多機関協働ケースの状態を進める（支援決定・終結・再プラン・中断など）",
        operation_id="collaboration_case_transition", request=TransitionInputSerializer, responses=CaseOutput,
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        case = selectors.case_check_for_user(user=user, pk=pk)
        closure_reasons_ensure(case.municipality_id)
        data = _valid(TransitionInputSerializer(data=request.data, municipality_id=case.municipality_id))
        case = services.case_transition(user=user, case=case, data=data.to_input(), request=request._request)
        return Response(CaseOutput(case).data)


class CaseEvaluationApi(ApiView):
    @extend_schema(
        summary="多機関協働ケースの評価を記録（「評価」のケース）", operation_id="collaboration_case_evaluate",
        request=EvaluationInput, responses=CaseOutput,
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        case = selectors.case_check_for_user(user=user, pk=pk)
        data = _valid(EvaluationInput(data=request.data)).validated_data
        case = services.case_evaluate(
            user=user, case=case, result=EvaluationResult(data["result"]), note=data["note"], request=request._request
        )
        return Response(CaseOutput(case).data)


class CaseParticipantsApi(ApiView):
    @extend_schema(
        summary="参加機関を加える（本人同意・支援会議の範囲の機関）", operation_id="collaboration_case_participant_add",
        request=ParticipantInput, responses={201: ParticipantOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        case = selectors.case_check_for_user(user=user, pk=pk)
        data = _valid(ParticipantInput(data=request.data, municipality_id=case.municipality_id)).validated_data
        participant = services.case_participant_add(
            user=user, case=case, data=services.ParticipantInput(**data), request=request._request
        )
        return Response(ParticipantOutput(participant).data, status=201)


class CaseAssessmentsApi(ApiView):
    @extend_schema(
        summary="ケースのアセスメント（新しい順）", operation_id="collaboration_case_assessments",
        parameters=CURSOR_PARAMETERS, responses=AssessmentPage,
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        case = selectors.case_get_for_user(user=user, pk=pk, request=request._request).record
        listed = selectors.assessments_of_case(user=user, case=case, request=request._request)
        page = keyset_page(request, listed.rows, listed.ordering, listed.over)
        return Response(paginated(request, page, AssessmentSummaryOutput(page.rows, many=True).data))

    @extend_schema(
        summary="アセスメントを記録（現在の様式の版で）", operation_id="collaboration_assessment_create",
        request=AssessmentInputSerializer, responses={201: AssessmentSummaryOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        case = selectors.case_check_for_user(user=user, pk=pk)
        data = _valid(AssessmentInputSerializer(data=request.data))
        assessment = services.assessment_record(user=user, case=case, data=data.to_input(), request=request._request)
        return Response(AssessmentSummaryOutput(assessment).data, status=201)


class AssessmentDetailApi(ApiView):
    @extend_schema(summary="アセスメント（記入した様式の版のまま）", operation_id="collaboration_assessment_retrieve",
                   responses=AssessmentDetailOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.assessment_get_for_user(user=user, pk=pk, request=request._request)
        sheet = selectors.assessment_sheet(user=user, assessment=view.record, request=request._request)
        context = {"sheet": sheet, "grounds": view.grounds}
        return Response(AssessmentDetailOutput(view.record, context=context).data)


class AssessmentFormListApi(ApiView):
    @extend_schema(
        summary="アセスメント様式の定義（全ての版、古い順）", operation_id="collaboration_assessment_forms",
        responses=FormDefinitionOutput(many=True),
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        casework_user(request)
        forms = [assessment_forms.definition(v) for v in assessment_forms.versions()]
        return Response(FormDefinitionOutput(forms, many=True).data)
