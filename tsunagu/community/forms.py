"""Forms of the 地域づくり pages: each validates what was typed and builds the service's input. Counts are
checked by the services (negative, age bands past the total), whose messages land on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.community import services
from tsunagu.community.models import AGE_BANDS, CoordinatorActivity, Partner, Place, PlaceKind, PlatformSector
from tsunagu.community.staff import community_organization_ids, community_programs
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import District, Organization, User
from tsunagu.core.params import ModelChoiceField, ModelMultipleChoiceField
from tsunagu.plans.models import Program


def _count(label: Any, **kwargs: Any) -> forms.IntegerField:
    # No min_value: a negative count reaches the service, whose Japanese message names the field.
    return forms.IntegerField(label=label, required=False, max_value=services.MAX_COUNT, **kwargs)


def _districts(municipality_id: int) -> Any:
    return District.objects.filter(municipality_id=municipality_id).order_by("order", "name")


def _partners(municipality_id: int) -> Any:
    return Partner.objects.filter(municipality_id=municipality_id).order_by("name")


class PlaceForm(forms.Form):
    program = ModelChoiceField(label=_("事業（実施計画）"), queryset=Program.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("種類"), choices=PlaceKind.choices)
    host_organization = ModelChoiceField(label=_("運営する機関"), queryset=Organization.objects.none(), required=False)
    host_name = forms.CharField(label=_("運営する団体（住民団体など）"), max_length=100, required=False,
                                help_text=_("町の機関が運営しない場合に入力します。"))  # fmt: skip
    coordinator = ModelChoiceField(label=_("コーディネーター"), queryset=User.objects.none(), required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)
    address = forms.CharField(label=_("所在地"), max_length=200, required=False)
    schedule = forms.CharField(label=_("開催日・時間"), max_length=200, required=False,
                               help_text=_("例: 毎週水曜 10:00〜12:00"))  # fmt: skip
    description = forms.CharField(label=_("活動内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    opened_on = WarekiDateField(label=_("開設日"), allow_future=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = user.municipality_id
        self.fields["program"].queryset = community_programs(town)  # type: ignore[attr-defined]
        self.fields["host_organization"].queryset = Organization.objects.filter(municipality_id=town)  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            municipality_id=town, is_active=True, memberships__organization_id__in=community_organization_ids(town)
        ).distinct().order_by("display_name")  # fmt: skip
        self.fields["district"].queryset = _districts(town)  # type: ignore[attr-defined]

    def to_input(self) -> services.PlaceInput:
        d = self.cleaned_data
        return services.PlaceInput(
            program=d["program"], name=d["name"], kind=PlaceKind(d["kind"]), opened_on=d["opened_on"],
            host_organization=d["host_organization"], host_name=d["host_name"], coordinator=d["coordinator"],
            district=d["district"], address=d["address"], schedule=d["schedule"], description=d["description"],
        )  # fmt: skip


class SessionForm(forms.Form):
    held_on = WarekiDateField(label=_("開催日"))
    title = forms.CharField(label=_("内容"), max_length=200)
    participants = forms.IntegerField(label=_("参加者数"), help_text=_("名前は要りません。人数だけを入力します。"),
                                      max_value=services.MAX_COUNT, required=False)  # fmt: skip
    volunteers = _count(_("ボランティア数"), initial=0)
    partners = ModelMultipleChoiceField(label=_("参加機関"), queryset=Partner.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip
    note = forms.CharField(label=_("記録"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("個人の名前は書かないでください。"))  # fmt: skip

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in AGE_BANDS:
            self.fields[name] = _count(label, help_text=_("分かる場合のみ"))
        self.fields["partners"].queryset = _partners(place.municipality_id)  # type: ignore[attr-defined]

    def age_fields(self) -> list[Any]:
        return [self[name] for name, _label in AGE_BANDS]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("held_on", "title", "participants", "volunteers", "partners", "note")]

    def to_input(self) -> services.SessionInput:
        d = self.cleaned_data
        return services.SessionInput(
            held_on=d["held_on"], title=d["title"], participants=d["participants"], note=d["note"],
            volunteers=d["volunteers"] if d["volunteers"] is not None else 0, partners=list(d["partners"]),
            ages={name: d[name] for name, _label in AGE_BANDS if d.get(name) is not None},
        )  # fmt: skip


class ParticipationForm(forms.Form):
    # The person is picked from the search on the session's page (``PersonPickForm``): among those the user
    # may read only, and checked again through the access core when linked (404 otherwise).
    person = forms.IntegerField(label=_("本人"), min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("様子・メモ"), max_length=200, required=False)


class PersonPickForm(forms.Form):
    name = forms.CharField(label=_("氏名またはフリガナ"), max_length=100, required=False,
                           help_text=_("閲覧できる方だけが見つかります（前方一致）。"))  # fmt: skip


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("団体・機関名"), max_length=100)
    sector = ModelChoiceField(label=_("分野"), queryset=PlatformSector.objects.none(), required=False)
    organization = ModelChoiceField(
        label=_("町の機関（Tsunaguの利用機関の場合）"), queryset=Organization.objects.none(), required=False
    )
    contact = forms.CharField(label=_("連絡先"), max_length=100, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = PlatformSector.objects.filter(municipality_id=user.municipality_id)  # type: ignore[attr-defined]
        self.fields["organization"].queryset = Organization.objects.filter(municipality_id=user.municipality_id)  # type: ignore[attr-defined]

    def to_input(self) -> services.PartnerInput:
        d = self.cleaned_data
        return services.PartnerInput(name=d["name"], sector=d["sector"], organization=d["organization"],
                                     contact=d["contact"])  # fmt: skip


class LogForm(forms.Form):
    worked_on = WarekiDateField(label=_("日付"))
    activity = forms.ChoiceField(label=_("業務の種類"), choices=CoordinatorActivity.choices)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("個人の名前は書かないでください。"))  # fmt: skip
    place = ModelChoiceField(label=_("拠点"), queryset=Place.objects.none(), required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)
    partners = ModelMultipleChoiceField(label=_("関わった機関"), queryset=Partner.objects.none(), required=False,
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = user.municipality_id
        self.fields["place"].queryset = Place.objects.filter(municipality_id=town).order_by("name")  # type: ignore[attr-defined]
        self.fields["district"].queryset = _districts(town)  # type: ignore[attr-defined]
        self.fields["partners"].queryset = _partners(town)  # type: ignore[attr-defined]

    def to_input(self) -> services.LogInput:
        d = self.cleaned_data
        return services.LogInput(worked_on=d["worked_on"], activity=CoordinatorActivity(d["activity"]),
                                 content=d["content"], place=d["place"], district=d["district"],
                                 partners=list(d["partners"]))  # fmt: skip
