"""The API of information requests (docs/meetings.md): the requests of an agenda item and asking one (members
who may open the item; the chair or the convener's member asks), a request (members and the asked
organisation), its answer and withdrawal, and the requests to one's organisations — the same selectors and
services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView
from tsunagu.core.models import Organization
from tsunagu.meetings import law
from tsunagu.meetings import selectors as meeting_selectors
from tsunagu.meetings.api import CURSOR_PARAMETERS, MAX_ID, _Plain, _refused, _valid
from tsunagu.meetings.information import selectors, services
from tsunagu.meetings.models import RequestStatus
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.plans.api import NamedOutput


class InformationRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agenda_item_id = serializers.IntegerField()
    organization = NamedOutput()
    requested_on = serializers.DateField()
    requested_by = serializers.CharField()
    content = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    answered_by = serializers.CharField(allow_null=True)


class InformationRequestDetailOutput(InformationRequestOutput):
    person = PersonSummaryOutput(source="agenda_item.person")
    meeting_id = serializers.IntegerField(source="agenda_item.meeting_id")


class InformationRequestReadOutput(InformationRequestDetailOutput):
    """The response: the request, and the grounds on which the reader sees it."""

    grounds = GroundsOutput()


class InformationRequestRowOutput(serializers.Serializer):
    """A row of the list of requests to one's organisations: no person, no content."""

    id = serializers.IntegerField()
    meeting_id = serializers.IntegerField(source="agenda_item.meeting_id")
    meeting_type = serializers.CharField(source="agenda_item.meeting.meeting_type.name")
    organization = NamedOutput()
    requested_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)


class InformationRequestPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = InformationRequestRowOutput(many=True)


class InformationRequestInput(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    content = serializers.CharField(max_length=4000)
    due_on = serializers.DateField()


class InformationAnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


def _detail(view: Any) -> dict[str, Any]:
    data = dict(InformationRequestDetailOutput(view.row).data)
    data["grounds"] = GroundsOutput(view.grounds).data
    return data


class AgendaItemInformationRequestsApi(ApiView):
    @extend_schema(summary="検討事項の資料・情報の提供の求め", operation_id="agenda_item_information_requests",
                   responses=InformationRequestOutput(many=True))  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        item = meeting_selectors.agenda_item_get_for_user(user=user, pk=pk, request=request._request).item
        return Response(InformationRequestOutput(selectors.requests_of_item(item=item), many=True).data)

    @extend_schema(summary="資料・情報の提供を求める（法106条の6第2項、議長または開催機関の構成員）",
                   operation_id="agenda_item_information_request_create", request=InformationRequestInput,
                   responses={201: InformationRequestOutput})  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        item = meeting_selectors.agenda_item_check_for_user(user=user, pk=pk).item
        data = _valid(InformationRequestInput(data=request.data)).validated_data
        organization = Organization.objects.filter(
            pk=data["organization"], municipality_id=item.municipality_id
        ).first()
        if organization is None:
            raise _refused("organization", "機関が見つかりません。")
        row = services.request_create(
            user=user, item=item, request=request._request,
            data=services.RequestInput(organization=organization, content=data["content"], due_on=data["due_on"]),
        )  # fmt: skip
        return Response(InformationRequestOutput(row).data, status=201)


class InformationRequestDetailApi(ApiView):
    @extend_schema(summary="資料・情報の提供の求め（構成員・求められた機関）",
                   operation_id="information_request_detail", responses=InformationRequestReadOutput)  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        return Response(_detail(selectors.request_get_for_user(user=user, pk=pk, request=request._request)))


class InformationRequestAnswerApi(ApiView):
    @extend_schema(summary="求めに回答する（求められた機関の職員）", operation_id="information_request_answer",
                   request=InformationAnswerInput, responses=InformationRequestOutput)  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.request_check_for_user(user=user, pk=pk)
        if not view.is_asked:
            raise _refused("answer", "回答できるのは、求められた機関の職員です。")
        data = _valid(InformationAnswerInput(data=request.data)).validated_data
        row = services.request_answer(user=user, request_row=view.row, answer=data["answer"], request=request._request)
        return Response(InformationRequestOutput(row).data)


class InformationRequestWithdrawApi(ApiView):
    @extend_schema(summary="求めを取り下げる（議長または開催機関の構成員）",
                   operation_id="information_request_withdraw", request=None,
                   responses=InformationRequestOutput)  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.request_check_for_user(user=user, pk=pk)
        if not law.may_ask(user, view.row.agenda_item.meeting):
            raise _refused("status", "取り下げられるのは、会議の議長（または開催機関の構成員）です。")
        row = services.request_withdraw(user=user, request_row=view.row, request=request._request)
        return Response(InformationRequestOutput(row).data)


class InformationRequestListApi(ApiView):
    @extend_schema(summary="自機関への資料・情報の提供の求め（回答待ち、期限の近い順）",
                   operation_id="information_request_list", parameters=CURSOR_PARAMETERS,
                   responses=InformationRequestPage)  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        page = keyset_page(request, selectors.inbox_for_user(user=user), ("due_on", "id"), _Plain)
        return Response(paginated(request, page, InformationRequestRowOutput(page.rows, many=True).data))


API_URLS = [
    (
        "meetings/items/<int:pk>/information-requests/",
        AgendaItemInformationRequestsApi,
        "agenda-item-information-requests",
    ),
    ("meetings/information-requests/", InformationRequestListApi, "information-request-list"),
    ("meetings/information-requests/<int:pk>/", InformationRequestDetailApi, "information-request-detail"),
    ("meetings/information-requests/<int:pk>/answer/", InformationRequestAnswerApi, "information-request-answer"),
    ("meetings/information-requests/<int:pk>/withdraw/", InformationRequestWithdrawApi, "information-request-withdraw"),
]
