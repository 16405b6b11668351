"""The API of 包括的相談支援: consultations (the inbox and the intake), referrals (つなぎ) and progress records,
through the same selectors and services as the pages (docs/api.md).

Every view fetches through ``tsunagu.consultations.selectors`` or ``tsunagu.people.selectors`` (404 outside
the caller's scope), calls one service, and answers with its output serializer. Lists are paged by keyset
over the selectors' audited rows, so what is returned is what is audited. The intake's print stays a page.
"""

from __future__ import annotations

from typing import Any, TypeVar

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tsunagu.access import selectors as access
from tsunagu.access.models import Consent
from tsunagu.api.pagination import keyset_page, paginated
from tsunagu.api.views import ApiView
from tsunagu.consultations import selectors, services
from tsunagu.consultations.forms import ConsultationFilterForm, program_menu
from tsunagu.consultations.models import (
    CaseNote,
    ConsentVariant,
    ConsultationIssue,
    Counterpart,
    Means,
    Outcome,
    ReferralBasis,
    ReferralStatus,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.core.models import Organization, User
from tsunagu.people import selectors as people
from tsunagu.people.api import GroundsOutput, PersonSummaryOutput, casework_user
from tsunagu.people.models import Household
from tsunagu.plans.api import NamedOutput
from tsunagu.plans.models import Domain, Program
from tsunagu.plans.selectors import organization_list_for_user

MAX_ID = 2**63 - 1
CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="前のページの next が示すカーソル"),
    OpenApiParameter("page_size", int, description="1〜200（既定 50）"),
]


# --- Output ----------------------------------------------------------------------------------------


class ProgramRefOutput(NamedOutput):
    code = serializers.CharField()


class IssueOutput(NamedOutput):
    code = serializers.CharField()


class PersonRefOutput(PersonSummaryOutput):
    full_name = serializers.CharField()


class ConsultationSummaryOutput(serializers.Serializer):
    """A row of the inbox: only what the list's selector fetches in its one query."""

    id = serializers.IntegerField()
    organization = NamedOutput(help_text="受付機関")
    program = ProgramRefOutput()
    received_at = serializers.DateTimeField()
    staff = serializers.CharField(help_text="受付者")
    route = serializers.ChoiceField(choices=Route.choices)
    person = PersonRefOutput(allow_null=True)
    household_id = serializers.IntegerField(allow_null=True)
    is_anonymous = serializers.BooleanField()
    anonymous_description = serializers.CharField()
    consent_variant = serializers.ChoiceField(choices=ConsentVariant.choices)
    main_issue = IssueOutput(help_text="最も困っていること（◎）")
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=Domain.choices))


class ConsultationOutput(ConsultationSummaryOutput):
    consent_id = serializers.IntegerField(allow_null=True)
    visitor = serializers.ChoiceField(choices=Visitor.choices)
    visitor_name = serializers.CharField()
    visitor_relationship = serializers.CharField()
    visitor_phone = serializers.CharField()
    issues = IssueOutput(many=True)
    issue_note = serializers.CharField()
    words = serializers.CharField(help_text="相談の内容（本人の言葉）")
    wishes = serializers.CharField()
    outcome_note = serializers.CharField()


class ConsultationReferralOutput(serializers.Serializer):
    """A referral as the consultation shows it (the sender and the person are the consultation's)."""

    id = serializers.IntegerField()
    to_organization = NamedOutput()
    to_program = ProgramRefOutput(allow_null=True)
    to_meeting = serializers.BooleanField()
    basis = serializers.ChoiceField(choices=ReferralBasis.choices)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    sent_at = serializers.DateTimeField()


class ConsultationDetailOutput(ConsultationOutput):
    """The consultation with the referrals the caller may read (given by the view, audited as shown) and
    the grounds of the read."""

    referrals = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()

    @extend_schema_field(ConsultationReferralOutput(many=True))
    def get_referrals(self, consultation: Any) -> Any:
        return ConsultationReferralOutput(self.context["referrals"], many=True).data

    @extend_schema_field(GroundsOutput)
    def get_access(self, consultation: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class ReferralOutput(serializers.Serializer):
    id = serializers.IntegerField()
    consultation_id = serializers.IntegerField()
    person = PersonRefOutput(allow_null=True)
    anonymous_description = serializers.CharField(source="consultation.anonymous_description")
    household_id = serializers.IntegerField(allow_null=True)
    from_organization = NamedOutput()
    to_organization = NamedOutput()
    to_program = ProgramRefOutput(allow_null=True)
    to_meeting = serializers.BooleanField()
    reason = serializers.CharField()
    shared_information = serializers.CharField()
    basis = serializers.ChoiceField(choices=ReferralBasis.choices)
    consent_id = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    sent_by = serializers.CharField()
    sent_at = serializers.DateTimeField()
    responded_by = serializers.CharField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()


class ReferralDetailOutput(ReferralOutput):
    access = serializers.SerializerMethodField()

    @extend_schema_field(GroundsOutput)
    def get_access(self, referral: Any) -> Any:
        return GroundsOutput(self.context["grounds"]).data


class OpenReferralOutput(serializers.Serializer):
    """A referral not yet accepted, as every casework user sees it: the person only where readable."""

    id = serializers.IntegerField()
    from_organization = NamedOutput()
    to_organization = NamedOutput()
    sent_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    readable = serializers.BooleanField(help_text="閲覧権限があるか（ない場合、対象の方は示しません）")
    person = serializers.SerializerMethodField()

    @extend_schema_field(PersonRefOutput(allow_null=True))
    def get_person(self, referral: Any) -> Any:
        return PersonRefOutput(referral.person).data if referral.readable and referral.person else None


class CaseNoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organization = NamedOutput()
    person_id = serializers.IntegerField(allow_null=True)
    household_id = serializers.IntegerField(allow_null=True)
    consultation_id = serializers.IntegerField(allow_null=True)
    occurred_at = serializers.DateTimeField()
    means = serializers.ChoiceField(choices=Means.choices)
    counterpart = serializers.ChoiceField(choices=Counterpart.choices)
    counterpart_detail = serializers.CharField()
    content = serializers.CharField()
    next_step = serializers.CharField()
    next_step_on = serializers.DateField(allow_null=True)
    staff = serializers.CharField()


class ConsultationPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ConsultationSummaryOutput(many=True)


class OpenReferralPage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = OpenReferralOutput(many=True)


class CaseNotePage(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CaseNoteOutput(many=True)


# --- Input -----------------------------------------------------------------------------------------


def _choices(field: serializers.Field, queryset: Any) -> None:
    """Limit a relation to what the caller may choose, as the page's form does."""
    relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
    relation.queryset = queryset


class IntakeSubjectInput(serializers.Serializer):
    person = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="対象の方（匿名の相談では省略）"
    )


class ConsultationCreateInput(IntakeSubjectInput):
    """相談受付・申込票. The choices are the caller's (the current plan's programmes, the municipality's
    相談内容, the person's households and consents); the rules are the service's."""

    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.none())
    received_at = serializers.DateTimeField(help_text="受付日時（ISO 8601）")
    route = serializers.ChoiceField(choices=Route.choices)
    visitor = serializers.ChoiceField(choices=Visitor.choices, default=Visitor.PERSON)
    visitor_name = serializers.CharField(max_length=100, default="", allow_blank=True)
    visitor_relationship = serializers.CharField(max_length=50, default="", allow_blank=True)
    visitor_phone = serializers.CharField(max_length=20, default="", allow_blank=True)
    is_anonymous = serializers.BooleanField(default=False)
    anonymous_description = serializers.CharField(max_length=100, default="", allow_blank=True)
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(), required=False, allow_null=True, default=None
    )
    consent_variant = serializers.ChoiceField(choices=ConsentVariant.choices, help_text="様式")
    consent = serializers.PrimaryKeyRelatedField(
        queryset=Consent.objects.none(), required=False, allow_null=True, default=None,
        help_text="本人同意あり: 本人同意の記録（先に /people/{id}/consents/ で記録します）",
    )  # fmt: skip
    issues = serializers.PrimaryKeyRelatedField(many=True, queryset=ConsultationIssue.objects.none())
    main_issue = serializers.PrimaryKeyRelatedField(queryset=ConsultationIssue.objects.none())
    issue_note = serializers.CharField(max_length=200, default="", allow_blank=True)
    words = serializers.CharField(default="", allow_blank=True)
    wishes = serializers.CharField(default="", allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_note = serializers.CharField(default="", allow_blank=True)

    def __init__(self, *args: Any, user: User | None = None, person_view: people.PersonView | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if user is None:  # the schema's instance
            return
        issues = selectors.issue_list_for_user(user=user)
        _choices(self.fields["program"], program_menu(user))
        _choices(self.fields["issues"], issues)
        _choices(self.fields["main_issue"], issues)
        if person_view is not None:
            person = person_view.person
            memberships = people.households_of_person(user=user, person=person)
            _choices(self.fields["household"], Household.objects.filter(pk__in=[m.household_id for m in memberships]))
            _choices(self.fields["consent"], access.consents_of_person(person_id=person.pk))

    def to_input(self, person_view: people.PersonView | None) -> services.ConsultationInput:
        data = self.validated_data
        return services.ConsultationInput(
            program=data["program"], received_at=data["received_at"], route=Route(data["route"]),
            consent_variant=ConsentVariant(data["consent_variant"]), issues=list(data["issues"]),
            main_issue=data["main_issue"], outcome=Outcome(data["outcome"]),
            person=person_view.person if person_view else None,
            person_decision=person_view.decision if person_view else None,
            # The choices are the person's own households, which the page treats as visible.
            household=data["household"], household_visible=data["household"] is not None,
            is_anonymous=data["is_anonymous"], anonymous_description=data["anonymous_description"],
            consent=data["consent"], visitor=Visitor(data["visitor"]), visitor_name=data["visitor_name"],
            visitor_relationship=data["visitor_relationship"], visitor_phone=data["visitor_phone"],
            issue_note=data["issue_note"], words=data["words"], wishes=data["wishes"],
            urgency=Urgency(data["urgency"]), outcome_note=data["outcome_note"],
        )  # fmt: skip


class ReferralInputSerializer(serializers.Serializer):
    to_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.none(), required=False, allow_null=True, default=None,
        help_text="つなぎ先（支援会議での検討の依頼では省略: 所管の機関が選ばれます）",
    )  # fmt: skip
    to_program = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.none(), required=False, allow_null=True, default=None
    )
    to_meeting = serializers.BooleanField(default=False, help_text="支援会議（法第106条の6）での検討を依頼する")
    basis = serializers.ChoiceField(choices=ReferralBasis.choices, help_text="情報共有の根拠")
    reason = serializers.CharField(allow_blank=True)
    shared_information = serializers.CharField(allow_blank=True, help_text="共有する情報（必要最小限）")
    due_on = serializers.DateField(help_text="回答期限")

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            _choices(self.fields["to_organization"], organization_list_for_user(user=user))
            _choices(self.fields["to_program"], program_menu(user))

    def to_input(self) -> services.ReferralInput:
        data = self.validated_data
        return services.ReferralInput(
            to_organization=data["to_organization"], to_program=data["to_program"], to_meeting=data["to_meeting"],
            reason=data["reason"], shared_information=data["shared_information"],
            basis=ReferralBasis(data["basis"]), due_on=data["due_on"],
        )  # fmt: skip


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(help_text="辞退の理由（つないだ機関に伝わります）")


class CaseNoteInputSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField(help_text="日時（ISO 8601）")
    means = serializers.ChoiceField(choices=Means.choices)
    counterpart = serializers.ChoiceField(choices=Counterpart.choices)
    counterpart_detail = serializers.CharField(max_length=100, default="", allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    next_step = serializers.CharField(max_length=200, default="", allow_blank=True)
    next_step_on = serializers.DateField(required=False, allow_null=True, default=None)

    def to_input(self) -> services.CaseNoteInput:
        data = self.validated_data
        return services.CaseNoteInput(
            occurred_at=data["occurred_at"], means=Means(data["means"]), counterpart=Counterpart(data["counterpart"]),
            content=data["content"], counterpart_detail=data["counterpart_detail"], next_step=data["next_step"],
            next_step_on=data["next_step_on"],
        )  # fmt: skip


S = TypeVar("S", bound=serializers.Serializer)


def _valid(serializer: S) -> S:
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Consultations ---------------------------------------------------------------------------------


class ConsultationListApi(ApiView):
    @extend_schema(
        summary="受け付けた相談の一覧（相談・つなぎの画面と同じ絞り込み）", operation_id="consultation_list",
        parameters=[
            OpenApiParameter("program", int, description="事業"),
            OpenApiParameter("domain", str, enum=Domain.values, description="分野"),
            OpenApiParameter("issue", int, description="相談内容"),
            OpenApiParameter("district", int, description="地区（DV等支援措置の方は該当しません）"),
            OpenApiParameter("staff", int, description="受付者"),
            OpenApiParameter("date_from", str, description="期間（から）ISO 8601"),
            OpenApiParameter("date_to", str, description="期間（まで）ISO 8601"),
            OpenApiParameter("sort", str, enum=list(selectors.SORTS), description="並び順（既定 -received_at）"),
            *CURSOR_PARAMETERS,
        ],
        responses=ConsultationPage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        user = casework_user(request)
        form = ConsultationFilterForm(
            request.query_params, user=user, programs=program_menu(user),
            issues=selectors.issue_list_for_user(user=user),
        )  # fmt: skip
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        listed = selectors.consultation_list_for_user(user=user, filters=form.to_filters(), request=request._request)
        page = keyset_page(request, listed.rows, listed.ordering, listed.over)
        return Response(paginated(request, page, ConsultationSummaryOutput(page.rows, many=True).data))

    @extend_schema(
        summary="相談を受け付ける（本人同意あり・なし、匿名）", operation_id="consultation_create",
        request=ConsultationCreateInput, responses={201: ConsultationOutput},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        user = casework_user(request)
        person_id = _valid(IntakeSubjectInput(data=request.data)).validated_data.get("person")
        # The person first: outside the caller's scope is 404, whatever else the request says.
        person_view = people.person_check_for_user(user=user, pk=person_id) if person_id else None
        data = _valid(ConsultationCreateInput(data=request.data, user=user, person_view=person_view))
        consultation = services.consultation_record(
            user=user, data=data.to_input(person_view), request=request._request
        )
        return Response(ConsultationOutput(consultation).data, status=201)


class ConsultationDetailApi(ApiView):
    @extend_schema(summary="相談受付の記録", operation_id="consultation_retrieve", responses=ConsultationDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        view = selectors.consultation_get_for_user(user=user, pk=pk, request=request._request)
        referrals = selectors.referrals_of_consultation(user=user, consultation=view.record, request=request._request)
        context = {"referrals": referrals, "grounds": view.grounds}
        return Response(ConsultationDetailOutput(view.record, context=context).data)


# --- Referrals -------------------------------------------------------------------------------------


class ReferralSendApi(ApiView):
    @extend_schema(
        summary="相談を他機関・支援会議へつなぐ", operation_id="referral_create",
        request=ReferralInputSerializer, responses={201: ReferralOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        consultation = selectors.consultation_check_for_user(user=user, pk=pk)
        data = _valid(ReferralInputSerializer(data=request.data, user=user))
        referral = services.referral_send(
            user=user, consultation=consultation, data=data.to_input(), request=request._request
        )
        return Response(ReferralOutput(referral).data, status=201)


class ReferralDetailApi(ApiView):
    @extend_schema(summary="つなぎ", operation_id="referral_retrieve", responses=ReferralDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        view = selectors.referral_get_for_user(user=casework_user(request), pk=pk, request=request._request)
        return Response(ReferralDetailOutput(view.record, context={"grounds": view.grounds}).data)


class ReferralAcceptApi(ApiView):
    @extend_schema(
        summary="つなぎを受理する（つなぎ先の機関）", operation_id="referral_accept", request=None,
        responses=ReferralOutput,
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        referral = selectors.referral_check_for_user(user=user, pk=pk)
        referral = services.referral_accept(user=user, referral=referral, request=request._request)
        return Response(ReferralOutput(referral).data)


class ReferralDeclineApi(ApiView):
    @extend_schema(
        summary="つなぎを辞退する（理由を添えて）", operation_id="referral_decline", request=DeclineInput,
        responses=ReferralOutput,
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        referral = selectors.referral_check_for_user(user=user, pk=pk)
        reason = _valid(DeclineInput(data=request.data)).validated_data["reason"]
        referral = services.referral_decline(user=user, referral=referral, reason=reason, request=request._request)
        return Response(ReferralOutput(referral).data)


class OpenReferralListApi(ApiView):
    @extend_schema(
        summary="未受理のつなぎ（全機関、古い順）", operation_id="referrals_open", parameters=CURSOR_PARAMETERS,
        responses=OpenReferralPage,
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        listed = selectors.referrals_not_accepted(user=casework_user(request), request=request._request)
        page = keyset_page(request, listed.rows, listed.ordering, listed.over)
        return Response(paginated(request, page, OpenReferralOutput(page.rows, many=True).data))


# --- Progress records ------------------------------------------------------------------------------


class ConsultationNotesApi(ApiView):
    @extend_schema(
        summary="相談の支援経過記録（新しい順）", operation_id="consultation_notes", parameters=CURSOR_PARAMETERS,
        responses=CaseNotePage,
    )  # fmt: skip
    def get(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        consultation = selectors.consultation_get_for_user(user=user, pk=pk, request=request._request).record
        listed = selectors.case_note_list_of_consultation(
            user=user, consultation=consultation, request=request._request
        )
        page = keyset_page(request, listed.rows, listed.ordering, listed.over)
        return Response(paginated(request, page, CaseNoteOutput(page.rows, many=True).data))

    @extend_schema(
        summary="相談の支援経過を記録", operation_id="consultation_note_create", request=CaseNoteInputSerializer,
        responses={201: CaseNoteOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        consultation = selectors.consultation_check_for_user(user=user, pk=pk)
        data = _valid(CaseNoteInputSerializer(data=request.data))
        note = services.case_note_add(
            user=user, data=data.to_input(), person=consultation.person, household=consultation.household,
            consultation=consultation, request=request._request,
        )  # fmt: skip
        return Response(CaseNoteOutput(note).data, status=201)


class PersonNoteAddApi(ApiView):
    @extend_schema(
        summary="本人の支援経過を記録（訪問先のタブレットから）", operation_id="person_note_create",
        request=CaseNoteInputSerializer, responses={201: CaseNoteOutput},
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        user = casework_user(request)
        person = people.person_check_for_user(user=user, pk=pk).person
        data = _valid(CaseNoteInputSerializer(data=request.data))
        note: CaseNote = services.case_note_add(
            user=user, data=data.to_input(), person=person, request=request._request
        )
        return Response(CaseNoteOutput(note).data, status=201)
