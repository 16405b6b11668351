"""Forms of the outreach pages: each validates what was typed and builds the service's input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsultationIssue
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import District, Organization, User
from tsunagu.core.params import ModelChoiceField, ModelMultipleChoiceField
from tsunagu.outreach import services, stages
from tsunagu.outreach.models import EndReason, Means, Result, SourceType, Stage, Urgency
from tsunagu.plans.models import Program

DATE = {"allow_future": True, "required": False}


def _districts(municipality_id: int) -> Any:
    return District.objects.filter(municipality_id=municipality_id).order_by("order", "name")


class InformationForm(forms.Form):
    content = forms.CharField(label=_("気になること"), widget=forms.Textarea(attrs={"rows": 3}))
    source_type = forms.ChoiceField(label=_("情報源"), choices=SourceType.choices)
    source_name = forms.CharField(
        label=_("情報提供者の氏名・名称"), max_length=100, required=False,
        help_text=_("アウトリーチを実施する機関の職員だけが見られます。本人や他の機関には示されません。"),
    )  # fmt: skip
    source_contact = forms.CharField(label=_("情報提供者の連絡先"), max_length=100, required=False)
    urgency = forms.ChoiceField(label=_("緊急度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    description = forms.CharField(
        label=_("対象の方の概要（未特定の場合）"), max_length=200, required=False,
        help_text=_("例: 50代男性、一人暮らしの様子"),
    )  # fmt: skip
    address = forms.CharField(label=_("住所・場所"), max_length=200, required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(user.municipality_id)  # type: ignore[attr-defined]

    def to_input(self, *, person: Any = None, household: Any = None) -> services.InformationInput:
        data = self.cleaned_data
        return services.InformationInput(
            content=data["content"], source_type=SourceType(data["source_type"]), urgency=Urgency(data["urgency"]),
            source_name=data["source_name"], source_contact=data["source_contact"], person=person,
            household=household, description=data["description"], address=data["address"], district=data["district"],
        )  # fmt: skip


class TargetForm(forms.Form):
    worry = forms.CharField(label=_("心配なこと"), widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("対象の方の概要（未特定の場合）"), max_length=200, required=False)
    address = forms.CharField(label=_("住所・場所"), max_length=200, required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)
    worker = ModelChoiceField(label=_("担当者"), queryset=User.objects.none(), required=False)
    next_action = forms.CharField(label=_("次の行動"), max_length=200, required=False)
    next_action_on = WarekiDateField(label=_("次の行動の予定日"), **DATE)
    meeting_source = forms.CharField(
        label=_("支援会議での決定（会議名・日付・決定）"), max_length=200, required=False,
        help_text=_("支援会議の決定（アウトリーチの割当）から開くときに記録します。"),
    )  # fmt: skip

    def __init__(self, *args: Any, user: User, organization: Organization | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(user.municipality_id)  # type: ignore[attr-defined]
        staff = User.objects.filter(memberships__organization=organization, is_active=True).distinct()
        self.fields["worker"].queryset = staff.order_by("display_name")  # type: ignore[attr-defined]

    def to_input(self, *, information: list[Any], person: Any = None, household: Any = None) -> services.TargetInput:
        data = self.cleaned_data
        return services.TargetInput(
            worry=data["worry"], worker=data["worker"], information=information, person=person, household=household,
            description=data["description"], address=data["address"], district=data["district"],
            next_action=data["next_action"], next_action_on=data["next_action_on"],
            meeting_source=data["meeting_source"],
        )  # fmt: skip


def _local(on: Any, at: Any) -> datetime:
    return timezone.make_aware(datetime.combine(on, at))


class ContactForm(forms.Form):
    occurred_on = WarekiDateField(label=_("日付"))
    occurred_time = forms.TimeField(label=_("時刻"), widget=forms.TimeInput(attrs={"type": "time"}))
    means = forms.ChoiceField(label=_("方法"), choices=Means.choices)
    result = forms.ChoiceField(label=_("結果"), choices=Result.choices)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    next_step = forms.CharField(label=_("次の行動"), max_length=200, required=False)
    next_step_on = WarekiDateField(label=_("次の行動の予定日"), **DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("occurred_on", now.date())
            self.initial.setdefault("occurred_time", now.strftime("%H:%M"))

    def to_input(self) -> services.ContactInput:
        data = self.cleaned_data
        return services.ContactInput(
            occurred_at=_local(data["occurred_on"], data["occurred_time"]), means=Means(data["means"]),
            result=Result(data["result"]), content=data["content"], next_step=data["next_step"],
            next_step_on=data["next_step_on"],
        )  # fmt: skip


class StageForm(forms.Form):
    to = forms.ChoiceField(label=_("次の段階"), choices=Stage.choices)
    end_reason = forms.ChoiceField(label=_("終了の理由"), choices=[("", "—"), *EndReason.choices], required=False)
    note = forms.CharField(
        label=_("理由・記録"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("段階を飛ばす・戻す・見守り・終了のときは理由が必要です。"),
    )  # fmt: skip

    def __init__(self, *args: Any, stage: Stage | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stage is not None and not self.is_bound:
            choices = [(s.value, s.label) for s in stages.targets(stage)]
            self.fields["to"].choices = choices  # type: ignore[attr-defined]

    def to_input(self) -> services.StageInput:
        data = self.cleaned_data
        return services.StageInput(target=Stage(data["to"]), note=data["note"], end_reason=data["end_reason"])


class PlanForm(forms.Form):
    next_action = forms.CharField(label=_("次の行動"), max_length=200, required=False)
    next_action_on = WarekiDateField(label=_("次の行動の予定日"), **DATE)
    worker = ModelChoiceField(label=_("担当者を替える"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(memberships__organization=organization, is_active=True).distinct()
        self.fields["worker"].queryset = staff.order_by("display_name")  # type: ignore[attr-defined]


class ConnectForm(forms.Form):
    """つなぐ: the consultation and referral are prefilled from the target; the worker chooses where to."""

    program = ModelChoiceField(label=_("つなぎ先の事業"), queryset=Program.objects.none())
    organization = ModelChoiceField(label=_("つなぎ先の機関"), queryset=Organization.objects.none())
    issues = ModelMultipleChoiceField(
        label=_("相談内容"), queryset=ConsultationIssue.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    main_issue = ModelChoiceField(label=_("最も困っていること（◎）"), queryset=ConsultationIssue.objects.none())
    reason = forms.CharField(label=_("つなぐ理由"), widget=forms.Textarea(attrs={"rows": 2}))
    shared_information = forms.CharField(
        label=_("共有する情報（必要最小限）"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = WarekiDateField(label=_("回答期限"), allow_future=True)

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issues_ensure(municipality)
        issues = ConsultationIssue.objects.filter(municipality=municipality, is_active=True).order_by("order", "id")
        self.fields["issues"].queryset = issues  # type: ignore[attr-defined]
        self.fields["main_issue"].queryset = issues  # type: ignore[attr-defined]
        programs = Program.objects.filter(municipality=municipality).order_by("order", "pk")
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        organizations = Organization.objects.filter(municipality=municipality).order_by("order", "name")
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def to_input(self) -> services.ConnectInput:
        data = self.cleaned_data
        return services.ConnectInput(
            program=data["program"], organization=data["organization"], issues=list(data["issues"]),
            main_issue=data["main_issue"], reason=data["reason"], shared_information=data["shared_information"],
            due_on=data["due_on"],
        )  # fmt: skip
