"""Forms of 支援プラン: a version's own fields and its type's sections, a goal, a line of 役割分担, the decision,
a progress record and the evaluation per goal. They parse; the services decide."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.access.models import Consent
from tsunagu.collaboration.forms import add_definition_fields, answers_from
from tsunagu.collaboration.models import EvaluationResult
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.japanese.wareki import WarekiError, parse_date
from tsunagu.core.models import Organization
from tsunagu.core.params import ModelChoiceField
from tsunagu.core.versioning import VersionedForm
from tsunagu.support_plans import plan_types, services
from tsunagu.support_plans.models import (
    ActorKind,
    Application,
    EvaluationDecision,
    GoalTerm,
    PlanAction,
    PlanGoal,
    ProgressStatus,
    SupportPlan,
)


class MonitoringDatesField(forms.CharField):
    """Dates one per line (or separated by 、 / ,), in 和暦 or 西暦 as the other date fields take them."""

    def to_python(self, value: Any) -> list[date]:  # type: ignore[override]
        text = super().to_python(value)
        found: list[date] = []
        for part in filter(None, (p.strip() for p in re.split(r"[\n,、，]+", text or ""))):
            try:
                found.append(parse_date(part))
            except WarekiError as error:
                raise forms.ValidationError(f"{part}: {error}", code="invalid") from error
        return found


class PlanForm(VersionedForm):
    wishes = forms.CharField(label=_("本人の思い（本人の言葉で）"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=4000)  # fmt: skip
    family_wishes = forms.CharField(label=_("家族の思い"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                    max_length=4000)  # fmt: skip
    period_start = WarekiDateField(label=_("プランの期間（開始）"), required=False, allow_future=True)
    period_end = WarekiDateField(label=_("プランの期間（終了）"), required=False, allow_future=True)
    monitoring_dates = MonitoringDatesField(
        label=_("モニタリング予定日（1行に1日）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lead_organization = ModelChoiceField(label=_("主担当機関"), queryset=Organization.objects.none(), required=False)
    consent = ModelChoiceField(label=_("この計画の共有に関する本人同意"), queryset=Consent.objects.none(),
                               required=False)  # fmt: skip

    def __init__(self, *args: Any, plan_type: plan_types.PlanType, organizations: QuerySet[Organization],
                 consents: QuerySet[Consent], **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.plan_type = plan_type
        self.fields["version"].required = False  # a new plan has no version yet
        lead: forms.ModelChoiceField = self.fields["lead_organization"]  # type: ignore[assignment]
        lead.queryset = organizations
        consent: forms.ModelChoiceField = self.fields["consent"]  # type: ignore[assignment]
        consent.queryset = consents
        self.sections = [(s, add_definition_fields(self, s.fields, "s-")) for s in plan_type.sections]

    def section_rows(self) -> list[tuple[Any, list[tuple[forms.BoundField, forms.BoundField | None]]]]:
        return [(s, [(self[v], self[n] if n else None) for v, n in names]) for s, names in self.sections]

    def to_input(self) -> services.PlanInput:
        data = self.cleaned_data
        return services.PlanInput(
            wishes=data["wishes"], family_wishes=data["family_wishes"],
            answers=answers_from(data, self.plan_type.fields, "s-"), lead_organization=data["lead_organization"],
            period_start=data["period_start"], period_end=data["period_end"],
            monitoring_dates=data["monitoring_dates"], consent=data["consent"],
        )  # fmt: skip

    @staticmethod
    def initial_of(plan: SupportPlan, dates: list[date]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": plan.version, "wishes": plan.wishes, "family_wishes": plan.family_wishes,
            "period_start": plan.period_start, "period_end": plan.period_end,
            "monitoring_dates": "\n".join(d.isoformat() for d in dates),
            "lead_organization": plan.lead_organization_id, "consent": plan.consent_id,
        }  # fmt: skip
        for key, item in plan.answers.items():
            initial[f"s-{key}__value"] = item.get("value")
            initial[f"s-{key}__note"] = item.get("note", "")
        return initial


class GoalForm(forms.Form):
    term = forms.ChoiceField(label=_("目標の種類"), choices=GoalTerm.choices)
    text = forms.CharField(label=_("目標"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    target_on = WarekiDateField(label=_("達成の目安"), required=False, allow_future=True)


class ActionForm(forms.Form):
    content = forms.CharField(label=_("支援の内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    actor = forms.ChoiceField(label=_("担う人"), choices=ActorKind.choices)
    organization = ModelChoiceField(label=_("担当機関"), queryset=Organization.objects.none(), required=False)
    staff_name = forms.CharField(label=_("担当者"), max_length=100, required=False)
    frequency = forms.CharField(label=_("頻度"), max_length=100, required=False)
    starts_on = WarekiDateField(label=_("期間（開始）"), required=False, allow_future=True)
    ends_on = WarekiDateField(label=_("期間（終了）"), required=False, allow_future=True)
    goal = ModelChoiceField(label=_("目標"), queryset=PlanGoal.objects.none(), required=False)
    application = forms.ChoiceField(label=_("申込み（参加支援・アウトリーチ）"), choices=Application.choices,
                                    required=False)  # fmt: skip

    def __init__(self, *args: Any, plan: SupportPlan, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization: forms.ModelChoiceField = self.fields["organization"]  # type: ignore[assignment]
        organization.queryset = organizations
        goal: forms.ModelChoiceField = self.fields["goal"]  # type: ignore[assignment]
        goal.queryset = PlanGoal.objects.filter(plan=plan)

    def to_input(self) -> services.ActionInput:
        data = self.cleaned_data
        return services.ActionInput(
            content=data["content"], actor=ActorKind(data["actor"]), organization=data["organization"],
            staff_name=data["staff_name"], frequency=data["frequency"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], goal=data["goal"], application=data["application"] or "",
        )  # fmt: skip


class ApproveForm(forms.Form):
    decided_on = WarekiDateField(label=_("決定日"))
    reference = forms.CharField(label=_("決定した場（会議名・開催日など）"), max_length=200)


class ProgressForm(forms.Form):
    action = ModelChoiceField(label=_("役割分担"), queryset=PlanAction.objects.none(), required=False)
    status = forms.ChoiceField(label=_("進み具合"), choices=ProgressStatus.choices)
    note = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args: Any, actions: list[PlanAction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action: forms.ModelChoiceField = self.fields["action"]  # type: ignore[assignment]
        action.queryset = PlanAction.objects.filter(pk__in=[a.pk for a in actions]).order_by("order", "id")


class PlanEvaluationForm(forms.Form):
    """One result and reason per goal (``g<goal id>-``), then the overall result and what follows."""

    result = forms.ChoiceField(label=_("総合評価"), choices=EvaluationResult.choices)
    note = forms.CharField(label=_("評価の内容（本人の状況の変化、目標の達成の様子）"),
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)  # fmt: skip
    decision = forms.ChoiceField(label=_("今後の方針"), choices=EvaluationDecision.choices)

    def __init__(self, *args: Any, goals: list[PlanGoal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"g{goal.pk}-result"] = forms.ChoiceField(label=goal.text, choices=EvaluationResult.choices)
            self.fields[f"g{goal.pk}-note"] = forms.CharField(label=_("評価の理由"), required=False, max_length=4000)

    def goal_rows(self) -> list[tuple[PlanGoal, forms.BoundField, forms.BoundField]]:
        return [(g, self[f"g{g.pk}-result"], self[f"g{g.pk}-note"]) for g in self.goals]

    def to_input(self):
        from tsunagu.support_plans.follow_up import EvaluationInput

        data = self.cleaned_data
        return EvaluationInput(
            goals={g.pk: (EvaluationResult(data[f"g{g.pk}-result"]), data[f"g{g.pk}-note"]) for g in self.goals},
            result=EvaluationResult(data["result"]), note=data["note"], decision=EvaluationDecision(data["decision"]),
        )  # fmt: skip
