"""Forms of meetings. They parse; ``services`` and ``law`` decide."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.collaboration.models import ClosureReason, EvaluationResult
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import Membership, Organization
from tsunagu.core.params import ModelChoiceField
from tsunagu.core.versioning import VersionedForm
from tsunagu.meetings.acting import ClosureInput, EvaluationInput
from tsunagu.meetings.models import Meeting
from tsunagu.plans.models import DecisionKind, MeetingType
from tsunagu.support_plans.models import EvaluationDecision


def _member_label(membership: Any) -> str:
    return f"{membership.user}（{membership.organization.name}）"


class MeetingForm(forms.Form):
    meeting_type = ModelChoiceField(label=_("会議の種別"), queryset=MeetingType.objects.none())
    held_on = WarekiDateField(label=_("開催日"), allow_future=True)
    held_time = forms.TimeField(
        label=_("開始時刻"), initial=time(14, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("場所"), max_length=200)
    closed_to_public = forms.BooleanField(label=_("非公開"), initial=True, required=False)

    def __init__(self, *args: Any, meeting_types: QuerySet[MeetingType], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["meeting_type"]  # type: ignore[assignment]
        field.queryset = meeting_types

    def held_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["held_on"], data["held_time"]))


class MemberForm(forms.Form):
    """A member is a casework membership (a person of staff and the organisation they attend for)."""

    membership = ModelChoiceField(label=_("構成員（職員・機関）"), queryset=Membership.objects.none())

    def __init__(self, *args: Any, memberships: QuerySet[Membership], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["membership"]  # type: ignore[assignment]
        field.queryset = memberships
        field.label_from_instance = _member_label  # type: ignore[method-assign, assignment]


class AgendaItemForm(forms.Form):
    person_id = forms.IntegerField(label=_("本人（記録番号）"), min_value=1, max_value=2**63 - 1)
    case_id = forms.IntegerField(
        label=_("多機関協働ケース（番号・任意）"), min_value=1, max_value=2**63 - 1, required=False
    )
    topic = forms.CharField(label=_("検討事項"), max_length=200)


class MinutesForm(VersionedForm):
    minutes = forms.CharField(label=_("議事録"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("決定事項"), choices=())
    content = forms.CharField(label=_("決定内容"), widget=forms.Textarea(attrs={"rows": 3}))
    assigned_organization = ModelChoiceField(
        label=_("担当機関（アウトリーチ・見守り）"), queryset=Organization.objects.none(), required=False
    )
    task_title = forms.CharField(label=_("フォローアップのタスク"), max_length=200, required=False)
    task_owner = ModelChoiceField(label=_("タスクの担当者"), queryset=Membership.objects.none(), required=False)
    task_due_on = WarekiDateField(label=_("タスクの期限"), allow_future=True, required=False)
    # 評価 and 終結 (``acting``): the case's and plan's services check them.
    evaluation_result = forms.ChoiceField(
        label=_("総合評価（評価）"), choices=[("", "—"), *EvaluationResult.choices], required=False
    )
    evaluation_next = forms.ChoiceField(
        label=_("今後の方針（評価）"), choices=EvaluationDecision.choices, initial=EvaluationDecision.CONTINUE,
        required=False,
    )  # fmt: skip
    closure_reason = ModelChoiceField(
        label=_("終結理由（終結）"), queryset=ClosureReason.objects.none(), required=False
    )
    lead_organization = ModelChoiceField(
        label=_("主担当機関（終結）"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, goals: Sequence[Any] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:  # a case with a decided plan is evaluated goal by goal
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=_("目標の評価: %(goal)s") % {"goal": goal.text[:40]},
                choices=[("", "—"), *EvaluationResult.choices], required=False,
            )  # fmt: skip
        reasons: forms.ModelChoiceField = self.fields["closure_reason"]  # type: ignore[assignment]
        reasons.queryset = ClosureReason.objects.filter(municipality_id=meeting.municipality_id, is_active=True)
        lead: forms.ModelChoiceField = self.fields["lead_organization"]  # type: ignore[assignment]
        lead.queryset = Organization.objects.filter(municipality_id=meeting.municipality_id)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind, DecisionKind(kind).label) for kind in meeting.meeting_type.decisions
        ]
        organization_field: forms.ModelChoiceField = self.fields["assigned_organization"]  # type: ignore[assignment]
        organization_field.queryset = Organization.objects.filter(municipality_id=meeting.municipality_id)
        owner_field: forms.ModelChoiceField = self.fields["task_owner"]  # type: ignore[assignment]
        owner_field.queryset = Membership.objects.filter(
            user_id__in=[m.user_id for m in meeting.members.all()], municipality_id=meeting.municipality_id,
            organization_id__in=[m.organization_id for m in meeting.members.all()],
        ).select_related("user", "organization")  # fmt: skip
        owner_field.label_from_instance = _member_label  # type: ignore[method-assign, assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [bool(data.get("task_title")), bool(data.get("task_owner")), bool(data.get("task_due_on"))]
        if any(given) and not all(given):
            raise forms.ValidationError(_("タスクは内容・担当者・期限をそろえて入力してください。"))
        return data

    def evaluation(self) -> EvaluationInput | None:
        data = self.cleaned_data
        if not data.get("evaluation_result"):
            return None
        goals = {g.pk: (EvaluationResult(data[f"goal_{g.pk}"]), "") for g in self.goals if data.get(f"goal_{g.pk}")}
        return EvaluationInput(
            result=EvaluationResult(data["evaluation_result"]), goals=goals,
            next_step=EvaluationDecision(data.get("evaluation_next") or EvaluationDecision.CONTINUE),
        )  # fmt: skip

    def closure(self) -> ClosureInput:
        data = self.cleaned_data
        return ClosureInput(reason=data.get("closure_reason"), lead_organization=data.get("lead_organization"))
