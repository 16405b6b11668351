"""Forms of 多機関協働: opening a case, its steps, evaluation, participants, and the assessment sheet built from
its versioned definition. They parse; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tsunagu.collaboration import assessment_forms, services, transitions
from tsunagu.collaboration.models import CaseState, ClosureReason, EvaluationResult
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import Organization
from tsunagu.core.params import ModelChoiceField, ModelMultipleChoiceField
from tsunagu.people.models import Person


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状態"), choices=[("", _("すべて")), *CaseState.choices], required=False)


class CaseOpenForm(forms.Form):
    person = ModelChoiceField(label=_("本人（主な対象者）"), queryset=Person.objects.none())
    focus_members = ModelMultipleChoiceField(
        label=_("ほかに対象となる世帯員"), queryset=Person.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    summary = forms.CharField(label=_("世帯の状況（概要）"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    next_date = WarekiDateField(label=_("次回予定日"), required=False, allow_future=True)

    def __init__(self, *args: Any, members: QuerySet[Person], fixed_person: Person | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        person_field: forms.ModelChoiceField = self.fields["person"]  # type: ignore[assignment]
        person_field.queryset = members.filter(pk=fixed_person.pk) if fixed_person else members
        if fixed_person is not None:
            self.initial.setdefault("person", fixed_person.pk)
        focus_field: forms.ModelMultipleChoiceField = self.fields["focus_members"]  # type: ignore[assignment]
        focus_field.queryset = members


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("次の状態"), choices=CaseState.choices)
    note = forms.CharField(label=_("記録（理由・経過）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decided_on = WarekiDateField(label=_("支援決定日（支援決定のとき）"), required=False)
    decision_reference = forms.CharField(
        label=_("支援決定をした重層的支援会議（会議名・開催日）"), max_length=200, required=False
    )
    closure_reason = ModelChoiceField(
        label=_("終結理由（終結のとき）"), queryset=ClosureReason.objects.none(), required=False
    )
    lead_organization = ModelChoiceField(
        label=_("主担当機関（終結後に寄り添う機関）"), queryset=Organization.objects.none(), required=False
    )
    next_date = WarekiDateField(label=_("次回予定日"), required=False, allow_future=True)

    def __init__(
        self, *args: Any, state: CaseState, reasons: list[ClosureReason], organizations: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        target: forms.ChoiceField = self.fields["target"]  # type: ignore[assignment]
        target.choices = [(to.value, label) for to, label in transitions.targets(state)]
        reason: forms.ModelChoiceField = self.fields["closure_reason"]  # type: ignore[assignment]
        reason.queryset = ClosureReason.objects.filter(pk__in=[r.pk for r in reasons]).order_by("order", "id")
        lead: forms.ModelChoiceField = self.fields["lead_organization"]  # type: ignore[assignment]
        lead.queryset = organizations

    def to_input(self) -> services.TransitionInput:
        data = self.cleaned_data
        return services.TransitionInput(
            target=CaseState(data["target"]), note=data["note"], decided_on=data["decided_on"],
            decision_reference=data["decision_reference"], closure_reason=data["closure_reason"],
            lead_organization=data["lead_organization"], next_date=data["next_date"],
        )  # fmt: skip


class EvaluationForm(forms.Form):
    result = forms.ChoiceField(label=_("評価の結果"), choices=EvaluationResult.choices)
    note = forms.CharField(
        label=_("評価の内容（本人の状況の変化、目標の達成の様子）"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ParticipantForm(forms.Form):
    organization = ModelChoiceField(label=_("参加機関"), queryset=Organization.objects.none())
    contact_name = forms.CharField(label=_("連絡担当者"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("連絡先"), max_length=30, required=False)
    role_note = forms.CharField(label=_("関わり・役割"), max_length=200, required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization: forms.ModelChoiceField = self.fields["organization"]  # type: ignore[assignment]
        organization.queryset = organizations

    def to_input(self) -> services.ParticipantInput:
        data = self.cleaned_data
        return services.ParticipantInput(
            organization=data["organization"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
            role_note=data["role_note"],
        )  # fmt: skip


def _field_name(prefix: str, key: str, part: str) -> str:
    return f"{prefix}{key}__{part}"


def add_definition_fields(
    form: forms.Form, fields: Iterable[assessment_forms.FieldDefinition], prefix: str
) -> list[tuple[str, str]]:
    """Form fields for fields of a definition file (the assessment sheet, a plan type's sections): checks as
    checkboxes with a note, choice as a select, text as a text area; the (value, note) names, in order."""
    names = []
    for f in fields:
        value_name, note_name = _field_name(prefix, f.key, "value"), _field_name(prefix, f.key, "note")
        options = [(o, o) for o in f.options]
        if f.type == "checks":
            form.fields[value_name] = forms.MultipleChoiceField(
                label=f.label, choices=options, required=False, widget=forms.CheckboxSelectMultiple
            )
        elif f.type == "choice":
            form.fields[value_name] = forms.ChoiceField(label=f.label, choices=[("", "—"), *options], required=False)
        else:
            form.fields[value_name] = forms.CharField(
                label=f.label, required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
            )
        form.fields[value_name].definition_required = f.required  # type: ignore[attr-defined]
        if f.type == "checks":
            form.fields[note_name] = forms.CharField(label=_("特記事項"), required=False, max_length=4000)
        names.append((value_name, note_name if f.type == "checks" else ""))
    return names


def answers_from(
    data: dict[str, Any], fields: Iterable[assessment_forms.FieldDefinition], prefix: str
) -> dict[str, Any]:
    """The answers (``{key: {"value", "note"}}``) of the fields ``add_definition_fields`` made."""
    return {
        f.key: {
            "value": data.get(_field_name(prefix, f.key, "value")),
            "note": data.get(_field_name(prefix, f.key, "note"), ""),
        }
        for f in fields
    }


class AssessmentForm(forms.Form):
    """The sheet of one form version: the household's fields once, each member's with the member's prefix
    (``m<person id>-``). Required marks follow the definition; the service checks them too."""

    def __init__(self, *args: Any, definition: assessment_forms.FormDefinition, members: list[Person],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.members = members
        self.household_sections = [(s, self._add(s.fields, "h-")) for s in definition.sections_of("household")]
        self.member_sections = [
            (person, [(s, self._add(s.fields, f"m{person.pk}-")) for s in definition.sections_of("member")])
            for person in members
        ]

    def _rows(self, names: list[tuple[str, str]]) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        return [(self[value], self[note] if note else None) for value, note in names]

    def household_rows(self) -> list[tuple[Any, list[tuple[forms.BoundField, forms.BoundField | None]]]]:
        """For the page: each household section with its (value, note) fields."""
        return [(section, self._rows(names)) for section, names in self.household_sections]

    def member_rows(
        self,
    ) -> list[tuple[Person, list[tuple[Any, list[tuple[forms.BoundField, forms.BoundField | None]]]]]]:
        return [
            (person, [(s, self._rows(names)) for s, names in sections]) for person, sections in self.member_sections
        ]

    def _add(self, fields: tuple[assessment_forms.FieldDefinition, ...], prefix: str) -> list[tuple[str, str]]:
        return add_definition_fields(self, fields, prefix)

    def _answers(self, prefix: str, scope: str) -> dict[str, Any]:
        return answers_from(self.cleaned_data, self.definition.fields_of(scope), prefix)

    def to_input(self) -> services.AssessmentInput:
        return services.AssessmentInput(
            household_answers=self._answers("h-", "household"),
            member_answers={p.pk: self._answers(f"m{p.pk}-", "member") for p in self.members},
        )
