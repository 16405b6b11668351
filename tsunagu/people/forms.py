"""Forms for people and households. They parse and validate input; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import CASEWORK_ROLES
from tsunagu.core.japanese.forms import KanaField, WarekiDateField
from tsunagu.core.models import District, Membership, User
from tsunagu.core.params import ModelChoiceField
from tsunagu.core.versioning import VersionedForm
from tsunagu.people.models import Gender, NameKind, Relationship
from tsunagu.people.services import PersonInput


class PersonSearchForm(forms.Form):
    name = forms.CharField(label=_("氏名またはフリガナ"), required=False, max_length=100)
    birth_date = WarekiDateField(label=_("生年月日"), required=False)
    phone = forms.CharField(label=_("電話番号"), required=False, max_length=20)
    resident_number = forms.CharField(label=_("宛名番号"), required=False, max_length=20)


class PersonForm(forms.Form):
    family_name = forms.CharField(label=_("氏"), max_length=50)
    given_name = forms.CharField(label=_("名"), max_length=50, required=False)
    family_name_kana = KanaField(label=_("氏（フリガナ）"), max_length=100)
    given_name_kana = KanaField(label=_("名（フリガナ）"), max_length=100, required=False)
    birth_date = WarekiDateField(
        label=_("生年月日"), required=False, help_text=_("例: 昭和45年3月1日、S45.3.1、1970-03-01")
    )
    gender = forms.ChoiceField(label=_("性別"), choices=Gender.choices, initial=Gender.UNSTATED)
    gender_note = forms.CharField(label=_("性別（本人の言葉で）"), max_length=50, required=False)
    postal_code = forms.CharField(label=_("郵便番号"), max_length=8, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    district = ModelChoiceField(label=_("地区"), queryset=District.objects.none(), required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)
    phone2 = forms.CharField(label=_("電話番号（予備）"), max_length=20, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    contact_notes = forms.CharField(label=_("連絡上の注意"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    resident_number = forms.CharField(label=_("宛名番号"), max_length=20, required=False)
    is_registered_resident = forms.BooleanField(label=_("住民登録あり"), required=False)
    address_protected = forms.BooleanField(label=_("住所非開示（DV等）"), required=False)
    care_notes = forms.CharField(label=_("配慮事項"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = District.objects.filter(municipality_id=user.municipality_id)

    def to_input(self) -> PersonInput:
        return PersonInput(**{name: self.cleaned_data[name] for name in PersonForm.base_fields})


class PersonEditForm(VersionedForm, PersonForm):
    """Changing a person: the form carries the version it started from, so nobody's change is lost."""


class RegisterPersonForm(PersonForm):
    """Registration asks, when likely duplicates were shown, that the user confirm it is someone new."""

    confirm_new_person = forms.BooleanField(label=_("上の候補とは別の方として登録する"), required=False)


class PersonNameForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=NameKind.choices)
    family_name = forms.CharField(label=_("氏"), max_length=50)
    given_name = forms.CharField(label=_("名"), max_length=50, required=False)
    family_name_kana = KanaField(label=_("氏（フリガナ）"), max_length=100)
    given_name_kana = KanaField(label=_("名（フリガナ）"), max_length=100, required=False)


class AddressViewerForm(forms.Form):
    """Naming a member of staff of the town who may see a protected (DV) location."""

    user = ModelChoiceField(label=_("閲覧を認める職員"), queryset=User.objects.none())
    reason = forms.CharField(label=_("理由"), max_length=200)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        casework = Membership.objects.confirmed().filter(user_id=OuterRef("pk"), role__in=CASEWORK_ROLES)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(municipality_id=user.municipality_id, is_active=True)
            .filter(Exists(casework))
            .order_by("display_name", "username")
        )


class MergeForm(forms.Form):
    reason = forms.CharField(
        label=_("統合の理由（同一人物と判断した根拠）"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class HouseholdForm(forms.Form):
    relationship = forms.ChoiceField(label=_("この方の続柄"), choices=Relationship.choices, initial=Relationship.HEAD)
    resident_household_number = forms.CharField(label=_("世帯番号"), max_length=20, required=False)
    notes = forms.CharField(label=_("世帯の状況"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class HouseholdMemberForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    relationship = forms.ChoiceField(label=_("続柄"), choices=Relationship.choices)
    relationship_note = forms.CharField(label=_("続柄（詳細）"), max_length=30, required=False)
    lives_together = forms.BooleanField(label=_("同居"), required=False, initial=True)
    is_key_person = forms.BooleanField(label=_("キーパーソン"), required=False)
