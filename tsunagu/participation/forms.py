"""Forms of the 参加支援 pages: each validates what was typed and builds the service's input. The rules (a
capacity below zero, a closed resource, dates) are the services'; the forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import District, User
from tsunagu.core.params import ModelChoiceField
from tsunagu.core.versioning import VersionedForm
from tsunagu.participation import services, states
from tsunagu.participation.defaults import kinds_ensure
from tsunagu.participation.models import (
    WEEKDAYS,
    DevelopmentOutcome,
    EndReason,
    FollowUpAbout,
    Host,
    MatchState,
    Resource,
    ResourceKind,
    Transport,
)

WEEKDAY_CHOICES = [(d, d) for d in WEEKDAYS]


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}))


def _districts(municipality_id: int) -> Any:
    return District.objects.filter(municipality_id=municipality_id).order_by("order", "name")


class HostForm(forms.Form):
    name = forms.CharField(label=_("受け入れ先"), max_length=100)
    sector = forms.CharField(label=_("分野"), max_length=50, help_text=_("例: 農業、観光、福祉、まちづくり"))
    contact_name = forms.CharField(label=_("担当者"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("連絡先"), max_length=50, required=False)
    address = forms.CharField(label=_("所在地"), max_length=200, required=False)

    def to_input(self) -> services.HostInput:
        return services.HostInput(**{name: self.cleaned_data[name] for name in HostForm.base_fields})


class HostEditForm(VersionedForm, HostForm):
    """Changing a host: the form carries the version it was opened at (``edits.host_update``)."""


class ResourceForm(forms.Form):
    host = ModelChoiceField(label=_("受け入れ先"), queryset=Host.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = ModelChoiceField(label=_("種類"), queryset=ResourceKind.objects.none())
    description = forms.CharField(label=_("活動内容"), widget=forms.Textarea(attrs={"rows": 3}))
    sector = forms.CharField(label=_("分野"), max_length=50, required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)
    outside_town = forms.BooleanField(label=_("町外"), required=False)
    address = forms.CharField(label=_("所在地"), max_length=200, required=False)
    min_age = forms.IntegerField(label=_("対象年齢（下限）"), required=False)
    max_age = forms.IntegerField(label=_("対象年齢（上限）"), required=False)
    weekdays = forms.MultipleChoiceField(label=_("曜日"), choices=WEEKDAY_CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    starts_at = _time(_("開始時刻"))
    ends_at = _time(_("終了時刻"))
    cost = forms.CharField(label=_("費用"), max_length=100, required=False)
    free_of_charge = forms.BooleanField(label=_("無料"), required=False, initial=True)
    transport = forms.CharField(label=_("交通"), max_length=200, required=False)
    pickup = forms.BooleanField(label=_("送迎あり"), required=False)
    public_transport = forms.BooleanField(label=_("公共交通で通える"), required=False)
    accessible = forms.BooleanField(label=_("バリアフリー"), required=False)
    staff_support = forms.BooleanField(label=_("支援者が現地にいる"), required=False)
    # Any integer: the service refuses one below zero with its message.
    capacity = forms.IntegerField(label=_("定員"), required=False, help_text=_("定めがなければ空欄"))
    keywords = forms.CharField(label=_("キーワード"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality_id = user.municipality_id
        self.fields["host"].queryset = Host.objects.filter(municipality_id=municipality_id).order_by("name")  # type: ignore[attr-defined]
        self.fields["kind"].queryset = kinds_ensure(municipality_id)  # type: ignore[attr-defined]
        self.fields["district"].queryset = _districts(municipality_id)  # type: ignore[attr-defined]

    def to_input(self) -> services.ResourceInput:
        data = {name: self.cleaned_data[name] for name in ResourceForm.base_fields}
        data["weekdays"] = "".join(d for d in WEEKDAYS if d in data["weekdays"])
        return services.ResourceInput(**data)


class ResourceEditForm(VersionedForm, ResourceForm):
    """Changing a resource: the form carries the version it was opened at (``edits.resource_update``)."""

    @classmethod
    def initial_of(cls, resource: Resource) -> dict[str, Any]:
        initial = {name: getattr(resource, name) for name in ResourceForm.base_fields}
        initial["weekdays"] = list(resource.weekdays)
        initial["version"] = resource.version
        return initial


class DevelopmentForm(forms.Form):
    approached_on = WarekiDateField(label=_("働きかけた日"))
    approached = forms.CharField(label=_("働きかけた先"), max_length=100)
    sector = forms.CharField(label=_("分野"), max_length=50, required=False)
    method = forms.CharField(
        label=_("方法"), max_length=100, required=False, help_text=_("例: 訪問、電話、商工会の会合")
    )
    outcome = forms.ChoiceField(label=_("結果"), choices=DevelopmentOutcome.choices)
    note = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    host = ModelChoiceField(label=_("受け入れ先（登録済みなら）"), queryset=Host.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Host.objects.filter(municipality_id=user.municipality_id).order_by("name")  # type: ignore[attr-defined]
        self.initial.setdefault("approached_on", timezone.localdate())

    def to_input(self) -> services.DevelopmentInput:
        data = dict(self.cleaned_data)
        data["outcome"] = DevelopmentOutcome(data["outcome"])
        return services.DevelopmentInput(**data)


class SupportForm(forms.Form):
    wishes = forms.CharField(label=_("本人の希望"), widget=forms.Textarea(attrs={"rows": 3}))
    can_do = forms.CharField(label=_("できること"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    cannot_do = forms.CharField(label=_("難しいこと"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    interests = forms.CharField(label=_("興味・関心"), max_length=200, required=False, help_text=_("読点・空白区切り"))
    district = ModelChoiceField(label=_("住まいの地区"), queryset=District.objects.none(), required=False)
    weekdays = forms.MultipleChoiceField(label=_("参加できる曜日"), choices=WEEKDAY_CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    available_from = _time(_("参加できる時間（から）"))
    available_until = _time(_("参加できる時間（まで）"))
    transport = forms.ChoiceField(label=_("移動手段"), choices=Transport.choices)
    travel_outside_town = forms.BooleanField(label=_("町外にも通える"), required=False)
    needs_accessibility = forms.BooleanField(label=_("バリアフリーが必要"), required=False)
    needs_staff_support = forms.BooleanField(label=_("現地での支援者が必要"), required=False)
    free_only = forms.BooleanField(label=_("無料のものに限る"), required=False)
    health = forms.CharField(label=_("健康面で配慮すること"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts(user.municipality_id)  # type: ignore[attr-defined]

    def to_input(self, *, person: Any, household: Any, plan_action: Any) -> services.SupportInput:
        data = dict(self.cleaned_data)
        data["weekdays"] = "".join(d for d in WEEKDAYS if d in data["weekdays"])
        data["transport"] = Transport(data["transport"])
        return services.SupportInput(person=person, household=household, plan_action=plan_action, **data)


class ProposeForm(forms.Form):
    resource = ModelChoiceField(label=_("社会資源"), queryset=Resource.objects.none())
    note = forms.CharField(label=_("調整の内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Closed resources too: the service says why one cannot be proposed.
        self.fields["resource"].queryset = Resource.objects.filter(municipality_id=municipality_id)  # type: ignore[attr-defined]


class StateForm(forms.Form):
    to = forms.ChoiceField(label=_("次の状態"), choices=MatchState.choices)
    on = WarekiDateField(label=_("日付"))
    end_reason = forms.ChoiceField(label=_("終了の理由"), choices=[("", "—"), *EndReason.choices], required=False)
    note = forms.CharField(label=_("内容・理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, state: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        if state is not None and not self.is_bound:
            self.fields["to"].choices = [(s.value, s.label) for s in states.targets(state)]  # type: ignore[attr-defined]

    def to_input(self) -> services.StateInput:
        data = self.cleaned_data
        return services.StateInput(to=MatchState(data["to"]), on=data["on"], note=data["note"],
                                   end_reason=data["end_reason"])  # fmt: skip


class FollowUpForm(forms.Form):
    about = forms.ChoiceField(label=_("相手"), choices=FollowUpAbout.choices)
    on = WarekiDateField(label=_("日付"))
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    worries = forms.CharField(label=_("困りごと・心配"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    next_step = forms.CharField(label=_("次の対応"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())

    def to_input(self) -> services.FollowUpInput:
        data = dict(self.cleaned_data)
        data["about"] = FollowUpAbout(data["about"])
        return services.FollowUpInput(**data)


class CloseForm(forms.Form):
    closed_on = WarekiDateField(label=_("終了日"))
    reason = forms.CharField(label=_("終了の理由"), max_length=200)
