"""The インテーク・アセスメントシート as versioned data: required (national-report) fields are required, a
stored assessment keeps its version and renders with that version's definition after a new one is added."""

import shutil

import pytest
from django.urls import reverse

from tsunagu.collaboration import assessment_forms, services
from tsunagu.collaboration.models import Assessment, CaseState
from tsunagu.collaboration.tests.factories import answers_for, assessment_input, consent_for, move, open_case
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

V2 = """
version = "v2"
name = "インテーク・アセスメントシート（第2版）"

[[sections]]
key = "household"
scope = "household"
title = "世帯の状況（第2版）"

  [[sections.fields]]
  key = "household_form"
  label = "世帯の形（第2版の項目）"
  type = "choice"
  options = ["単身", "複数"]
  required = true

[[sections]]
key = "member"
scope = "member"
title = "本人ごと"

  [[sections.fields]]
  key = "health"
  label = "健康・障害（第2版）"
  type = "checks"
  options = ["通院中"]
  required = true
"""


@pytest.fixture
def case_in_assessment(personas):
    a, coordinator = personas.caseworker_a, personas.coordinator
    person = register(a)
    son = register(a, given_name="一郎", given_name_kana="イチロウ")
    household = household_of(a, (person, Relationship.HEAD), (son, Relationship.CHILD))
    consent_for(a, person, Organization.objects.get(name="福祉あんしん課"))
    case = open_case(coordinator, person, household)
    return move(coordinator, case, CaseState.ASSESSMENT)


def test_the_shipped_definition_marks_the_national_report_fields_required():
    form = assessment_forms.current()
    required = {f.label for scope in ("household", "member") for f in form.fields_of(scope) if f.required}
    assert {"世帯類型", "家族関係", "収入・資産・債務", "健康・障害", "就労", "ひきこもり", "緊急性"} <= required
    assert "課題の整理（複合している課題、優先順位）" in required
    domains = {f.label for f in form.fields_of("household") + form.fields_of("member")}
    for domain in ("住まい", "社会的孤立・地域との関係", "教育・不登校", "日常生活", "法的問題", "権利擁護",
                   "利用中の制度・サービス", "すでに関わっている機関（担当者）", "本人の強み", "リスク"):  # fmt: skip
        assert domain in domains
    family = next(f for f in form.fields_of("household") if f.key == "family")
    assert {"虐待", "DV", "ヤングケアラー", "8050"} <= set(family.options)


def test_required_fields_are_required_and_nothing_is_saved(personas, case_in_assessment):
    case = case_in_assessment
    data = assessment_input(case)
    del data.household_answers["household_type"]
    data.member_answers[case.person_id]["work"] = {"value": [], "note": ""}
    with pytest.raises(services.CollaborationError) as refused:
        services.assessment_record(user=personas.coordinator, case=case, data=data)
    assert any("「世帯類型」は国への報告に必要な項目です" in m for m in refused.value.messages)
    assert any("花子さんの「就労」は国への報告に必要な項目です" in m for m in refused.value.messages)
    assert not Assessment.objects.exists()


def test_an_option_outside_the_list_is_refused(personas, case_in_assessment):
    case = case_in_assessment
    data = assessment_input(case)
    data.household_answers["family"] = {"value": ["8050", "でっちあげ"], "note": ""}
    with pytest.raises(services.CollaborationError, match="選択肢にない値があります: でっちあげ"):
        services.assessment_record(user=personas.coordinator, case=case, data=data)


def test_an_assessment_cannot_be_written_before_the_case_reaches_assessment(personas):
    a = personas.caseworker_a
    person = register(a)
    case = open_case(personas.coordinator, person, household_of(a, (person, Relationship.HEAD)))
    with pytest.raises(services.CollaborationError, match="「アセスメント」に進んでから"):
        services.assessment_record(user=personas.coordinator, case=case, data=assessment_input(case))


def test_the_page_marks_required_fields_and_records_the_sheet(client, personas, case_in_assessment):
    case = case_in_assessment
    client.force_login(personas.coordinator)
    url = reverse("collaboration:assessment-create", args=[case.pk])
    page = client.get(url).content.decode()
    assert "世帯類型" in page and page.count('class="required"') >= 8
    refused = client.post(url, {"h-household_type__value": "単身世帯"}).content.decode()
    assert "「課題の整理（複合している課題、優先順位）」は国への報告に必要な項目です" in refused
    assert not Assessment.objects.exists()
    form = assessment_forms.current()
    posted: dict[str, object] = {}
    for prefix, scope in (("h-", "household"), (f"m{case.person_id}-", "member")):
        for key, answer in answers_for(form.fields_of(scope)).items():
            posted[f"{prefix}{key}__value"] = answer["value"]
            posted[f"{prefix}{key}__note"] = answer["note"]
    response = client.post(url, posted)
    made = Assessment.objects.get()
    assert response["Location"] == reverse("collaboration:assessment-detail", args=[made.pk])
    assert made.form_version == "v1" and made.answers["family"]["value"] == ["虐待"]
    assert made.members.get().answers["withdrawal"]["value"] == "該当しない"


def test_a_v1_record_still_renders_after_v2_is_added(client, personas, case_in_assessment, tmp_path, monkeypatch):
    case = case_in_assessment
    coordinator = personas.coordinator
    old = services.assessment_record(user=coordinator, case=case, data=assessment_input(case))
    shutil.copy(assessment_forms.DATA_DIR / "v1.toml", tmp_path / "v1.toml")
    (tmp_path / "v2.toml").write_text(V2, encoding="utf-8")
    monkeypatch.setattr(assessment_forms, "DATA_DIR", tmp_path)
    assert assessment_forms.versions() == ["v1", "v2"] and assessment_forms.current().version == "v2"

    new = services.assessment_record(user=coordinator, case=case, data=assessment_input(case))
    assert (Assessment.objects.get(pk=old.pk).form_version, new.form_version) == ("v1", "v2")
    assert set(new.answers) == {"household_form"}  # the v2 sheet's fields only

    client.force_login(coordinator)
    old_page = client.get(reverse("collaboration:assessment-detail", args=[old.pk])).content.decode()
    assert '<span id="form-version">v1</span>' in old_page and "世帯類型" in old_page and "第2版" not in old_page
    new_page = client.get(reverse("collaboration:assessment-detail", args=[new.pk])).content.decode()
    assert '<span id="form-version">v2</span>' in new_page and "世帯の形（第2版の項目）" in new_page
    api = client.get(reverse("api:assessment-detail", args=[old.pk])).json()
    assert api["form_version"] == "v1" and api["household"]["household_type"]["value"] == "単身世帯"
    forms = client.get(reverse("api:assessment-form-list")).json()
    assert [f["version"] for f in forms] == ["v1", "v2"]


def test_a_broken_definition_fails_loudly_naming_the_field():
    with pytest.raises(assessment_forms.AssessmentFormError, match="health: options"):
        assessment_forms.parse_definition(V2.replace('options = ["通院中"]', "options = []"), "v2.toml")
    with pytest.raises(assessment_forms.AssessmentFormError, match="ファイル名と同じ"):
        assessment_forms.parse_definition(V2, "v3.toml")


def test_a_hidden_member_is_counted_not_shown(client, personas, case_in_assessment):
    """The son is in focus, but サポートりんくす's consent covers only the mother."""
    case = case_in_assessment
    coordinator = personas.coordinator
    son = case.household.members.exclude(person=case.person).get().person
    consent_for(personas.caseworker_a, son, Organization.objects.get(name="福祉あんしん課"))
    case.focus_members.add(son)
    form = assessment_forms.current()
    data = assessment_input(case)
    data.member_answers[son.pk] = answers_for(form.fields_of("member"))
    made = services.assessment_record(user=coordinator, case=case, data=data)
    consent_for(personas.caseworker_a, case.person, Organization.objects.get(name="相談支援センターサポートりんくす"))
    client.force_login(personas.caseworker_b)
    page = client.get(reverse("collaboration:assessment-detail", args=[made.pk])).content.decode()
    assert "閲覧できない世帯員1名の欄は表示しません" in page and "一郎" not in page
    api = client.get(reverse("api:assessment-detail", args=[made.pk])).json()
    assert api["hidden_members"] == 1 and list(api["members"]) == [str(case.person_id)]
