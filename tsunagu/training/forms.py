"""Forms of training. They parse; ``services`` decides (and checks again, whoever calls it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tsunagu.core.japanese.display import fiscal_year_text
from tsunagu.core.japanese.forms import WarekiDateField
from tsunagu.core.models import Organization, User
from tsunagu.core.versioning import VersionedForm
from tsunagu.training.models import TrainingSession
from tsunagu.training.services import MAX_OTHER_ATTENDEES, MaterialInput, ParticipationInput, SessionInput

OTHERS_PREFIX = "others_"
# Full-width digits and minus signs as a Japanese IME types them; nothing else is read as a digit.
_FULL_WIDTH = {**{0xFF10 + i: str(i) for i in range(10)}, 0xFF0D: "-", 0x2212: "-"}


class CountField(forms.IntegerField):
    """A number of people: full-width digits read as the IME types them (１２); superscripts (²), other
    scripts' digits (٣) and signs other than a leading minus refused, as ``core.params`` refuses them in ids."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            text = value.translate(_FULL_WIDTH).strip()
            digits = text.removeprefix("-")
            if text and not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
                raise ValidationError(_("人数は半角の数字で入力してください。"), code="invalid")
            value = text
        return super().to_python(value)


class SessionForm(VersionedForm):
    """A session and who attended: staff (a membership names the person and their organisation) and, per
    organisation, how many others came (staff without an account, members of a 協議会 …)."""

    held_on = WarekiDateField(label=_("開催日"), allow_future=True)
    theme = forms.CharField(label=_("テーマ"), max_length=200)
    place = forms.CharField(label=_("場所"), max_length=200, required=False)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    # A choice is "user id-organisation id": the person of staff and the organisation they attended for.
    staff = forms.MultipleChoiceField(label=_("参加した職員"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, attendees: list[tuple[User, Organization]], organizations: Iterable[Organization],
                 session: TrainingSession | None = None, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if session is None:
            del self.fields["version"]  # a new session has no version to start from
        self.pairs = {f"{u.pk}-{o.pk}": (u, o) for u, o in attendees}
        staff: forms.MultipleChoiceField = self.fields["staff"]  # type: ignore[assignment]
        staff.choices = [
            (key, f"{u.display_name or u.get_username()}（{o.name}）") for key, (u, o) in self.pairs.items()
        ]
        self.organizations = list(organizations)
        for org in self.organizations:
            self.fields[f"{OTHERS_PREFIX}{org.pk}"] = CountField(
                label=_("%(org)s：その他の参加者数") % {"org": org.name}, required=False,
                min_value=0, max_value=MAX_OTHER_ATTENDEES, widget=forms.NumberInput(attrs={"class": "narrow"}),
            )  # fmt: skip
        if session is not None and not self.is_bound:
            self.initial.update(
                version=session.version, held_on=session.held_on, theme=session.theme, place=session.place,
                description=session.description,
            )  # fmt: skip
            self.initial["staff"] = [
                f"{a.user_id}-{p.organization_id}" for p in session.participations.all() for a in p.attendees.all()
            ]
            for p in session.participations.all():
                if p.other_attendees:
                    self.initial[f"{OTHERS_PREFIX}{p.organization_id}"] = p.other_attendees

    def other_fields(self) -> list[Any]:
        return [self[f"{OTHERS_PREFIX}{org.pk}"] for org in self.organizations]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("held_on", "theme", "place", "description")]

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        staff: dict[int, list[Any]] = {}
        for key in data.get("staff") or []:
            member, organization = self.pairs[key]
            staff.setdefault(organization.pk, []).append(member)
        participations = [
            ParticipationInput(organization=org, other_attendees=data.get(f"{OTHERS_PREFIX}{org.pk}") or 0,
                               staff=staff.get(org.pk, []))
            for org in self.organizations
            if staff.get(org.pk) or data.get(f"{OTHERS_PREFIX}{org.pk}")
        ]  # fmt: skip
        return SessionInput(
            held_on=data["held_on"], theme=data["theme"], place=data.get("place", ""),
            description=data.get("description", ""), participations=participations,
        )  # fmt: skip


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("資料名"), max_length=200)
    url = forms.URLField(label=_("リンク"), max_length=500, required=False, assume_scheme="https")
    description = forms.CharField(label=_("説明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def to_input(self) -> MaterialInput:
        d = self.cleaned_data
        return MaterialInput(title=d["title"], url=d.get("url", ""), description=d.get("description", ""))


class CountsForm(forms.Form):
    """The 年度 of the list and its counts, and optionally a period inside it (the service checks it is)."""

    fy = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    start = WarekiDateField(label=_("期間（開始）"), required=False, allow_future=True)
    end = WarekiDateField(label=_("期間（終了）"), required=False, allow_future=True)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedChoiceField = self.fields["fy"]  # type: ignore[assignment]
        field.choices = [(y, fiscal_year_text(y)) for y in years]
