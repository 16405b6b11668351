"""Printing the 相談受付・申込票 and the 経過一覧, from the side of the people who hold the paper.

The caseworker at the counter prints the form for the person to sign; a consultation without consent
prints with no more than a name; an unrelated agency cannot print what it cannot read; and every print
leaves one EXPORT entry in the audit log. The text is read back from the PDF with pypdf, and the first
page of each form is rendered to ``var/screenshots`` (when poppler's pdftoppm is installed) for a look.
"""

import io
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tsunagu.access.models import ConsentMethod
from tsunagu.access.policy import decide
from tsunagu.access.services import ConsentInput, consent_record
from tsunagu.audit.models import Action, AuditEntry
from tsunagu.consultations.defaults import issues_ensure
from tsunagu.consultations.models import ConsentVariant, Consultation, Counterpart, Means, Outcome, Route, Visitor
from tsunagu.consultations.prints import consultation_intake_pdf
from tsunagu.consultations.services import CaseNoteInput, ConsultationInput, case_note_add, consultation_record
from tsunagu.core.models import Organization, User
from tsunagu.people.models import Gender, Person
from tsunagu.people.tests.helpers import register
from tsunagu.plans.models import Program

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
RECEIVED_AT = datetime(2025, 10, 1, 10, 30, tzinfo=TOKYO)  # 令和7年10月1日
ADDRESS = "鳥取県東伯郡琴浦町大字徳万591番地2"
PHONE = "0858-52-1111"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def pages_text(pdf: bytes) -> list[str]:
    # The CID fonts' ideographic space (U+3000) comes back from extraction as an ASCII space.
    return [page.extract_text().replace("\u3000", " ") for page in PdfReader(io.BytesIO(pdf)).pages]


def snapshot(pdf: bytes, name: str) -> None:
    """The first page as a PNG, to look at the layout; skipped quietly where poppler is not installed."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", "-", str(SCREENSHOTS / name)],
        input=pdf,
        check=True,
        timeout=60,
    )


def exports() -> int:
    return AuditEntry.objects.filter(action=Action.EXPORT).count()


@pytest.fixture
def hanako(personas) -> Person:
    return register(personas.caseworker_a, gender=Gender.FEMALE, phone=PHONE)


@pytest.fixture
def consent(personas, hanako):
    return consent_record(
        user=personas.caseworker_a,
        person=hanako,
        data=ConsentInput(
            purpose="生活と介護の支援のため関係機関で情報を共有する",
            method=ConsentMethod.WRITTEN,
            given_on=date(2025, 9, 30),
            organizations=[org("琴浦町地域包括支援センター"), org("福祉あんしん課")],
        ),
    )


def record(user: User, person: Person | None, *, variant: ConsentVariant, consent=None, **changes) -> Consultation:
    by_code = {i.code: i for i in issues_ensure(user.municipality)}
    data = ConsultationInput(
        program=Program.objects.get(municipality=user.municipality, code="community-general-support-centre"),
        received_at=RECEIVED_AT,
        route=Route.VISIT,
        consent_variant=variant,
        issues=[by_code["8050"], by_code["income"], by_code["care"]],
        main_issue=by_code["8050"],
        outcome=Outcome.HANDLED,
        person=person,
        person_decision=decide(user, person.pk) if person else None,
        consent=consent,
        words="息子が仕事を辞めて家にいる。年金だけでは暮らしていけない。",
        wishes="息子に働いてほしい",
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return consultation_record(user=user, data=data)


def print_consultation(client, user: User, consultation: Consultation):
    client.force_login(user)
    return client.get(reverse("consultations:consultation-print", args=[consultation.pk]))


def test_the_form_with_consent_is_the_national_a_sheet_ready_to_sign(client, personas, hanako, consent):
    consultation = record(personas.caseworker_a, hanako, variant=ConsentVariant.WITH_CONSENT, consent=consent)
    before = exports()

    response = print_consultation(client, personas.caseworker_a, consultation)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="consultation-{consultation.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    snapshot(pdf, "print-intake-with-consent")
    text = "\n".join(pages_text(pdf))
    assert "相談受付・申込票【本人同意あり】" in text
    assert "令和7年10月1日" in text  # 受付日
    assert "琴浦 花子" in text and "コトウラ ハナコ" in text
    assert "■昭和" in text and "19年5月3日" in text and "81歳" in text  # born 1944-05-03
    assert "■女性" in text
    assert ADDRESS in text and PHONE in text
    main_lines = [line for line in text.splitlines() if "8050" in line]
    assert main_lines and all("◎" in line and "■8050" in line for line in main_lines)
    assert "□DV・虐待" in text  # the whole list is printed, unticked where not chosen
    assert "私は、支援を申し込みます。" in text
    scope = text.split("共有先\n", 1)[1].splitlines()[0]  # the consent's scope, as recorded
    assert "琴浦町地域包括支援センター" in scope and "福祉あんしん課" in scope
    assert "令和7年9月30日" in text  # 同意日
    assert "本人署名" in text and "代理人" in text
    assert "つなぐ — 個人情報を含みます。取扱注意" in text and "印刷日時：令和" in text
    assert exports() == before + 1
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert (entry.model, entry.object_id, entry.person_id) == ("consultations.consultation", str(consultation.pk),
                                                                hanako.pk)  # fmt: skip
    assert entry.summary == "相談受付・申込票を印刷（PDF）"


def test_the_form_without_consent_prints_the_name_and_nothing_more(client, personas, hanako):
    consultation = record(personas.caseworker_a, hanako, variant=ConsentVariant.WITHOUT_CONSENT)

    response = print_consultation(client, personas.caseworker_a, consultation)

    assert response.status_code == 200
    pdf = response.content
    snapshot(pdf, "print-intake-without-consent")
    text = "\n".join(pages_text(pdf))
    assert "相談受付・申込票【本人同意なし】" in text
    assert "琴浦 花子" in text
    assert "同意なしのため最小限の情報のみ記載" in text
    assert "本人同意なし：支援会議（社会福祉法第106条の6）での検討に限り情報を共有します" in text
    for leak in ("徳万", "689-2392", PHONE, "52-1111", "19年5月3日", "コトウラ"):
        assert leak not in text
    assert "本人署名" not in text and "私は、支援を申し込みます。" not in text
    assert exports() == 1


def test_an_anonymous_consultation_prints_as_anonymous(client, personas):
    consultation = record(
        personas.caseworker_a, None, variant=ConsentVariant.WITHOUT_CONSENT, is_anonymous=True,
        anonymous_description="60代男性（近隣住民からの相談）", visitor=Visitor.CONCERNED,
        visitor_name="徳万　太郎", visitor_relationship="近隣住民",
    )  # fmt: skip

    response = print_consultation(client, personas.caseworker_a, consultation)

    assert response.status_code == 200
    text = "\n".join(pages_text(response.content))
    assert "匿名" in text and "60代男性（近隣住民からの相談）" in text
    assert "■関係者（関係：近隣住民）" in text
    assert "【本人同意なし】" in text
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.person_id is None


def test_a_protected_address_stays_off_another_agencys_paper(client, personas):
    person = register(personas.caseworker_a, address_protected=True, care_notes="DV避難中。住所は伝えない。")
    shared = consent_record(user=personas.caseworker_a, person=person, data=ConsentInput(
        purpose="障害福祉サービスの調整", method=ConsentMethod.WRITTEN, given_on=date(2025, 9, 30),
        organizations=[org("琴浦町地域包括支援センター"), org("相談支援センターサポートりんくす")]))  # fmt: skip
    consultation = record(personas.caseworker_a, person, variant=ConsentVariant.WITH_CONSENT, consent=shared)

    other = "\n".join(pages_text(print_consultation(client, personas.caseworker_b, consultation).content))
    own = "\n".join(pages_text(print_consultation(client, personas.caseworker_a, consultation).content))

    assert "徳万" not in other and "非開示" in other
    assert ADDRESS in own


def test_an_unrelated_agency_or_a_non_caseworker_cannot_print(client, personas, hanako, consent):
    consultation = record(personas.caseworker_a, hanako, variant=ConsentVariant.WITH_CONSENT, consent=consent)

    for user in (personas.caseworker_b, personas.auditor, personas.stranger):
        client.force_login(user)
        assert client.get(reverse("consultations:consultation-print", args=[consultation.pk])).status_code == 404
        assert client.get(reverse("people:person-timeline-print", args=[hanako.pk])).status_code == 404
    assert exports() == 0


def test_the_timeline_repeats_its_header_on_every_page_and_counts_the_pages(client, personas, hanako, consent):
    a = personas.caseworker_a
    record(a, hanako, variant=ConsentVariant.WITH_CONSENT, consent=consent)
    for day in range(60):
        occurred = RECEIVED_AT + timedelta(days=day, hours=1)
        case_note_add(user=a, person=hanako, data=CaseNoteInput(
            occurred_at=occurred, means=Means.HOME_VISIT if day % 2 else Means.PHONE, counterpart=Counterpart.PERSON,
            content=f"{day + 1}回目の連絡。体調と食事の様子を確認し、長男の就労の意向について話を聞いた。",
            next_step="次回訪問", next_step_on=occurred.date() + timedelta(days=1)))  # fmt: skip
    reads_before = AuditEntry.objects.filter(action=Action.READ, person_id=hanako.pk).count()

    client.force_login(a)
    response = client.get(reverse("people:person-timeline-print", args=[hanako.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="timeline-{hanako.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    snapshot(response.content, "print-timeline")
    pages = pages_text(response.content)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "経過一覧（支援経過記録）" in text and text.count("日時（和暦）") == 1
        assert all(h in text for h in ("日時（和暦）", "機関", "手段・種類", "相手", "内容", "対応者", "今後の予定"))
        assert "琴浦 花子" in text and "コトウラ ハナコ" in text and "昭和19年5月3日" in text
        assert f"{number} / {len(pages)} ページ" in text
        assert "つなぐ — 個人情報を含みます。取扱注意" in text
    everything = "\n".join(pages)
    assert "1 / " in pages[0]
    assert "令和7年10月1日 10:30" in everything and "令和7年11月29日" in everything  # first and last day
    assert "相談受付（来所）" in everything and "◎8050" in everything
    assert "60回目の連絡" in everything
    assert exports() == 1
    assert AuditEntry.objects.filter(action=Action.READ, person_id=hanako.pk).count() == reads_before + 1
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert (entry.model, entry.person_id) == ("people.person", hanako.pk)


def test_long_words_and_markup_like_text_print_safely(personas, hanako, consent):
    """The form is laid out from what people said: any length, any characters, never as markup."""
    words = "<b>&amp; 𠮷野さん</b> " + "年金だけでは暮らしていけない。" * 400
    consultation = record(personas.caseworker_a, hanako, variant=ConsentVariant.WITH_CONSENT, consent=consent,
                          words=words)  # fmt: skip

    pages = pages_text(consultation_intake_pdf(consultation))

    assert len(pages) >= 2
    assert "<b>&amp; 吉野さん</b>" in pages[0]  # 𠮷 is beyond the fonts: printed as its everyday form
    assert "1 / " in pages[0] and "本人署名" in pages[-1]


def test_a_note_longer_than_a_page_continues_on_the_next_rows(client, personas, hanako):
    a = personas.caseworker_a
    content = "".join(
        f"{n}段落目。長男と母親の話を別々に聞き、家計の状況と通院の様子を確認した。\n" for n in range(1, 121)
    )
    case_note_add(user=a, person=hanako, data=CaseNoteInput(
        occurred_at=RECEIVED_AT, means=Means.MEETING, counterpart=Counterpart.AGENCY, content=content))  # fmt: skip

    client.force_login(a)
    pages = pages_text(client.get(reverse("people:person-timeline-print", args=[hanako.pk])).content)

    everything = "\n".join(pages)
    assert len(pages) >= 3
    assert "（続き）" in everything
    assert "1段落目" in pages[0] and "120段落目" in pages[-1]
    assert all(page.count("日時（和暦）") == 1 for page in pages)  # the heading row once a page, at the top
