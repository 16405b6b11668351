from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access.models import ConsentGiver, ConsentMethod
from tsunagu.access.services import EMERGENCY_MAX_HOURS, AccessError, acting_organization
from tsunagu.core.japanese.forms import KanaField, WarekiDateField
from tsunagu.core.models import Organization, User
from tsunagu.core.params import ModelMultipleChoiceField
from tsunagu.core.scans import check_scan, format_size, max_scan_bytes


class ConsentForm(forms.Form):
    all_plan_agencies = forms.BooleanField(label=_("計画のすべての支援関係機関と共有する"), required=False)
    organizations = ModelMultipleChoiceField(
        label=_("共有先の機関"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label=_("利用目的"),
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="支援のための関係機関間での情報共有（重層的支援体制整備事業）",
    )
    method = forms.ChoiceField(label=_("同意の方法"), choices=ConsentMethod.choices)
    given_on = WarekiDateField(label=_("同意日"))
    given_by = forms.ChoiceField(label=_("同意した人"), choices=ConsentGiver.choices, initial=ConsentGiver.SELF)
    representative_name = forms.CharField(label=_("代理人の氏名"), max_length=100, required=False)
    representative_relationship = forms.CharField(label=_("本人との関係"), max_length=50, required=False)
    document = forms.FileField(
        label=_("同意書（スキャン、PDF・画像）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = self.fields["organizations"]
        assert isinstance(organizations, forms.ModelMultipleChoiceField)
        organizations.queryset = Organization.objects.filter(municipality_id=user.municipality_id)
        # The agency taking the consent: the one consent_record will name as its taker.
        try:
            self.taker: Organization | None = acting_organization(user)
        except AccessError:
            self.taker = None
        if not self.is_bound:
            # The national form's wording is sharing *among* the agencies involved, the one that takes the
            # consent included; and a consent is usually recorded the day it is given.
            if self.taker is not None:
                self.initial.setdefault("organizations", [self.taker.pk])
            self.initial.setdefault("given_on", timezone.localdate())
        self.fields["document"].help_text = _("PDF・JPEG・PNG・TIFF、%(limit)sまで。") % {
            "limit": format_size(max_scan_bytes())
        }

    def clean_document(self) -> Any:
        # By content, not by name (tsunagu.core.scans); the service checks again, whoever calls it.
        document = self.cleaned_data.get("document")
        if document:
            check_scan(document)
        return document


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = WarekiDateField(label=_("撤回日"))
    note = forms.CharField(label=_("撤回の内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class EmergencyAccessForm(forms.Form):
    family_name_kana = KanaField(label=_("氏（フリガナ）"), max_length=100, required=False)
    given_name_kana = KanaField(label=_("名（フリガナ）"), max_length=100, required=False)
    birth_date = WarekiDateField(label=_("生年月日"), required=False)
    resident_number = forms.CharField(label=_("宛名番号"), max_length=20, required=False)
    # Checked before any lookup, so that the answer never tells whether someone exists without a reason.
    reason = forms.CharField(
        label=_("緊急に閲覧する理由（生命・身体の危険など）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        error_messages={"min_length": _("緊急に閲覧する理由を具体的に（10文字以上）書いてください。")},
    )
    hours = forms.IntegerField(label=_("閲覧期間（時間）"), min_value=1, max_value=EMERGENCY_MAX_HOURS, initial=24)


class EmergencyReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("判断"),
        choices=[("1", _("妥当と確認")), ("0", _("不適切（閲覧を直ちに終了）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("確認メモ"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
