"""The requests of issue 9's findings 9 and 10, one by one: each answered 500 or lost what was typed.

Finding 9: page numbers past 2⁶³ or in non-ASCII digits on the consultation, people and audit lists,
``?person=²`` on the intake form and its suggestions fragment, and overflowing posted choice ids. Each now
answers 404 (a parameter in the query string) or the form again with 「選択肢が正しくありません」.
Finding 10: a NUL gets a message that says so, a refused progress record on the consultation page comes
back with all it said, and a plan or rule file's TOML mistake is named in Japanese with its line and column.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tsunagu.consultations.models import CaseNote, Consultation, ConsultationIssue
from tsunagu.consultations.tests.examples import consultation as make_consultation
from tsunagu.core.params import INVALID_CHOICE
from tsunagu.records.tests.matrix import arrange

pytestmark = pytest.mark.django_db

HUGE = str(2**64)
PAST_BIGINT = str(2**63)
NUL_MESSAGE = "入力に使えない文字（NUL文字"


@pytest.mark.parametrize("page", [HUGE, PAST_BIGINT, "²", "٣", "１", "0", "-1", "10001"])
@pytest.mark.parametrize(
    ("persona", "url_name", "params"),
    [
        ("caseworker_a", "consultations:inbox", {}),
        ("caseworker_a", "people:person-search", {"name": "コトウラ"}),
        ("auditor", "audit:log", {}),
    ],
)
def test_a_page_number_that_is_no_page_answers_404(client, personas, persona, url_name, params, page):
    client.force_login(getattr(personas, persona))
    # Page 1 is a page even of an empty list; page 2 of it is past the last page, 404 too (issue 11).
    assert client.get(reverse(url_name), {**params, "page": "1"}).status_code == 200
    assert client.get(reverse(url_name), {**params, "page": page}).status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", HUGE, PAST_BIGINT, "-1", "1x", "\x00"])
@pytest.mark.parametrize(
    ("url_name", "method"),
    # The suggestions fragment is asked by POST only (issue 11 finding 4: no form data in a URL).
    [("consultations:consultation-create", "get"), ("consultations:suggestions-preview", "post")],
)
def test_a_person_that_is_no_id_answers_404_on_the_intake_form_and_its_suggestions(
    client, personas, url_name, method, value
):
    client.force_login(personas.caseworker_a)
    ask = getattr(client, method)
    assert ask(reverse(url_name), {"person": value}).status_code == 404
    assert ask(reverse(url_name), {"person": "", "household": ""}).status_code == 200


@pytest.mark.parametrize("field", ["issues", "main_issue", "program", "household", "consent"])
@pytest.mark.parametrize("value", [HUGE, PAST_BIGINT, "٣", "-1"])
def test_an_overflowing_posted_choice_is_refused_on_its_field(client, personas, field, value):
    client.force_login(personas.caseworker_a)
    response = client.post(reverse("consultations:consultation-create"), {field: [value], "words": "相談の内容"})
    assert response.status_code == 400  # the form again, refused, nothing saved
    assert not Consultation.objects.exists()
    errors = response.context["form"].errors[field]
    assert INVALID_CHOICE in errors, errors
    assert "相談の内容" in response.content.decode()


def test_an_overflowing_id_in_a_list_matches_no_row_in_the_database(kotoura):
    from tsunagu.consultations.defaults import issues_ensure

    issue = next(iter(issues_ensure(kotoura)))
    assert ConsultationIssue.objects.filter(pk__in=[2**64]).count() == 0
    assert ConsultationIssue.objects.filter(pk__in=[2**64, -(2**64), issue.pk]).get() == issue
    assert ConsultationIssue.objects.exclude(pk__in=[2**64]).count() == ConsultationIssue.objects.count()


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        (f"/people/{HUGE}/", "caseworker_a"),
        (f"/consultations/{HUGE}/", "caseworker_a"),
        (f"/people/households/{HUGE}/", "caseworker_a"),
        (f"/plan/organizations/{HUGE}/", "caseworker_a"),
        (f"/api/v1/people/{HUGE}/", "caseworker_a"),
    ],
)
def test_an_id_past_the_database_in_the_path_answers_404(client, personas, url, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(url).status_code == 404


# --- Finding 10 ----------------------------------------------------------------------------------------


def test_a_nul_character_is_named_and_what_was_typed_stays(client, personas):
    client.force_login(personas.caseworker_a)
    typed = {"family_name": "琴\x00浦", "given_name": "花子", "family_name_kana": "コトウラ", "address": "徳万591番地2"}
    response = client.post(reverse("people:person-register"), typed)
    assert response.status_code == 400
    errors = response.context["form"].errors["family_name"]
    assert any(e.startswith(NUL_MESSAGE) for e in errors), errors
    assert "何か文字を入力してください" not in response.content.decode()
    assert 'value="花子"' in response.content.decode() and "徳万591番地2" in response.content.decode()


def test_the_api_names_a_nul_character_too(client, personas):
    from tsunagu.api.services import api_token_issue
    from tsunagu.people.tests.helpers import register

    person = register(personas.caseworker_a)
    _, token = api_token_issue(user=personas.caseworker_a, name="test", days=1)
    response = client.post(
        reverse("api:person-consents", args=[person.pk]),
        {"purpose": "支援\x00のため", "method": "oral", "given_on": "2025-04-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert any(m.startswith(NUL_MESSAGE) for m in response.json()["error"]["fields"]["purpose"])


@pytest.fixture
def own_consultation(personas, monkeypatch) -> Consultation:
    return Consultation.objects.get(pk=make_consultation(arrange("own", personas, monkeypatch)))


LONG_NOTE = ("本人の話: 家賃の滞納が続き、電気も止められそうだという。" * 400)[:10_000]


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        ({"occurred_on": "令和99年99月99日"}, None),  # the form refuses the date
        ({"next_step": "", "next_step_on": "令和9年4月1日"}, "予定日を入れる場合は、今後の予定を入力してください。"),
    ],
)
def test_a_refused_progress_record_on_the_consultation_page_keeps_every_character(
    client, personas, own_consultation, refused, message
):
    client.force_login(personas.caseworker_a)
    before = CaseNote.objects.count()
    note = {"occurred_on": "令和7年4月1日", "occurred_time": "10:00", "means": "phone", "counterpart": "person",
            "content": LONG_NOTE, **refused}  # fmt: skip
    response = client.post(reverse("consultations:consultation-note-add", args=[own_consultation.pk]), note)
    assert response.status_code == 400
    body = response.content.decode()
    assert len(LONG_NOTE) == 10_000 and LONG_NOTE in body  # the textarea holds all of it
    assert "<details open>" in body  # the form is shown open, with its messages
    assert CaseNote.objects.count() == before
    if message:
        assert message in body


def test_a_toml_mistake_in_a_plan_file_is_named_in_japanese_with_line_and_column(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('format_version = 1\n[municipality]\nname = "琴浦町\ncode = "313718"\n', encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("plan_load", str(path))
    text = str(raised.value)
    assert "TOML の書式に誤りがあります（3行目・" in text
    assert '文字列の引用符（"）が閉じていません' in text
    assert '該当行: name = "琴浦町' in text
    assert "Unterminated" not in text and "(at line" not in text


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("a = 1\nb = [1, 2\n", "ファイルの終わり、2行目", "配列の「[」が「]」で閉じていません"),
        ("a = 1\nb 2\n", "2行目・3文字目", "項目名の後に「=」がありません"),
        ("a = 1\na = 2\n", "2行目・", "同じ項目が二度書かれています"),
        ("a = yes\n", "1行目・5文字目", "値の書き方が正しくありません"),
        ("[[rules]\n", "1行目・", "表の並びの見出しが「]]」で閉じていません"),
        ('a = "x', "ファイルの終わり、1行目", "文字列の引用符"),
    ],
)
def test_toml_mistakes_are_said_in_japanese(text, where, reason):
    import tomllib

    from tsunagu.core.tomlerrors import toml_syntax_problem

    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads(text)
    message = toml_syntax_problem(raised.value, text).message()
    assert where in message and reason in message, message
    assert not any(word in message for word in ("Invalid", "Expected", "Cannot", "line", "column"))
