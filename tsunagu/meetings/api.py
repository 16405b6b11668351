"""The API of meetings: meeting types, meetings, members' 守秘義務 acknowledgements, the agenda, decisions and
follow-up tasks — the same selectors and services as the pages (docs/api.md, docs/meetings.md).

Non-members get 404; an agenda item is returned only where ``law`` opens it, its read audited with grounds.
Meeting and task lists name no person; they are paged by keyset like every list.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView
from tsunagu.collaboration.models import ClosureReason, EvaluationResult
from tsunagu.core.models import Organization, User
from tsunagu.meetings import acting, selectors, services
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.plans.api import NamedOutput
from tsunagu.plans.models import DecisionKind, MeetingBasis
from tsunagu.support_plans.models import EvaluationDecision

CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]
MAX_ID = 2**63 - 1


class _Plain:
    """Rows that need no audit (meetings and tasks name no person), in the shape ``keyset_page`` wraps."""

    def __init__(self, rows: Any):
        self.rows = rows

    def page_slice(self, start: int, size: int) -> list[Any]:
        return list(self.rows[start : start + size + 1])


# --- Output ----------------------------------------------------------------------------------------


class MeetingTypeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    legal_basis = serializers.ChoiceField(choices=MeetingBasis.choices)
    convener = NamedOutput()
    consent_required = serializers.BooleanField()
    statutory = serializers.BooleanField(help_text="法令に基づく会議（同意なしで共有、守秘義務の確認が必要）")
    decisions = serializers.ListField(child=serializers.ChoiceField(choices=DecisionKind.choices))
    member_organizations = NamedOutput(many=True, source="member_organizations.all")


class MeetingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    meeting_type = NamedOutput()
    held_at = serializers.DateTimeField()
    place = serializers.CharField()
    convener = NamedOutput()
    chair = serializers.CharField()
    closed_to_public = serializers.BooleanField()
    closed_at = serializers.DateTimeField(allow_null=True, help_text="フォローアップ終了（閲覧権限の取消）")


class MeetingMemberOutput(serializers.Serializer):
    user = serializers.CharField()
    organization = NamedOutput()


class AcknowledgementOutput(serializers.Serializer):
    user = serializers.CharField()
    organization = NamedOutput()
    acknowledged_at = serializers.DateTimeField()


class MeetingTaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    meeting_id = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.CharField()
    organization = NamedOutput()
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


class MeetingPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = MeetingOutput(many=True)


class MeetingTaskPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = MeetingTaskOutput(many=True)


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    content = serializers.CharField()
    assigned_organization = NamedOutput(allow_null=True)
    decided_at = serializers.DateTimeField()
    tasks = MeetingTaskOutput(many=True, source="tasks.all")
    plan_id = serializers.IntegerField(allow_null=True, help_text="支援決定・評価をした支援プランの版")
    evaluation_id = serializers.IntegerField(allow_null=True, help_text="評価が記録したプランの評価")
    transition_ids = serializers.SerializerMethodField(help_text="決定による多機関協働ケースの状態変更")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_transition_ids(self, decision: Any) -> list[int]:
        return [t.pk for t in decision.transitions.all()]


class AgendaItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    person = PersonSummaryOutput()
    case_id = serializers.IntegerField(allow_null=True)
    topic = serializers.CharField()


class AgendaItemDetailOutput(AgendaItemOutput):
    meeting_id = serializers.IntegerField()
    minutes = serializers.CharField()
    decisions = DecisionOutput(many=True, source="decisions.all")


class MeetingDetailOutput(MeetingOutput):
    members = MeetingMemberOutput(many=True, source="members.all")
    acknowledgements = AcknowledgementOutput(many=True, source="acknowledgements.all")
    may_open = serializers.BooleanField(help_text="検討事項を開ける（守秘義務の確認済み・フォローアップ中）")
    agenda = AgendaItemOutput(many=True, help_text="開けるときだけ。開けない検討事項は hidden_items に件数のみ")
    hidden_items = serializers.IntegerField()


# --- Input -----------------------------------------------------------------------------------------


class MeetingInput(serializers.Serializer):
    meeting_type = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    closed_to_public = serializers.BooleanField(default=True)


class AgendaItemInput(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    topic = serializers.CharField(max_length=200)


class MeetingTaskInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="会議の構成員の利用者ID")
    due_on = serializers.DateField()


class GoalEvaluationInput(serializers.Serializer):
    goal = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class MeetingEvaluationInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=EvaluationResult.choices)
    goals = GoalEvaluationInput(many=True, required=False, help_text="決定済みプランのあるケースでは目標ごとに")
    decision = serializers.ChoiceField(
        choices=EvaluationDecision.choices, default=EvaluationDecision.CONTINUE, help_text="今後の方針"
    )


class DecisionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    content = serializers.CharField()
    assigned_organization = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    tasks = MeetingTaskInput(many=True, required=False)
    evaluation = MeetingEvaluationInput(required=False, help_text="評価のとき")
    closure_reason = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="終結のとき")
    lead_organization = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="終結理由が主担当機関を求めるとき"
    )


def _acting_inputs(data: dict[str, Any], municipality_id: int) -> tuple[Any, Any]:
    """The 評価 and 終結 parts of a decision, with the reason and organisation looked up in the town."""
    evaluation = None
    if data.get("evaluation"):
        given = data["evaluation"]
        evaluation = acting.EvaluationInput(
            result=EvaluationResult(given["result"]), next_step=EvaluationDecision(given["decision"]),
            goals={g["goal"]: (EvaluationResult(g["result"]), g["note"]) for g in given.get("goals", [])},
        )  # fmt: skip
    reason = lead = None
    if data.get("closure_reason"):
        reason = ClosureReason.objects.filter(pk=data["closure_reason"], municipality_id=municipality_id,
                                              is_active=True).first()  # fmt: skip
        if reason is None:
            raise _refused("closure_reason", "終結理由を一覧から選んでください。")
    if data.get("lead_organization"):
        lead = Organization.objects.filter(pk=data["lead_organization"], municipality_id=municipality_id).first()
        if lead is None:
            raise _refused("lead_organization", "機関が見つかりません。")
    return evaluation, acting.ClosureInput(reason=reason, lead_organization=lead)


def _valid(serializer: Any) -> Any:
    serializer.is_valid(raise_exception=True)
    return serializer


def _refused(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


# --- Views -----------------------------------------------------------------------------------------


class MeetingTypeListApi(ApiView):
    @extend_schema(summary="会議の種別（計画の設定）", operation_id="meeting_type_list",
                   responses=MeetingTypeOutput(many=True))  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        rows = selectors.meeting_types_for_user(user=user).prefetch_related("member_organizations")
        return Response(MeetingTypeOutput(rows, many=True).data)


class MeetingListApi(ApiView):
    @extend_schema(summary="構成員である会議（新しい順）", operation_id="meeting_list", parameters=CURSOR_PARAMETERS,
                   responses=MeetingPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        page = keyset_page(request, selectors.meeting_list_for_user(user=user), ("-held_at", "-id"), _Plain)
        return Response(paginated(request, page, MeetingOutput(page.rows, many=True).data))

    @extend_schema(summary="会議を登録（議長は登録した職員）", operation_id="meeting_create", request=MeetingInput,
                   responses={201: MeetingOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        data = _valid(MeetingInput(data=request.data)).validated_data
        meeting_type = selectors.meeting_types_for_user(user=user).filter(pk=data["meeting_type"]).first()
        if meeting_type is None:
            raise _refused("meeting_type", "会議の種別が見つかりません。")
        meeting = services.meeting_create(
            user=user, meeting_type=meeting_type, held_at=data["held_at"], place=data["place"],
            closed_to_public=data["closed_to_public"], request=request._request,
        )  # fmt: skip
        return Response(MeetingOutput(meeting).data, status=201)


def _detail(user: User, pk: int, request: Request) -> dict[str, Any]:
    view = selectors.meeting_get_for_user(user=user, pk=pk, request=request._request)
    data = dict(MeetingOutput(view.meeting).data)
    data.update(
        members=MeetingMemberOutput(view.meeting.members.all(), many=True).data,
        acknowledgements=AcknowledgementOutput(view.meeting.acknowledgements.all(), many=True).data,
        may_open=view.may_open, agenda=AgendaItemOutput([v.item for v in view.items], many=True).data,
        hidden_items=view.hidden_items,
    )  # fmt: skip
    return data


class MeetingDetailApi(ApiView):
    @extend_schema(summary="会議（構成員・守秘義務の確認・開ける検討事項）", operation_id="meeting_detail",
                   responses=MeetingDetailOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(casework_user(request), pk, request))


class MeetingAcknowledgementApi(ApiView):
    @extend_schema(summary="守秘義務の確認を記録（本人の分）", operation_id="meeting_acknowledge", request=None,
                   responses={201: AcknowledgementOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        meeting = selectors.meeting_check_for_user(user=user, pk=pk)
        acknowledgement = services.acknowledge(user=user, meeting=meeting, request=request._request)
        return Response(AcknowledgementOutput(acknowledgement).data, status=201)


class MeetingAgendaApi(ApiView):
    @extend_schema(summary="検討事項を追加（本人同意の会議では同意の範囲を確認）", operation_id="meeting_agenda_add",
                   request=AgendaItemInput, responses={201: AgendaItemOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        meeting = selectors.meeting_check_for_user(user=user, pk=pk)
        data = _valid(AgendaItemInput(data=request.data)).validated_data
        try:
            person = people.person_check_for_user(user=user, pk=data["person"]).person
        except Http404 as error:  # an unknown or unseen person is refused on its field, never named
            raise _refused("person", "その番号の方は見つかりません。") from error
        item = services.agenda_item_add(
            user=user, meeting=meeting, request=request._request,
            data=services.AgendaItemInput(person=person, topic=data["topic"]),
        )  # fmt: skip
        return Response(AgendaItemOutput(item).data, status=201)


class AgendaItemDetailApi(ApiView):
    @extend_schema(summary="検討事項（議事録・決定）", operation_id="agenda_item_detail",
                   responses={200: AgendaItemDetailOutput})  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.agenda_item_get_for_user(user=user, pk=pk, request=request._request)
        # The decisions with their tasks and transitions in three queries, however many there are.
        prefetch_related_objects(
            [view.item], Prefetch("decisions", queryset=selectors.decisions_of_item(item=view.item))
        )
        data = dict(AgendaItemDetailOutput(view.item).data)
        data["grounds"] = GroundsOutput(view.grounds).data
        return Response(data)


class AgendaItemDecisionsApi(ApiView):
    @extend_schema(summary="決定を記録（会議の種別が認める事項、タスク付き）", operation_id="agenda_item_decide",
                   request=DecisionInput, responses={201: DecisionOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        item = selectors.agenda_item_check_for_user(user=user, pk=pk).item
        data = _valid(DecisionInput(data=request.data)).validated_data
        organization = None
        if data.get("assigned_organization"):
            organization = Organization.objects.filter(
                pk=data["assigned_organization"], municipality_id=item.municipality_id
            ).first()
            if organization is None:
                raise _refused("assigned_organization", "機関が見つかりません。")
        members = {m.user_id: m.user for m in item.meeting.members.all()}
        tasks = []
        for task in data.get("tasks", []):
            if task["owner"] not in members:
                raise _refused("tasks", "タスクの担当者は会議の構成員から選んでください。")
            tasks.append(services.TaskInput(title=task["title"], owner=members[task["owner"]], due_on=task["due_on"]))
        evaluation, closure = _acting_inputs(data, item.municipality_id)
        decision = services.decision_record(
            user=user, item=item, request=request._request,
            data=services.DecisionInput(kind=data["kind"], content=data["content"], assigned_organization=organization,
                                        tasks=tasks, evaluation=evaluation, closure=closure),
        )  # fmt: skip
        return Response(DecisionOutput(decision).data, status=201)


class TaskListApi(ApiView):
    @extend_schema(summary="私の会議タスク（未完了、期限の近い順）", operation_id="meeting_task_list",
                   parameters=CURSOR_PARAMETERS, responses=MeetingTaskPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        page = keyset_page(request, selectors.tasks_for_user(user=user), ("due_on", "id"), _Plain)
        return Response(paginated(request, page, MeetingTaskOutput(page.rows, many=True).data))


class TaskDoneApi(ApiView):
    @extend_schema(summary="タスクを完了にする", operation_id="meeting_task_done", request=None,
                   responses={200: MeetingTaskOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        task = selectors.task_check_for_user(user=user, pk=pk)
        return Response(MeetingTaskOutput(services.task_complete(user=user, task=task, request=request._request)).data)
