"""The インテーク・アセスメントシート printed to PDF, from the side of who holds the paper: the coordinator
prints the household's and each member's sections with 和暦 dates and the ticks as written; a participating
agency the son's consent does not reach gets the sheet without him (counted, not printed); a stranger gets
404; every print leaves an EXPORT entry. The text is read back from the PDF with pypdf."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tsunagu.audit.models import Action, AuditEntry
from tsunagu.collaboration import assessment_forms, services
from tsunagu.collaboration.models import CaseState
from tsunagu.collaboration.tests.factories import answers_for, assessment_input, consent_for, move, open_case
from tsunagu.core.models import Organization
from tsunagu.people.models import Relationship
from tsunagu.people.tests.helpers import household_of, register

pytestmark = pytest.mark.django_db

WRITTEN_AT = datetime(2025, 10, 1, 10, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 令和7年10月1日


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def pdf_text(pdf: bytes) -> str:
    """The text of every page, its line breaks dropped: labels wrap in their narrow column, and the section
    labels are set vertically, one character a line, as on the national form."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "").replace("\u3000", " ")


@pytest.fixture
def assessment(personas):
    """花子 and her son 一郎, both in focus; both consent to 福祉あんしん課, only 花子 to サポートりんくす."""
    a, coordinator = personas.caseworker_a, personas.coordinator
    mother = register(a)  # 琴浦 花子, born 1944-05-03 (昭和19年5月3日)
    son = register(a, given_name="一郎", given_name_kana="イチロウ")
    household = household_of(a, (mother, Relationship.HEAD), (son, Relationship.CHILD))
    consent_for(a, mother, org("福祉あんしん課"), org("相談支援センターサポートりんくす"))
    consent_for(a, son, org("福祉あんしん課"))
    case = open_case(coordinator, mother, household, focus_members=[son])
    case = move(coordinator, case, CaseState.ASSESSMENT)
    data = assessment_input(case)
    data.occurred_at = WRITTEN_AT
    data.household_answers["family"] = {"value": ["8050", "介護者の負担"], "note": "母の年金で二人が暮らす"}
    son_answers = answers_for(assessment_forms.current().fields_of("member"))
    son_answers["own_words"] = {"value": "働きたいが、外に出るのがこわい", "note": ""}
    data.member_answers[son.pk] = son_answers
    return services.assessment_record(user=coordinator, case=case, data=data)


def url(assessment) -> str:
    return reverse("collaboration:assessment-print", args=[assessment.pk])


def test_the_coordinator_prints_the_sheet_as_written(client, personas, assessment):
    client.force_login(personas.coordinator)
    page = client.get(reverse("collaboration:assessment-detail", args=[assessment.pk])).content.decode()
    assert f'href="{url(assessment)}"' in page
    response = client.get(url(assessment))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "インテーク・アセスメントシート" in text and "様式 v1" in text
    assert "琴浦 花子" in text and "琴浦 一郎" in text
    assert "令和7年10月1日" in text  # 記入日
    assert "昭和19年5月3日生" in text
    # The version's sections and labels, every option printed, the chosen ones filled, the note beside them.
    for label in (
        "世帯の状況",
        "家族関係＊",
        "本人ごとの状況",
        "健康・障害＊",
        "支援員の見立て",
        "本人の思い・意向（本人の言葉）",
    ):
        assert label in text, label
    assert "■8050" in text and "■介護者の負担" in text and "□DV" in text and "□虐待" in text
    assert "特記：母の年金で二人が暮らす" in text
    assert "■疾病・通院中" in text and "□療育手帳" in text
    assert "働きたいが、外に出るのがこわい" in text
    assert "閲覧できない世帯員" not in text


def test_a_member_the_reader_may_not_see_is_counted_not_printed(client, personas, assessment):
    client.force_login(personas.caseworker_b)
    response = client.get(url(assessment))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "琴浦 花子" in text and "一郎" not in text and "外に出るのがこわい" not in text
    assert "閲覧できない世帯員1名の欄は印刷していません。" in text


def test_a_stranger_gets_404_and_nothing_is_exported(client, personas, assessment):
    before = AuditEntry.objects.filter(action=Action.EXPORT).count()
    for persona in (personas.stranger, personas.auditor, personas.administrator):
        client.force_login(persona)
        assert client.get(url(assessment)).status_code == 404, persona
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == before


def test_the_print_is_audited_as_an_export_of_the_sheet_and_the_members_on_it(client, personas, assessment):
    client.force_login(personas.coordinator)
    client.get(url(assessment))
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_id=str(assessment.pk))
    assert entry.summary == "インテーク・アセスメントシートを印刷（PDF）" and entry.user == personas.coordinator
    assert entry.person_id == assessment.person_id and entry.basis
    members = AuditEntry.objects.filter(
        action=Action.EXPORT, summary__startswith="アセスメントの世帯員ごとの記入を印刷"
    )
    assert {pid for e in members for pid in (e.records or {})["person"]} == set(
        assessment.members.values_list("person_id", flat=True)
    )


def test_the_print_is_japanese_whatever_the_screen_language(client, personas, assessment):
    client.force_login(personas.coordinator)
    with translation.override("en"):
        response = client.get(url(assessment), headers={"accept-language": "en"})
    text = pdf_text(response.content)
    assert "令和7年10月1日" in text and "家族関係＊" in text
