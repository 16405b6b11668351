"""Administration of the 相談内容 list and the つなぎ先の提案ルール.

Both are the municipality's data, not code: a town words its intake form its own way and knows its own
agencies, so administrators edit them here (the defaults in ``data/`` are only a starting point). They
hold no personal data. Rows are retired (``使用中`` off), never deleted: consultations refer to issues
for years, and a retired rule can be brought back.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.admin import MunicipalityScopedAdmin, site
from tsunagu.consultations.defaults import issues_ensure, routing_rules_ensure
from tsunagu.consultations.models import ConsultationIssue, RoutingRule
from tsunagu.consultations.routing import domain_table, domains_value
from tsunagu.core.models import Organization
from tsunagu.plans.models import Domain, Program
from tsunagu.plans.selectors import plan_current_for_municipality


class _ScopedForm(forms.ModelForm):
    """A form that knows the administrator's municipality, set per request by ``_ScopedFormAdmin``."""

    # 0 matches no municipality: a form used without its admin offers and accepts nothing.
    municipality_id: int = 0

    def clean_code(self) -> str:
        # The unique constraint includes the municipality, which the form leaves out (it is set on save),
        # so Django would not check it: say so here rather than fail on saving.
        code = self.cleaned_data["code"]
        model = self._meta.model
        taken = model._default_manager.filter(municipality_id=self.municipality_id, code=code)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("このコードは既に使われています。"))
        return code


class _ScopedFormAdmin(MunicipalityScopedAdmin):
    """Scoped forms, and the defaults loaded before the administrator first sees or adds a row.

    Without that, a rule added to an empty table would stop the defaults from ever loading (they load
    only where the municipality has none), and the town would route by that one rule alone.
    """

    def defaults_ensure(self, request: HttpRequest) -> None:
        municipality = request.user.municipality  # type: ignore[union-attr]
        issues_ensure(municipality)
        routing_rules_ensure(municipality)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if self.has_view_permission(request):
            self.defaults_ensure(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if self.has_view_permission(request):
            self.defaults_ensure(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # A subclass per request: the municipality is never left on a class other requests share.
        municipality_id = request.user.municipality_id  # type: ignore[union-attr]
        return type(form.__name__, (form,), {"municipality_id": municipality_id})


def _domain_choice(label: Any) -> forms.MultipleChoiceField:
    # Chosen from the fields, not typed as JSON: a mistyped field name would silently count nowhere.
    return forms.MultipleChoiceField(
        label=label, choices=Domain.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


# The age bands of ``domains_by_age`` (data/issues.toml): the fields added for a person of that age.
_BAND_FIELDS = {
    "child": ("child_domains", _("18歳未満の方に加える分野")),
    "adult": ("adult_domains", _("18〜64歳の方に加える分野")),
    "elderly": ("elderly_domains", _("65歳以上の方に加える分野")),
    "unknown": ("unknown_domains", _("年齢が不明な方（匿名を含む）に加える分野")),
}


class ConsultationIssueForm(_ScopedForm):
    domains = _domain_choice(_("関係する分野（どの年齢でも）"))
    child_domains = _domain_choice(_BAND_FIELDS["child"][1])
    adult_domains = _domain_choice(_BAND_FIELDS["adult"][1])
    elderly_domains = _domain_choice(_BAND_FIELDS["elderly"][1])
    unknown_domains = _domain_choice(_BAND_FIELDS["unknown"][1])

    class Meta:
        model = ConsultationIssue
        fields = ("code", "name", "domains", "order", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The stored value is a list or the age table routing.issue_domains reads: shown as one box per band.
        table = domain_table(self.instance.domains)
        self.initial["domains"] = table["all"]
        for band, (name, _label) in _BAND_FIELDS.items():
            self.initial[name] = table[band]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        table = {"all": list(data.get("domains") or [])}
        table.update({band: list(data.get(name) or []) for band, (name, _label) in _BAND_FIELDS.items()})
        data["domains"] = domains_value(table)
        return data


@admin.register(ConsultationIssue, site=site)
class ConsultationIssueAdmin(_ScopedFormAdmin):
    form = ConsultationIssueForm
    list_display = ("order", "name", "code", "domain_labels", "is_active")
    list_display_links = ("name",)
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    ordering = ("order", "id")

    @admin.display(description=_("関係する分野"))
    def domain_labels(self, obj: ConsultationIssue) -> str:
        table = domain_table(obj.domains)
        shown = "・".join(str(Domain(d).label) for d in table["all"])
        by_age = [f"{_BAND_FIELDS[band][1]}: {'・'.join(str(Domain(d).label) for d in table[band])}"
                  for band in _BAND_FIELDS if table[band]]  # fmt: skip
        return "；".join([shown, *by_age]) if by_age else shown

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Reports count by the code and rules refer to it: once used, it stays; the name may change.
        return ("code",) if obj is not None else ()


class RoutingRuleForm(_ScopedForm):
    """The rule form; ``any_issues`` offers the municipality's own 相談内容 items by name."""

    any_issues = forms.MultipleChoiceField(
        label=_("いずれかの相談内容"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RoutingRule
        fields = (
            "code", "name", "order", "any_issues", "min_age", "max_age", "child_under",
            "program", "organizations", "reason", "is_active",
        )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issues = ConsultationIssue.objects.filter(municipality_id=self.municipality_id).order_by("order", "id")
        choices = [(issue.code, issue.name if issue.is_active else f"{issue.name}（使用中止）") for issue in issues]
        cast(forms.MultipleChoiceField, self.fields["any_issues"]).choices = choices

    def clean_organizations(self) -> list[Organization]:
        # A list rather than a queryset: saved the same way, and the audit entry records primary keys.
        return list(self.cleaned_data.get("organizations") or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        min_age, max_age = cleaned.get("min_age"), cleaned.get("max_age")
        if min_age is not None and max_age is not None and min_age > max_age:
            self.add_error("max_age", _("年齢（以下）は年齢（以上）以上にしてください。"))
        conditions = ("any_issues", "min_age", "max_age", "child_under")
        if not any(cleaned.get(name) not in (None, [], "") for name in conditions):
            # Without a condition the rule would be suggested for every consultation.
            raise forms.ValidationError(_("条件（相談内容・年齢・世帯の子）を一つ以上指定してください。"))
        return cleaned


@admin.register(RoutingRule, site=site)
class RoutingRuleAdmin(_ScopedFormAdmin):
    form = RoutingRuleForm
    list_display = ("order", "name", "program", "conditions", "reason", "is_active")
    list_display_links = ("name",)
    list_filter = ("is_active",)
    list_select_related = ("program",)
    search_fields = ("name", "code", "reason")
    ordering = ("order", "id")

    @admin.display(description=_("条件"))
    def conditions(self, obj: RoutingRule) -> str:
        parts = []
        if obj.any_issues:
            parts.append("相談内容: " + "・".join(str(code) for code in obj.any_issues))
        if obj.min_age is not None:
            parts.append(f"{obj.min_age}歳以上")
        if obj.max_age is not None:
            parts.append(f"{obj.max_age}歳以下")
        if obj.child_under is not None:
            parts.append(f"世帯に{obj.child_under}歳未満の子")
        return "／".join(parts)

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> ModelChoiceField:
        if db_field.name == "program":
            # The programmes of the plan in force: those are the ones suggestions are made from.
            plan = plan_current_for_municipality(municipality=request.user.municipality)  # type: ignore[union-attr]
            kwargs["queryset"] = Program.objects.filter(plan=plan).order_by("order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        if db_field.name == "organizations":
            # Only this municipality's organisations: nothing crosses between towns (DESIGN §1).
            municipality_id = request.user.municipality_id  # type: ignore[union-attr]
            kwargs["queryset"] = Organization.objects.filter(municipality_id=municipality_id)
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
