"""Forms for the intake (相談受付・申込票), referrals and progress records. They parse; services decide."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access.models import Consent
from tsunagu.consultations.destinations import program_organizations, referral_organizations
from tsunagu.consultations.models import (
    ConsentVariant,
    ConsultationIssue,
    Counterpart,
    Means,
    Outcome,
    ReferralBasis,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.consultations.selectors import ConsultationFilters
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import District, Organization, User
from tsunagu.core.pages import FilterForm, with_all
from tsunagu.core.params import ModelChoiceField, ModelMultipleChoiceField
from tsunagu.people.models import Household, Person
from tsunagu.people.naming import HouseholdChoiceField
from tsunagu.plans.models import Category, Domain, Program
from tsunagu.plans.selectors import program_list_for_user


def _local_datetime(day: Any, at: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def program_menu(user: User) -> QuerySet[Program]:
    """The plan's programmes for a menu, which shows their names only: without the catalogue's columns
    (its divisions, duties, indicators and implementing bodies are three more queries on every page)."""
    return program_list_for_user(user=user).select_related(None).prefetch_related(None)


def intake_programs(programs: QuerySet[Program]) -> QuerySet[Program]:
    """The programmes a consultation is received under: all but 地域づくり事業, which takes none (it builds
    places and networks in the community; a consultation met there is received by a consultation programme)."""
    return programs.exclude(category=Category.COMMUNITY)


def own_program(programs: Iterable[Program], organization: Organization) -> Program | None:
    """The first programme, in plan order, that ``organization`` runs (who runs a programme: destinations)."""
    for program in programs:
        if program_organizations(program).filter(pk=organization.pk).exists():
            return program
    return None


@dataclass(frozen=True)
class IssueRow:
    """One row of the 相談内容 control: the issue, whether it is ticked, whether it is the ◎ main issue."""

    issue: ConsultationIssue
    ticked: bool
    main: bool


class ConsultationForm(forms.Form):
    """相談受付・申込票. Without a person the consultation is anonymous (its box and description are shown);
    with one the form has no anonymous fields at all, so a person and 匿名 can never both be posted."""

    program = ModelChoiceField(label=_("事業"), queryset=Program.objects.none())
    received_on = WarekiDateField(label=_("受付日"))
    received_time = forms.TimeField(label=_("受付時刻"), widget=forms.TimeInput(attrs={"type": "time"}))
    route = forms.ChoiceField(label=_("相談経路"), choices=Route.choices)
    visitor = forms.ChoiceField(label=_("来談者"), choices=Visitor.choices, initial=Visitor.PERSON)
    visitor_name = forms.CharField(label=_("来談者の氏名"), max_length=100, required=False)
    visitor_relationship = forms.CharField(label=_("来談者の続柄・関係"), max_length=50, required=False)
    visitor_phone = forms.CharField(label=_("来談者の電話番号"), max_length=20, required=False)
    is_anonymous = forms.BooleanField(label=_("匿名の相談（対象の方を特定しない）"), required=False)
    anonymous_description = forms.CharField(label=_("匿名の方の概要（例: 60代男性）"), max_length=100, required=False)
    household = HouseholdChoiceField(label=_("世帯"), required=False)  # named as staff name them (people.naming)
    consent_variant = forms.ChoiceField(label=_("様式"), choices=ConsentVariant.choices, widget=forms.RadioSelect)
    consent = ModelChoiceField(label=_("本人同意"), queryset=Consent.objects.none(), required=False)
    # One control in the page (a row per issue: its tick box and its ◎ radio); two fields here. Neither is
    # required on its own: ◎ ticks its issue, and a single ticked issue is the main one (``clean``).
    issues = ModelMultipleChoiceField(
        label=_("相談内容"), queryset=ConsultationIssue.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip
    main_issue = ModelChoiceField(
        label=_("最も困っていること（◎）"), queryset=ConsultationIssue.objects.none(), widget=forms.RadioSelect,
        required=False,
    )  # fmt: skip
    issue_note = forms.CharField(label=_("その他の内容"), max_length=200, required=False)
    # Sized for what each holds: the person's own words run to several sentences.
    words = forms.CharField(
        label=_("相談の内容（本人の言葉）"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    wishes = forms.CharField(label=_("本人の希望"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    urgency = forms.ChoiceField(label=_("緊急度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    outcome = forms.ChoiceField(label=_("対応"), choices=Outcome.choices)
    outcome_note = forms.CharField(label=_("対応の内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(
        self, *args: Any, user: User, programs: Any, issues: Any, person: Person | None,
        households: list[Household], consents: list[Consent], program: Program | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self._set("program", programs)
        self._set("issues", issues)
        self._set("main_issue", issues)
        self.fields["household"].offer(user=user, households=households, subject=person)  # type: ignore[attr-defined]
        self._set("consent", Consent.objects.filter(pk__in=[c.pk for c in consents]))
        if person is None:
            self.fields["is_anonymous"].initial = True
        else:
            del self.fields["is_anonymous"], self.fields["anonymous_description"]
        if not self.is_bound:
            now = timezone.localtime()
            if program is not None:
                self.initial.setdefault("program", program.pk)
            self.initial.setdefault("received_on", now.date())
            self.initial.setdefault("received_time", now.strftime("%H:%M"))
            self.initial.setdefault(
                "consent_variant", ConsentVariant.WITH_CONSENT if consents else ConsentVariant.WITHOUT_CONSENT
            )
            if consents:
                self.initial.setdefault("consent", consents[0].pk)
            if len(households) == 1:
                self.initial.setdefault("household", households[0].pk)

    def _set(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        ticked = list(data.get("issues") or [])
        main = data.get("main_issue")
        if main is not None and main not in ticked:
            ticked.append(main)  # ◎ on a row ticks that row
        if main is None and len(ticked) == 1 and not self.has_error("main_issue"):
            data["main_issue"] = ticked[0]
        if "issues" in data:
            data["issues"] = ticked
        return data

    def issue_rows(self) -> list[IssueRow]:
        """The rows of the 相談内容 control, as posted (a refused form keeps every tick) or as initially set."""
        ticked = {str(v) for v in self["issues"].value() or []}
        main = str(self["main_issue"].value() or "")
        field = self.fields["issues"]
        assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
        return [IssueRow(i, str(i.pk) in ticked, str(i.pk) == main) for i in field.queryset]

    @property
    def received_at(self) -> datetime:
        return _local_datetime(self.cleaned_data["received_on"], self.cleaned_data["received_time"])


class ConsultationFilterForm(FilterForm):
    program = ModelChoiceField(label=_("事業"), queryset=Program.objects.none(), required=False)
    domain = forms.ChoiceField(label=_("分野"), choices=with_all(Domain.choices), required=False)
    issue = ModelChoiceField(label=_("相談内容"), queryset=ConsultationIssue.objects.none(), required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)
    staff = ModelChoiceField(label=_("受付者"), queryset=User.objects.none(), required=False)
    date_from = WarekiDateField(label=_("期間（から）"), required=False, allow_future=True)
    date_to = WarekiDateField(label=_("期間（まで）"), required=False, allow_future=True)
    sort = forms.ChoiceField(
        label=_("並び順"),
        choices=[("-received_at", _("新しい順")), ("received_at", _("古い順")), ("urgency", _("緊急度順"))],
        required=False,
    )

    def __init__(self, *args: Any, user: User, programs: Any, issues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("program", programs),
            ("issue", issues),
            ("district", District.objects.filter(municipality_id=user.municipality_id)),
            ("staff", User.objects.filter(municipality_id=user.municipality_id, is_active=True).order_by("username")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def to_filters(self) -> ConsultationFilters:
        """The inbox's filters from the valid form (the page and the API parse them alike)."""
        data = self.cleaned_data
        return ConsultationFilters(
            program=data["program"].pk if data["program"] else None,
            domain=data["domain"] or "",
            issue=data["issue"].pk if data["issue"] else None,
            district=data["district"].pk if data["district"] else None,
            staff=data["staff"].pk if data["staff"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            sort=data["sort"] or "-received_at",
        )


class ReferralForm(forms.Form):
    """つなぐ: the organisations offered follow the programme chosen (``destinations``), never the sender.

    What is offered is not what is refused: an organisation of the municipality posted outside the offer
    (a page opened before the programme changed, or a forged post) reaches ``referral_send``, which says
    why it is refused — the rule lives there, for the pages and the API alike.
    """

    to_meeting = forms.BooleanField(label=_("支援会議（法第106条の6）での検討を依頼する"), required=False)
    to_program = ModelChoiceField(label=_("つなぎ先の事業"), queryset=Program.objects.none(), required=False)
    to_organization = ModelChoiceField(label=_("つなぎ先"), queryset=Organization.objects.none(), required=False)
    basis = forms.ChoiceField(label=_("情報共有の根拠"), choices=ReferralBasis.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("つなぐ理由"), widget=forms.Textarea(attrs={"rows": 2}))
    shared_information = forms.CharField(
        label=_("共有する情報（必要最小限）"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = WarekiDateField(label=_("回答期限"), allow_future=True)

    def __init__(self, *args: Any, user: User, programs: Any, sender: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sender = sender
        organizations = self.fields["to_organization"]
        assert isinstance(organizations, forms.ModelChoiceField)
        organizations.queryset = Organization.objects.filter(municipality_id=user.municipality_id)
        program = self.fields["to_program"]
        assert isinstance(program, forms.ModelChoiceField)
        program.queryset = programs
        if not self.is_bound:
            chosen = self.initial.get("to_program")
            self.offer(chosen if isinstance(chosen, Program) else None)

    def offer(self, program: Program | None) -> None:
        """Show the organisations that run ``program`` (any but the sender when none is chosen)."""
        organizations = self.fields["to_organization"]
        assert isinstance(organizations, forms.ModelChoiceField)
        offered = referral_organizations(municipality_id=self.sender.municipality_id, sender=self.sender,
                                         program=program)  # fmt: skip
        organizations.widget.choices = [("", organizations.empty_label), *((o.pk, o.name) for o in offered)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        # A page shown again after a refusal offers what the posted programme offers.
        self.offer(cleaned.get("to_program"))
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("辞退の理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseNoteForm(forms.Form):
    # In the order of the paper 支援経過記録: when and how, then what happened — the record itself, the
    # largest field, across the whole form — then with whom and what comes next.
    occurred_on = WarekiDateField(label=_("日付"))
    occurred_time = forms.TimeField(label=_("時刻"), widget=forms.TimeInput(attrs={"type": "time"}))
    means = forms.ChoiceField(label=_("手段"), choices=Means.choices)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 8}))
    counterpart = forms.ChoiceField(label=_("相手"), choices=Counterpart.choices)
    counterpart_detail = forms.CharField(label=_("相手の詳細（機関名など）"), max_length=100, required=False)
    next_step = forms.CharField(label=_("今後の予定"), max_length=200, required=False)
    next_step_on = WarekiDateField(label=_("予定日"), required=False, allow_future=True)

    WIDE = ("content",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("occurred_on", now.date())
            self.initial.setdefault("occurred_time", now.strftime("%H:%M"))

    def sections(self) -> list[tuple[bool, list[forms.BoundField]]]:
        """The fields in runs for the page (``people/_form_sections.html``): (full width?, fields)."""
        runs: list[tuple[bool, list[forms.BoundField]]] = []
        for field in self:
            wide = field.name in self.WIDE
            if runs and runs[-1][0] == wide and not wide:
                runs[-1][1].append(field)
            else:
                runs.append((wide, [field]))
        return runs

    @property
    def occurred_at(self) -> datetime:
        return _local_datetime(self.cleaned_data["occurred_on"], self.cleaned_data["occurred_time"])
