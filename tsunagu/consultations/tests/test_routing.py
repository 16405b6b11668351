"""つなぎ先の提案, from the side of the caseworker who receives a consultation and of the administrator who
keeps the rules: the right doors are suggested with their reasons, the receiving agency is never sent
to itself, complex cases are flagged for 多機関協働, and the rules are the town's data."""

import logging
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.admin import RoutingRuleForm
from tsunagu.consultations.defaults import (
    ROUTING_FILE,
    DefaultsFileError,
    issues_ensure,
    read_issues_file,
    read_routing_file,
    routing_rules_ensure,
)
from tsunagu.consultations.models import ConsultationIssue, RoutingRule
from tsunagu.consultations.routing import (
    RECEIVING_SUFFIX,
    SPECIFIC_DOMAINS,
    RoutingInput,
    RoutingResult,
    Suggestion,
    age_band,
    consultation_domains,
    domain_table,
    domains_value,
    issue_domains,
    routing_input_for,
    suggest,
)
from tsunagu.core.models import Municipality, Organization
from tsunagu.people.models import HouseholdMember, Person, Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db

DISABILITY_CENTRES = (
    "障がい者地域生活支援センター",
    "中部障がい者地域生活支援センター",
    "相談支援センターサポートりんくす",
)
ALL_ISSUE_CODES = sorted(issue.code for issue in read_issues_file())


@pytest.fixture
def town(kotoura: Municipality) -> Municipality:
    issues_ensure(kotoura)
    routing_rules_ensure(kotoura)
    return kotoura


def org(town: Municipality, name: str) -> Organization:
    return Organization.objects.get(municipality=town, name=name)


def names(organizations: tuple[Organization, ...]) -> tuple[str, ...]:
    return tuple(o.name for o in organizations)


def route(
    town: Municipality, codes: set[str], age: int | None, children: tuple[int, ...] = (), at: str | None = None
) -> RoutingResult:
    data = RoutingInput(issue_codes=frozenset(codes), age=age, household_child_ages=children)
    return suggest(municipality=town, data=data, exclude_organization=org(town, at) if at else None)


def programs(result: RoutingResult) -> list[str]:
    return [s.program.code for s in result.suggestions]


def suggestion(result: RoutingResult, program_code: str) -> Suggestion:
    matches = [s for s in result.suggestions if s.program.code == program_code]
    assert len(matches) == 1, programs(result)
    return matches[0]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "routing.toml"
    path.write_text(text, encoding="utf-8")
    return path


RULE = """
[[rules]]
code = "{code}"
name = "テスト"
any_issues = ["income"]
program = "{program}"
organizations = ["{organization}"]
reason = "テストの理由"
"""


# ---- the cases staff meet ---------------------------------------------------------------------------


def test_the_8050_mother_at_the_centre_is_connected_to_livelihood_support_and_flagged_for_collaboration(town):
    result = route(town, {"8050", "income", "job-search"}, age=80, at="琴浦町地域包括支援センター")

    livelihood = suggestion(result, "self-reliance-consultation")
    assert livelihood.program.name == "生活困窮者自立相談支援事業"
    assert names(livelihood.organizations) == ("福祉あんしん課",)
    assert any("債務・収入" in reason for reason in livelihood.reasons)

    # The centre is not suggested to itself; its own programme stays visible as its own work.
    assert all("琴浦町地域包括支援センター" not in names(s.organizations) for s in result.suggestions)
    own = suggestion(result, "community-general-support-centre")
    assert own.organizations == ()
    assert own.reasons == (
        "65歳以上 → 地域包括支援センター" + str(RECEIVING_SUFFIX),
        "介護・8050・ダブルケア → 地域包括支援センター" + str(RECEIVING_SUFFIX),
    )

    assert result.domains == ("elderly", "poverty")
    assert result.collaboration is True
    assert result.collaboration_reasons == ("複数分野（介護・生活困窮）にまたがる", "8050 は複合的な課題")
    last = result.suggestions[-1]
    assert last.program.name == "多機関協働事業及び支援プランの策定"
    assert names(last.organizations) == ("福祉あんしん課",)
    assert last.reasons == result.collaboration_reasons
    assert programs(result) == [
        "community-general-support-centre",
        "self-reliance-consultation",
        "multi-agency-collaboration",
    ]


def test_a_young_parent_is_suggested_only_the_user_support_programme(town):
    result = route(town, {"child-rearing"}, age=30, children=(3,), at="福祉あんしん課")

    assert programs(result) == ["user-support"]
    only = result.suggestions[0]
    assert names(only.organizations) == ("子育て応援課",)
    # Two rules, one suggestion: the reasons are merged, the organisation listed once.
    assert only.reasons == ("子育て・ダブルケア・ヤングケアラー → 利用者支援事業", "世帯に6歳未満の子 → 利用者支援事業")
    assert result.domains == ("children",)
    assert (result.collaboration, result.collaboration_reasons) == (False, ())


def test_a_child_under_six_in_the_household_is_enough_for_user_support(town):
    assert "user-support" in programs(route(town, {"income"}, age=34, children=(5, 12)))
    assert "user-support" not in programs(route(town, {"income"}, age=34, children=(6, 12)))


def test_health_and_disability_goes_to_the_three_disability_centres(town):
    result = route(town, {"health"}, age=45, at="子育て応援課")

    first = result.suggestions[0]
    assert first.program.name == "障害者相談支援事業"
    assert names(first.organizations) == DISABILITY_CENTRES
    assert first.reasons == ("病気や健康、障害 → 障害者相談支援事業",)
    # One domain only (a 45-year-old's illness): not a candidate for 多機関協働 by itself.
    assert not result.collaboration
    assert result.collaboration_reasons == ()


def test_a_disability_centre_receiving_the_consultation_suggests_the_other_two(town):
    result = route(town, {"health"}, age=45, at="相談支援センターサポートりんくす")
    assert names(suggestion(result, "disability-consultation").organizations) == DISABILITY_CENTRES[:2]


@pytest.mark.parametrize(
    ("age", "children", "expected", "reason"),
    [
        (70, (), "琴浦町地域包括支援センター", "高齢者へのDV・虐待 → 地域包括支援センター"),
        (12, (), "子育て応援課", "子どもへのDV・虐待 → 子育て応援課"),
        (40, (), "福祉あんしん課", "DV・虐待（18〜64歳） → 福祉あんしん課"),
        (35, (4,), "子育て応援課", "子どものいる世帯のDV・虐待（面前DV） → 子育て応援課"),
    ],
)
def test_dv_and_abuse_go_where_the_law_for_that_person_places_them(town, age, children, expected, reason):
    result = route(town, {"dv-abuse"}, age=age, children=children)
    carrying = [s for s in result.suggestions if reason in s.reasons]
    assert len(carrying) == 1
    assert names(carrying[0].organizations) == (expected,)


def test_dv_for_a_70_year_old_goes_to_the_centre_and_not_to_the_childrens_or_adults_door(town):
    result = route(town, {"dv-abuse"}, age=70)
    centre = suggestion(result, "community-general-support-centre")
    assert names(centre.organizations) == ("琴浦町地域包括支援センター",)
    assert "高齢者へのDV・虐待 → 地域包括支援センター" in centre.reasons
    assert "user-support" not in programs(result)
    assert all("18〜64歳" not in reason for s in result.suggestions for reason in s.reasons)


def test_an_unknown_age_meets_no_age_condition(town):
    result = route(town, {"income"}, age=None)
    assert programs(result) == ["self-reliance-consultation"]
    assert result.domains == ("poverty",)


def test_isolation_suggests_outreach_and_participation_without_collaboration(town):
    result = route(town, {"isolation"}, age=40)
    assert programs(result) == ["outreach", "participation-support"]
    assert names(suggestion(result, "participation-support").organizations) == ("町内就労支援継続Ｂ型作業所",)
    assert result.domains == ("general",)
    assert result.collaboration is False


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("8050", "8050 は複合的な課題"),
        ("double-care", "ダブルケア は複合的な課題"),
        ("hoarding", "ごみ屋敷 は複合的な課題"),
    ],
)
def test_complex_situations_are_flagged_for_collaboration(town, code, reason):
    result = route(town, {code}, age=None)
    assert result.collaboration is True
    assert reason in result.collaboration_reasons
    assert result.suggestions[-1].program.code == "multi-agency-collaboration"


def test_collaboration_received_at_the_coordinating_division_is_marked_as_its_own(town):
    result = route(town, {"8050"}, age=80, at="福祉あんしん課")
    last = result.suggestions[-1]
    assert last.program.code == "multi-agency-collaboration"
    assert last.organizations == ()
    assert all(reason.endswith(str(RECEIVING_SUFFIX)) for reason in last.reasons)


def test_nothing_matches_nothing_is_suggested(town):
    result = route(town, {"other"}, age=40)
    assert result == RoutingResult(suggestions=(), domains=(), collaboration=False, collaboration_reasons=())


# ---- the fields a consultation touches ----------------------------------------------------------------


def test_domains_follow_the_issues_and_the_age_in_the_order_of_the_plan(town):
    issues = {i.code: i for i in ConsultationIssue.objects.filter(municipality=town)}
    assert consultation_domains([issues["community"]], 40) == ("general",)
    assert consultation_domains([issues["community"], issues["income"]], 40) == ("poverty",)
    assert consultation_domains([issues["income"]], 65) == ("elderly", "poverty")
    assert consultation_domains([issues["income"]], 17) == ("children", "poverty")
    assert consultation_domains([issues["other"]], None) == ()
    assert consultation_domains([issues["income"], issues["care"], issues["health"]], 30) == (
        "elderly",
        "disability",
        "poverty",
    )


# Each age band at its edges: child (under 18), adult (18 to 64), elderly (65 and over), unknown.
AGE_BANDS_AT_THE_EDGES = [(0, "child"), (17, "child"), (18, "adult"), (56, "adult"), (64, "adult"),
                          (65, "elderly"), (110, "elderly"), (None, "unknown")]  # fmt: skip


@pytest.mark.parametrize(("age", "band"), AGE_BANDS_AT_THE_EDGES)
def test_the_age_bands(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("age", "domains"),
    [(15, ("children",)), (17, ("children",)), (18, ("general",)), (56, ("general",)), (64, ("general",)),
     (65, ("elderly",)), (80, ("elderly",)), (None, ("general",))],
)  # fmt: skip
def test_hikikomori_is_a_childrens_issue_only_for_a_child(town, age, domains):
    hikikomori = ConsultationIssue.objects.get(municipality=town, code="hikikomori")
    assert hikikomori.domains == {"all": ["general"], "child": ["children"]}  # as data/issues.toml has it
    assert consultation_domains([hikikomori], age) == domains
    assert route(town, {"hikikomori"}, age).domains == domains


@pytest.mark.parametrize(
    ("age", "domains", "flag"),
    [
        # The 8050 son of 56 who has withdrawn: 介護 and 生活困窮 through 8050, never 子ども等.
        (56, ("elderly", "poverty"), "複数分野（介護・生活困窮）にまたがる"),
        (None, ("elderly", "poverty"), "複数分野（介護・生活困窮）にまたがる"),
        (80, ("elderly", "poverty"), "複数分野（介護・生活困窮）にまたがる"),
        (16, ("elderly", "children", "poverty"), "複数分野（介護・子ども等・生活困窮）にまたがる"),
    ],
)
def test_the_8050_son_who_has_withdrawn_is_not_flagged_as_a_childrens_case(town, age, domains, flag):
    result = route(town, {"8050", "hikikomori", "income"}, age)
    assert result.domains == domains
    assert result.collaboration_reasons[0] == flag
    assert ("子ども等" in flag) == (age is not None and age < 18)


def test_an_anonymous_consultation_has_an_unknown_age(town):
    data = routing_input_for(None, None, {"hikikomori", "isolation"}, date(2025, 10, 1))
    assert data.age is None and age_band(data.age) == "unknown"
    result = suggest(municipality=town, data=data)
    assert result.domains == ("general",) and not result.collaboration


# Codes whose items count 子ども等 at every age in the shipped list (a parent asks about 子育て at 35).
CHILDREN_AT_EVERY_AGE = {i.code for i in read_issues_file() if "children" in i.domains}


def test_the_stored_fields_and_the_collaboration_flag_follow_one_rule_at_every_age(town):
    issues = {i.code: i for i in ConsultationIssue.objects.filter(municipality=town)}

    @given(
        codes=st.sets(st.sampled_from(ALL_ISSUE_CODES)),
        age=st.one_of(st.none(), st.integers(min_value=0, max_value=110)),
    )
    @settings(max_examples=150, deadline=None)
    def check(codes, age):
        result = route(town, codes, age)
        stored = consultation_domains([issues[c] for c in codes], age)  # what consultation_record stores
        assert result.domains == stored
        specific = [d for d in stored if d in SPECIFIC_DOMAINS]
        assert any(r.startswith("複数分野") for r in result.collaboration_reasons) == (len(specific) >= 2)
        if age is None or age >= 18:
            # Past childhood only an item that is a children's matter at every age counts 子ども等.
            assert ("children" in stored) == bool(codes & CHILDREN_AT_EVERY_AGE)
        else:
            assert "children" in stored
        if age is not None and age >= 65:
            assert "elderly" in stored

    check()


def test_issue_domains_reads_a_list_or_an_age_table_and_ignores_the_rest():
    assert issue_domains(["poverty", "money", 3], 40) == ("poverty",)
    table = {"all": ["general"], "child": ["children"], "adult": ["poverty"], "elderly": [], "colour": ["red"]}
    assert [issue_domains(table, age) for age in (10, 40, 70, None)] == [
        ("general", "children"), ("general", "poverty"), ("general",), ("general",),
    ]  # fmt: skip
    assert issue_domains({"unknown": ["disability"]}, None) == ("disability",)
    assert issue_domains("general", 40) == () and issue_domains(None, 40) == ()
    assert domain_table(["poverty"]) == {"all": ["poverty"], "child": [], "adult": [], "elderly": [], "unknown": []}
    assert domains_value(domain_table(["poverty"])) == ["poverty"]
    assert domains_value(domain_table(table)) == {"all": ["general"], "child": ["children"], "adult": ["poverty"]}


def test_the_age_dependent_fields_are_read_from_the_file_and_mistakes_are_named(tmp_path):
    hikikomori = next(i for i in read_issues_file() if i.code == "hikikomori")
    assert hikikomori.domains_by_age == (("child", ("children",)),)
    assert hikikomori.stored_domains() == {"all": ["general"], "child": ["children"]}
    path = tmp_path / "issues.toml"
    path.write_text(
        '[[issues]]\ncode = "a"\nname = "A"\ndomains = ["general"]\n'
        'domains_by_age = { teen = ["children"], adult = ["money"], elderly = "elderly" }\n',
        encoding="utf-8",
    )
    with pytest.raises(DefaultsFileError) as raised:
        read_issues_file(path)
    message = str(raised.value)
    assert "domains_by_age の年齢区分「teen」は不明" in message
    assert "分野「money」は不明" in message
    assert "domains_by_age.elderly は分野の配列です" in message


def test_the_administrator_edits_the_fields_by_age_and_they_are_kept(client, personas, town):
    client.force_login(personas.administrator)
    issue = ConsultationIssue.objects.get(municipality=town, code="hikikomori")
    url = reverse("tsunagu-admin:consultations_consultationissue_change", args=[issue.pk])
    page = client.get(url).content.decode()
    assert "18歳未満の方に加える分野" in page and "年齢が不明な方（匿名を含む）に加える分野" in page
    response = client.post(url, {
        "code": issue.code, "name": issue.name, "order": issue.order, "is_active": "on",
        "domains": ["general"], "child_domains": ["children"], "elderly_domains": ["elderly"],
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    issue.refresh_from_db()
    assert issue.domains == {"all": ["general"], "child": ["children"], "elderly": ["elderly"]}
    # No band ticked: stored as the plain list again.
    client.post(url, {"code": issue.code, "name": issue.name, "order": issue.order, "is_active": "on",
                      "domains": ["general"]})  # fmt: skip
    issue.refresh_from_db()
    assert issue.domains == ["general"]


# ---- the rules are the town's data ----------------------------------------------------------------


def test_a_retired_rule_is_no_longer_suggested(town):
    before = route(town, {"income"}, age=40)
    assert programs(before) == ["self-reliance-consultation"]
    RoutingRule.objects.filter(municipality=town, code="livelihood").update(is_active=False)
    assert programs(route(town, {"income"}, age=40)) == []


def test_edited_organisations_and_reasons_are_what_staff_see(town):
    rule = RoutingRule.objects.get(municipality=town, code="livelihood")
    rule.organizations.set([org(town, "琴浦町社会福祉協議会")])
    rule.reason = "家計の相談 → 社協と生活困窮者自立相談支援事業"
    rule.save()
    livelihood = suggestion(route(town, {"debt"}, age=40), "self-reliance-consultation")
    assert names(livelihood.organizations) == ("琴浦町社会福祉協議会",)
    assert livelihood.reasons == ("家計の相談 → 社協と生活困窮者自立相談支援事業",)


def test_a_rule_still_pointing_to_an_earlier_plan_is_not_suggested(town):
    from tsunagu.plans.models import Plan

    current = Plan.objects.get(municipality=town)
    later = Plan.objects.create(
        municipality=town,
        title="琴浦町重層的支援体制整備事業実施計画（次期）",
        legal_basis=current.legal_basis,
        period_text="次期",
        start_fiscal_year=2030,
        purpose="",
        position="",
        outline="",
        source_name="test",
        source_sha256="0" * 64,
    )
    assert programs(route(town, {"income"}, age=40)) == []
    assert later.programs.count() == 0


def test_the_administrator_retires_a_rule_in_the_administration_and_it_is_audited(client, personas, town):
    client.force_login(personas.administrator)
    rule = RoutingRule.objects.get(municipality=town, code="livelihood")
    url = reverse("tsunagu-admin:consultations_routingrule_change", args=[rule.pk])
    form = client.get(url).content.decode()
    assert "北栄町地域包括支援センター" not in form  # another town's agency is never offered
    assert "福祉あんしん課" in form and "収入・生活費" in form

    edited = {
        "code": rule.code,
        "name": rule.name,
        "order": rule.order,
        "any_issues": rule.any_issues,
        "min_age": "",
        "max_age": "",
        "child_under": "",
        "program": rule.program_id,
        "organizations": [org(town, "福祉あんしん課").pk],
        "reason": rule.reason,
    }  # is_active is left out, as an unchecked box is: the rule is retired
    response = client.post(url, edited)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert programs(route(town, {"income"}, age=40)) == []
    entry = AuditEntry.objects.get(action=Action.UPDATE, model="consultations.routingrule", object_id=str(rule.pk))
    assert entry.changes["is_active"] == [True, False]


def test_the_rule_form_offers_only_the_towns_organisations_and_requires_a_condition(client, personas, town):
    client.force_login(personas.administrator)
    client.get(reverse("tsunagu-admin:consultations_routingrule_add"))
    response = client.post(
        reverse("tsunagu-admin:consultations_routingrule_add"),
        {"code": "empty", "name": "条件なし", "order": 99, "program": Program.objects.get(code="outreach").pk,
         "organizations": [Organization.objects.get(name="北栄町地域包括支援センター").pk], "reason": "理由"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "条件（相談内容・年齢・世帯の子）を一つ以上指定してください。" in page
    assert not RoutingRule.objects.filter(code="empty").exists()
    # The form class itself, outside a request, offers nothing.
    assert list(RoutingRuleForm().fields["any_issues"].choices) == []  # type: ignore[attr-defined]


def test_the_administrator_sees_the_defaults_to_edit_before_anyone_used_them(client, personas):
    assert not RoutingRule.objects.filter(municipality=personas.town).exists()
    client.force_login(personas.administrator)
    rules = client.get(reverse("tsunagu-admin:consultations_routingrule_changelist")).content.decode()
    assert "65歳以上 → 地域包括支援センター" in rules
    issues = client.get(reverse("tsunagu-admin:consultations_consultationissue_changelist")).content.decode()
    assert "ヤングケアラー" in issues
    client.force_login(personas.caseworker_a)
    assert client.get(reverse("tsunagu-admin:consultations_routingrule_changelist")).status_code == 302


# ---- loading the defaults ---------------------------------------------------------------------------


def test_every_default_rule_loads_for_kotoura_without_a_warning(kotoura, caplog):
    caplog.set_level(logging.WARNING, logger="tsunagu.consultations.defaults")
    rules = routing_rules_ensure(kotoura)
    assert [r.code for r in rules] == [d.code for d in read_routing_file()]
    assert caplog.records == []
    disability = RoutingRule.objects.get(municipality=kotoura, code="disability")
    assert sorted(names(tuple(disability.organizations.all()))) == sorted(DISABILITY_CENTRES)


def test_ensure_functions_are_idempotent_and_cost_one_query_once_loaded(kotoura, django_assert_num_queries):
    issues = issues_ensure(kotoura)
    rules = routing_rules_ensure(kotoura)
    assert [i.code for i in issues][:3] == ["health", "housing", "income"]
    with django_assert_num_queries(1):
        again = issues_ensure(kotoura)
    with django_assert_num_queries(1):
        rules_again = routing_rules_ensure(kotoura)
    assert [i.pk for i in again] == [i.pk for i in issues]
    assert [r.pk for r in rules_again] == [r.pk for r in rules]
    assert ConsultationIssue.objects.filter(municipality=kotoura).count() == len(ALL_ISSUE_CODES)


def test_retired_items_are_not_brought_back(kotoura):
    issues_ensure(kotoura)
    routing_rules_ensure(kotoura)
    ConsultationIssue.objects.filter(municipality=kotoura).update(is_active=False)
    RoutingRule.objects.filter(municipality=kotoura).update(is_active=False)
    assert issues_ensure(kotoura) == []
    assert routing_rules_ensure(kotoura) == []
    assert ConsultationIssue.objects.filter(municipality=kotoura).count() == len(ALL_ISSUE_CODES)


def test_a_rule_whose_programme_or_organisation_is_missing_is_skipped_with_a_warning(kotoura, tmp_path, caplog):
    path = write(
        tmp_path,
        RULE.format(code="kept", program="self-reliance-consultation", organization="福祉あんしん課")
        + RULE.format(code="no-programme", program="no-such-programme", organization="福祉あんしん課")
        + RULE.format(code="no-agency", program="outreach", organization="存在しない機関"),
    )
    caplog.set_level(logging.WARNING, logger="tsunagu.consultations.defaults")
    rules = routing_rules_ensure(kotoura, source=path)
    assert [r.code for r in rules] == ["kept"]
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "no-programme" in messages[0] and "no-such-programme" in messages[0]
    assert "no-agency" in messages[1] and "存在しない機関" in messages[1]


def test_an_unknown_issue_code_is_a_clear_error_and_nothing_is_loaded(kotoura, tmp_path):
    path = write(
        tmp_path,
        RULE.format(code="fine", program="outreach", organization="福祉あんしん課")
        + RULE.format(code="typo", program="outreach", organization="福祉あんしん課").replace('"income"', '"debts"'),
    )
    with pytest.raises(DefaultsFileError) as raised:
        routing_rules_ensure(kotoura, source=path)
    message = str(raised.value)
    assert str(path) in message
    assert "rules[1]（typo）" in message and "「debts」" in message
    assert not RoutingRule.objects.filter(municipality=kotoura).exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("reason =", "reasons ="), "不明な項目「reasons」"),
        (('any_issues = ["income"]', ""), "条件（any_issues、min_age、max_age、child_under）が一つもありません"),
        (('any_issues = ["income"]', "min_age = 70\nmax_age = 20"), "min_age（70）が max_age（20）より大きく"),
        (('any_issues = ["income"]', "child_under = 30"), "child_under は1から18までの整数です"),
        (('any_issues = ["income"]', "min_age = true"), "min_age は0から150までの整数です"),
        (('code = "bad"', 'code = "悪い"'), "半角英数字"),
        (('name = "テスト"', ""), "name は必須の文字列です"),
    ],
)
def test_mistakes_in_the_routing_file_are_named(tmp_path, change, expected):
    text = RULE.format(code="bad", program="outreach", organization="福祉あんしん課").replace(*change)
    with pytest.raises(DefaultsFileError) as raised:
        read_routing_file(write(tmp_path, text))
    assert expected in str(raised.value)
    assert str(tmp_path / "routing.toml") in str(raised.value)


def test_a_second_file_key_and_broken_toml_are_named(tmp_path):
    with pytest.raises(DefaultsFileError, match="不明な項目「rule」"):
        read_routing_file(write(tmp_path, '[[rule]]\ncode = "x"\n'))
    with pytest.raises(DefaultsFileError, match="TOML の書式に誤りがあります（1行目・8文字目）: 表の並びの見出しが"):
        read_routing_file(write(tmp_path, "[[rules]\n"))


def test_mistakes_in_the_issues_file_are_named(tmp_path):
    path = tmp_path / "issues.toml"
    path.write_text(
        '[[issues]]\ncode = "a"\nname = "A"\ndomains = ["poverty"]\n'
        '[[issues]]\ncode = "a"\nname = "B"\ndomains = ["money"]\ncolour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(DefaultsFileError) as raised:
        read_issues_file(path)
    message = str(raised.value)
    assert "issues[1]（a）" in message
    assert "コード「a」が重複" in message and "分野「money」は不明" in message and "不明な項目「colour」" in message


def test_the_shipped_routing_file_is_valid():
    rules = read_routing_file(ROUTING_FILE)
    assert len({r.code for r in rules}) == len(rules) >= 12


# ---- the input from a person and a household ----------------------------------------------------------


def test_routing_input_reads_the_ages_of_the_person_and_the_other_children(personas):
    a = personas.caseworker_a
    mother = register(a, birth_date=date(1990, 4, 2), phone="0858-00-0001")
    child = register(a, given_name="太郎", given_name_kana="タロウ", birth_date=date(2022, 9, 1), phone="0858-00-0002")
    grandmother = register(
        a, given_name="ウメ", given_name_kana="ウメ", birth_date=date(1950, 1, 1), phone="0858-00-0003"
    )
    household = household_of(
        a, (mother, Relationship.HEAD), (child, Relationship.CHILD), (grandmother, Relationship.PARENT)
    )
    household = type(household).objects.prefetch_related("members__person").get(pk=household.pk)

    data = routing_input_for(mother, household, ["child-rearing"], date(2025, 10, 1))
    assert data == RoutingInput(frozenset({"child-rearing"}), 35, (3,))
    members = list(HouseholdMember.objects.filter(household=household).select_related("person"))
    assert routing_input_for(mother, members, [], date(2025, 10, 1)).household_child_ages == (3,)
    # The child's own consultation: the child's age is the person's, not a household child's.
    assert routing_input_for(child, household, [], date(2025, 10, 1)) == RoutingInput(frozenset(), 3, ())


def test_routing_input_without_a_person_or_a_known_birth_date():
    nobody = routing_input_for(None, None, {"income"}, date(2025, 10, 1))
    assert nobody == RoutingInput(frozenset({"income"}), None, ())
    unborn = HouseholdMember(person=Person(pk=2, birth_date=date(2026, 1, 1)))
    unknown = HouseholdMember(person=Person(pk=3, birth_date=None))
    assert routing_input_for(Person(pk=1), [unborn, unknown], [], date(2025, 10, 1)) == RoutingInput(
        frozenset(), None, ()
    )


# ---- properties and cost ----------------------------------------------------------------------------


def test_any_consultation_is_routed_safely(town):
    organizations = list(Organization.objects.filter(municipality=town))

    @given(
        codes=st.sets(st.sampled_from(ALL_ISSUE_CODES)),
        age=st.one_of(st.none(), st.integers(min_value=0, max_value=110)),
        children=st.lists(st.integers(min_value=0, max_value=17), max_size=3),
        exclude=st.one_of(st.none(), st.sampled_from(organizations)),
    )
    @settings(max_examples=200, deadline=None)
    def check(codes, age, children, exclude):
        data = RoutingInput(frozenset(codes), age, tuple(children))
        result = suggest(municipality=town, data=data, exclude_organization=exclude)
        assert all(exclude is None or exclude.pk not in {o.pk for o in s.organizations} for s in result.suggestions)
        if len([d for d in result.domains if d in SPECIFIC_DOMAINS]) >= 2:
            assert result.collaboration
        if result.collaboration:
            assert result.suggestions[-1].program.code == "multi-agency-collaboration"
        assert len(programs(result)) == len(set(programs(result)))
        assert all(s.reasons for s in result.suggestions)

    check()


def test_the_number_of_queries_does_not_grow_with_the_case(town, django_assert_max_num_queries):
    centre = org(town, "琴浦町地域包括支援センター")
    small = RoutingInput(frozenset({"income"}), 40)
    everything = RoutingInput(frozenset(ALL_ISSUE_CODES), 80, (1, 5, 12))
    for data in (small, everything):
        with django_assert_max_num_queries(7):
            result = suggest(municipality=town, data=data, exclude_organization=centre)
            # Reading what a template shows costs nothing more.
            [(s.program.name, [o.name for o in s.organizations]) for s in result.suggestions]
    assert len(route(town, set(ALL_ISSUE_CODES), 80, (1,)).suggestions) == 7
