"""Forms of information requests. They parse; ``services`` and ``law`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import Organization
from tsunagu.core.params import ModelChoiceField


class RequestForm(forms.Form):
    organization = ModelChoiceField(label=_("求める先の機関"), queryset=Organization.objects.none())
    content = forms.CharField(label=_("求める資料・情報"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    due_on = WarekiDateField(label=_("回答期限"), allow_future=True)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["organization"]  # type: ignore[assignment]
        field.queryset = Organization.objects.filter(municipality_id=municipality_id).order_by("order", "pk")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("回答"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000)
