"""相談受付・申込票 as a caseworker with a resident beside them meets it (issue 11, findings 4, 5 and 9).

Nothing typed into the form travels in a URL (the suggestions are asked by POST, with ids only); the
form starts where the caseworker is (their programme, today, now), offers only what applies (programmes
that take consultations, no 匿名 box once a person is chosen), takes the 相談内容 in one control, and a
refused intake comes back with everything typed and status 400 — as every refused form of the project.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import unquote_plus

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.models import ConsentMethod
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.defaults import issues_ensure, read_issues_file
from tsunagu.consultations.models import Consultation
from tsunagu.core.models import Organization
from tsunagu.core.params import INVALID_CHOICE
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register
from tsunagu.plans.models import Category, Program

pytestmark = pytest.mark.django_db

INTAKE = reverse("consultations:consultation-create")
SUGGESTIONS = reverse("consultations:suggestions-preview")
# What a caseworker types about the visitor and the person: none of it may reach a URL.
TYPED = {"visitor_name": "山田一郎", "visitor_phone": "0858-53-9999", "words": "息子が仕事を辞めて家にいる"}


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


@pytest.fixture
def household_8050(personas):
    a = personas.caseworker_a
    today = timezone.localdate()
    mother = register(a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ", given_name_kana="トメ",
                      birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    son = register(a, family_name="山田", given_name="一郎", family_name_kana="ヤマダ", given_name_kana="イチロウ",
                   birth_date=date(today.year - 57, 12, 31), phone="0858-53-0000")  # fmt: skip
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent = consent_record(user=a, person=mother, data=ConsentInput(
        purpose="世帯の生活と介護の支援のため関係機関で情報を共有する", method=ConsentMethod.WRITTEN,
        given_on=today - timedelta(days=1), organizations=[org("琴浦町地域包括支援センター"), org("福祉あんしん課")]))  # fmt: skip
    return mother, son, household, consent


def issue_ids(town, *codes: str) -> list[int]:
    by_code = {i.code: i.pk for i in issues_ensure(town)}
    return [by_code[c] for c in codes]


def intake_data(town, person, household, **changes) -> dict:
    data = {
        "person": person.pk if person else "",
        "program": Program.objects.get(code="community-general-support-centre").pk,
        "received_on": "令和7年10月1日",
        "received_time": "10:30",
        "route": "visit",
        "visitor": "family",
        "consent_variant": "without_consent",
        "household": household.pk if household else "",
        "issues": issue_ids(town, "8050", "income"),
        "main_issue": issue_ids(town, "8050")[0],
        "urgency": "normal",
        "outcome": "referred",
        **TYPED,
    }
    data.update(changes)
    return data


class _Controls(HTMLParser):
    """The inputs of the page, each with the table row it sits in, and the labels by their ``for``."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self.elements: list[tuple[str, dict[str, str]]] = []
        self._row = -1
        self._label: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append((tag, values))
        if tag == "tr":
            self._row += 1
        elif tag in ("input", "select", "textarea"):
            self.inputs.append({**values, "tag": tag, "row": str(self._row)})
        elif tag == "label" and "for" in values:
            self._label, self._text = values["for"], []

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label is not None:
            self.labels[self._label] = "".join(self._text).strip()
            self._label = None


def controls(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


# ---- finding 4: nothing typed travels in a URL ------------------------------------------------------


def test_the_suggestions_are_asked_by_post_with_ids_only_and_a_get_is_refused(client, personas, household_8050):
    mother, _son, household, _consent = household_8050
    client.force_login(personas.caseworker_a)
    page = client.get(INTAKE, {"person": mother.pk}).content.decode()
    assert "hx-get" not in page
    (fieldset,) = [attrs for tag, attrs in controls(page).elements if attrs.get("id") == "issue-choices"]
    assert fieldset["hx-post"] == SUGGESTIONS
    # Only ids are sent (and the token, in the body): not the visitor, not the person's words.
    assert fieldset["hx-params"].split(",") == ["csrfmiddlewaretoken", "person", "household", "issues"]

    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    query = {"person": mother.pk, "household": household.pk, "issues": issue_ids(personas.town, "8050")}
    assert client.get(SUGGESTIONS, {**query, **TYPED}).status_code == 405
    assert not AuditEntry.objects.filter(pk__gt=since).exists()  # a refused GET reads nobody
    answer = client.post(SUGGESTIONS, query)
    assert answer.status_code == 200
    assert 'data-program="self-reliance-consultation"' in answer.content.decode()
    assert "この提案でつなぐ" not in answer.content.decode()  # a preview: nothing to refer yet
    # Worked out from the person: still a read of the person, audited as before.
    (entry,) = AuditEntry.objects.filter(pk__gt=since)
    assert (entry.action, entry.person_id) == (Action.READ, mother.pk)


def test_the_suggestions_fragment_needs_the_forms_csrf_token(personas, household_8050):
    from django.test import Client

    mother, *_ = household_8050
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.caseworker_a)
    assert strict.post(SUGGESTIONS, {"person": mother.pk}).status_code == 403
    strict.get(INTAKE, {"person": mother.pk})
    token = strict.cookies["csrftoken"].value
    assert strict.post(SUGGESTIONS, {"person": mother.pk, "csrfmiddlewaretoken": token}).status_code == 200


# ---- finding 5: the son of 56 is no children's case, wherever his fields are shown ---------------------


def test_the_8050_son_is_recorded_and_shown_without_the_childrens_field(client, personas, household_8050):
    _mother, son, household, _consent = household_8050
    town = personas.town
    client.force_login(personas.caseworker_a)
    posted = intake_data(town, son, household, issues=issue_ids(town, "8050", "hikikomori", "income"))
    response = client.post(INTAKE, posted)
    assert response.status_code == 302, response.content.decode()[-3000:]
    consultation = Consultation.objects.get()
    assert consultation.domains == ["elderly", "poverty"]
    detail = client.get(response["Location"]).content.decode()
    assert "介護・生活困窮" in detail and "子ども等" not in detail
    assert "複数分野（介護・生活困窮）にまたがる" in detail
    # The preview while the form is filled in says the same (one rule).
    preview = client.post(SUGGESTIONS, {"person": son.pk, "household": household.pk, "issues": posted["issues"]})
    assert "複数分野（介護・生活困窮）にまたがる" in preview.content.decode()
    assert "子ども等" not in preview.content.decode()


# ---- finding 9: the form starts where the caseworker is -------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "program"),
    [
        ("caseworker_a", "community-general-support-centre"),  # 地域包括支援センター: the town's centre
        ("caseworker_b", "disability-consultation"),  # サポートりんくす: an implementing body
        ("coordinator", "disability-consultation"),  # 福祉あんしん課: the first of its programmes in plan order
    ],
)
def test_the_programme_starts_at_the_users_own_and_only_programmes_that_take_consultations_are_offered(
    client, personas, persona, program
):
    client.force_login(getattr(personas, persona))
    response = client.get(INTAKE)
    form = response.context["form"]
    assert form["program"].value() == Program.objects.get(code=program).pk
    offered = [p.code for p in form.fields["program"].queryset]
    plan = Program.objects.filter(plan=Program.objects.get(code=program).plan).order_by("order")
    assert offered == [p.code for p in plan if p.category != Category.COMMUNITY]
    assert "地域子育て支援拠点事業" not in response.content.decode()


def test_a_programme_that_takes_no_consultations_is_refused(client, personas):
    client.force_login(personas.caseworker_a)
    community = Program.objects.get(code="child-rearing-hub")
    assert community.category == Category.COMMUNITY
    data = intake_data(personas.town, None, None, program=community.pk, is_anonymous="on",
                       anonymous_description="60代男性")  # fmt: skip
    response = client.post(INTAKE, data)
    assert response.status_code == 400
    assert INVALID_CHOICE in response.context["form"].errors["program"]
    assert not Consultation.objects.exists()


def test_the_date_and_time_start_at_now_and_the_text_boxes_fit_what_they_hold(client, personas, time_machine):
    time_machine.move_to(timezone.make_aware(datetime(2025, 10, 1, 14, 7)), tick=False)
    client.force_login(personas.caseworker_a)
    response = client.get(INTAKE)
    form = response.context["form"]
    assert form["received_on"].value() == date(2025, 10, 1)
    assert form["received_time"].value() == "14:07"
    rows = {c["name"]: int(c["rows"]) for c in controls(response.content.decode()).inputs if c["tag"] == "textarea"}
    assert rows["words"] >= 6 and rows["wishes"] >= 3 and rows["outcome_note"] >= 3
    assert rows["words"] == max(rows.values())  # the person's own words get the largest box


def test_with_a_person_there_is_no_anonymous_box_and_none_is_accepted(client, personas, household_8050):
    mother, _son, household, _consent = household_8050
    client.force_login(personas.caseworker_a)
    page = client.get(INTAKE, {"person": mother.pk}).content.decode()
    names = {c.get("name") for c in controls(page).inputs}
    assert "is_anonymous" not in names and "anonymous_description" not in names
    assert "匿名" not in page
    # A post that says 匿名 anyway (an old page, a forged post) records the person's consultation.
    data = intake_data(personas.town, mother, household, is_anonymous="on", anonymous_description="60代男性")
    assert client.post(INTAKE, data).status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.person == mother and not consultation.is_anonymous
    assert consultation.anonymous_description == ""


def test_without_a_person_the_consultation_is_anonymous_by_default(client, personas):
    client.force_login(personas.caseworker_a)
    page = client.get(INTAKE).content.decode()
    (box,) = [c for c in controls(page).inputs if c.get("name") == "is_anonymous"]
    assert "checked" in box
    assert any(c.get("name") == "anonymous_description" for c in controls(page).inputs)


def test_the_issues_are_one_control_a_tick_and_a_main_mark_in_each_row(client, personas):
    client.force_login(personas.caseworker_a)
    page = client.get(INTAKE).content.decode()
    found = controls(page)
    issues = issues_ensure(personas.town)
    assert len(issues) == len(read_issues_file()) > 20
    for issue in issues:
        (tick,) = [c for c in found.inputs if c.get("name") == "issues" and c["value"] == str(issue.pk)]
        (main,) = [c for c in found.inputs if c.get("name") == "main_issue" and c["value"] == str(issue.pk)]
        assert (tick["type"], main["type"]) == ("checkbox", "radio")
        assert tick["row"] == main["row"]  # the same row of the one table
        assert found.labels[tick["id"]] == issue.name
        assert found.labels[main["id"]] == f"◎{issue.name}（最も困っていること）"
    # One fieldset for both; no second list of the 23 issues.
    assert page.count("<legend>相談内容") == 1
    assert "<legend>最も困っていること" not in page
    assert len([c for c in found.inputs if c.get("name") == "issues"]) == len(issues)
    assert len([c for c in found.inputs if c.get("name") == "main_issue"]) == len(issues)


def test_the_main_mark_alone_ticks_its_issue_and_a_single_tick_is_the_main_issue(client, personas, household_8050):
    mother, _son, household, _consent = household_8050
    town = personas.town
    client.force_login(personas.caseworker_a)
    eighty_fifty, income = issue_ids(town, "8050", "income")
    only_main = intake_data(town, mother, household, issues=[income], main_issue=eighty_fifty)
    assert client.post(INTAKE, only_main).status_code == 302
    first = Consultation.objects.get()
    assert first.main_issue_id == eighty_fifty
    assert {i.pk for i in first.issues.all()} == {eighty_fifty, income}
    single = intake_data(town, mother, household, issues=[income], main_issue="")
    assert client.post(INTAKE, single).status_code == 302
    assert Consultation.objects.exclude(pk=first.pk).get().main_issue_id == income
    # Two ticks and no ◎: the caseworker is asked which one.
    neither = intake_data(town, mother, household, issues=[income, eighty_fifty], main_issue="")
    refused = client.post(INTAKE, neither)
    assert refused.status_code == 400
    assert "最も困っていること（◎）を選んでください。" in refused.content.decode()


def test_a_refused_intake_answers_400_with_everything_typed(client, personas, household_8050):
    mother, _son, household, _consent = household_8050
    town = personas.town
    client.force_login(personas.caseworker_a)
    ticked = issue_ids(town, "8050", "income")
    response = client.post(INTAKE, intake_data(town, mother, household, received_on="2999-01-01"))
    assert response.status_code == 400
    page = response.content.decode()
    for text in TYPED.values():
        assert text in page
    found = controls(page)
    kept = {int(c["value"]) for c in found.inputs if c.get("name") == "issues" and "checked" in c}
    assert kept == set(ticked)
    (main,) = [c for c in found.inputs if c.get("name") == "main_issue" and "checked" in c]
    assert int(main["value"]) == ticked[0]
    assert not Consultation.objects.exists()


# ---- the same convention on the other forms: a refused form answers 400 ---------------------------------


def test_refused_forms_of_people_and_access_answer_400(client, personas):
    person = register(personas.caseworker_a)
    client.force_login(personas.caseworker_a)
    refused = {
        reverse("people:person-register"): {"family_name": ""},
        reverse("people:household-create", args=[person.pk]): {"relationship": "nonsense"},
        reverse("access:consent-create", args=[person.pk]): {"purpose": ""},
        reverse("access:emergency-access"): {"reason": ""},
    }
    for url, data in refused.items():
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert response.context["form"].errors, url
    for url in refused:
        assert client.get(url).status_code == 200, url


# ---- the whole intake in a browser: every request's URL -----------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_request_url_of_the_intake_carries_what_was_typed(page, personas):
    from tsunagu.plans.tests.test_browser import sign_in

    today = timezone.localdate()
    mother = register(personas.caseworker_a, family_name="山田", given_name="トメ", family_name_kana="ヤマダ",
                      given_name_kana="トメ", birth_date=date(today.year - 80, 1, 15))  # fmt: skip
    requests: list = []
    page.on("request", lambda request: requests.append(request))

    sign_in(page, "cw_a")
    page.goto(page.base_url + f"/consultations/new/?person={mother.pk}")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    page.get_by_label(re.compile("^来談者＊?$"), exact=True).select_option("family")
    page.get_by_label(re.compile("^来談者の氏名")).fill(TYPED["visitor_name"])
    page.get_by_label(re.compile("^来談者の電話番号")).fill(TYPED["visitor_phone"])
    page.get_by_label(re.compile("^相談の内容（本人の言葉）")).fill(TYPED["words"])
    issues = page.get_by_role("group", name=re.compile("^相談内容"))
    for name in ("8050", "収入・生活費"):
        issues.get_by_label(name, exact=True).check()
    page.locator('#suggestions [data-program="self-reliance-consultation"]').wait_for()
    issues.get_by_role("radio", name="◎ 8050（最も困っていること）").check()
    page.get_by_role("button", name="受け付ける").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))  # the consultation's page: it was recorded

    secrets = [*TYPED.values(), token]
    urls = [unquote_plus(r.url) for r in requests]
    leaks = [(url, s) for url in urls for s in secrets if s in url]
    assert leaks == []
    asked = [r for r in requests if r.url.startswith(page.base_url + SUGGESTIONS)]
    assert asked and {r.method for r in asked} == {"POST"}
    for r in asked:
        body = unquote_plus(r.post_data or "")
        assert not [s for s in TYPED.values() if s in body], body  # ids only, not even in the body
    assert Consultation.objects.get().visitor_name == TYPED["visitor_name"]
