"""The one parser of ids, page numbers and posted choices (``tsunagu.core.params``)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.core.models import Organization
from tsunagu.core.params import (
    INVALID_CHOICE,
    MAX_ID,
    MAX_PAGE,
    IdListParam,
    IdParam,
    ModelChoiceField,
    ModelMultipleChoiceField,
    PageParam,
    declared_params,
    parse_id,
)

PERSON = IdParam("person")
ISSUES = IdListParam("issues")
PAGE = PageParam()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("0042", 42), (str(MAX_ID), MAX_ID), (7, 7), (str(MAX_ID + 1), None), (str(2**64), None), ("0", None),
     ("-1", None), ("+1", None), (" 1", None), ("1.0", None), ("²", None), ("٣", None), ("１", None), ("", None),
     ("\x00", None), (None, None), (True, None), ("9" * 400, None)],
)  # fmt: skip
def test_an_id_is_ascii_digits_that_fit_a_bigint(raw, expected):
    assert parse_id(raw) == expected


@settings(max_examples=300)
@given(st.text())
def test_any_text_is_an_id_in_range_or_none(raw):
    value = parse_id(raw)
    assert value is None or (1 <= value <= MAX_ID and raw.isascii() and str(value) == raw.lstrip("0"))


def test_query_parameters_answer_404_unless_they_hold_what_they_declare():
    assert PERSON.get(QueryDict("person=12")) == 12
    assert PERSON.get(QueryDict("person=")) is None and PERSON.get(QueryDict("")) is None
    assert ISSUES.get(QueryDict("issues=3&issues=5&issues=")) == [3, 5]
    assert PAGE.get(QueryDict("")) == 1 and PAGE.get(QueryDict(f"page={MAX_PAGE}")) == MAX_PAGE
    cases: list[tuple[str, IdParam | IdListParam | PageParam]] = [
        ("person=²", PERSON), ("person=-1", PERSON), (f"person={2**64}", PERSON), ("issues=3&issues=٣", ISSUES),
        ("page=0", PAGE), (f"page={MAX_PAGE + 1}", PAGE), ("page=²", PAGE), (f"page={2**63}", PAGE),
    ]  # fmt: skip
    for query, param in cases:
        with pytest.raises(Http404):
            param.get(QueryDict(query))


def test_every_declaration_is_registered_once_with_one_kind():
    names = {p.name: p.kind for p in declared_params()}
    assert names["person"] == "id" and names["issues"] == "ids" and names["page"] == "page"
    with pytest.raises(ValueError, match="declared as id and as page"):
        PageParam("person")


@pytest.mark.django_db
def test_posted_choices_are_checked_before_the_database(kotoura):
    organization = Organization.objects.filter(municipality=kotoura)[0]

    class ChoiceForm(forms.Form):
        one = ModelChoiceField(queryset=Organization.objects.all(), required=False)
        many = ModelMultipleChoiceField(queryset=Organization.objects.all(), required=False)

    good = ChoiceForm({"one": str(organization.pk), "many": [str(organization.pk)]})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["one"] == organization and list(good.cleaned_data["many"]) == [organization]
    for bad in (str(2**64), str(2**63), "٣", "-1", "x", str(MAX_ID)):
        form = ChoiceForm({"one": bad, "many": [str(organization.pk), bad]})
        assert not form.is_valid()
        assert form.errors["one"] == [INVALID_CHOICE] and form.errors["many"] == [INVALID_CHOICE]
    with pytest.raises(ValidationError):
        ModelChoiceField(queryset=Organization.objects.all()).clean("²")
