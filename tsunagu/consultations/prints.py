"""相談受付・申込票 (A票) as PDF, in the national form's order of sections (reference japan-official §1.3).

Built on the shared printing helpers (``tsunagu.printing``); the caller fetches the consultation through
the access core, audits the export and decides whether a protected (DV) address may be printed.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from tsunagu.access.models import Consent, ConsentGiver
from tsunagu.consultations.models import (
    ConsentVariant,
    Consultation,
    ConsultationIssue,
    Outcome,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.core.japanese.wareki import age_on, era_of, to_wareki
from tsunagu.people.models import Gender, Person
from tsunagu.printing.furniture import numbered_canvas, pdf_document, printed_line
from tsunagu.printing.grid import (
    FORM_WIDTH,
    GRID_COLOUR,
    LABEL_BACKGROUND,
    SECTION,
    THICK,
    THIN,
    form_table,
    labelled,
    table_style,
)
from tsunagu.printing.text import CHECKED, GOTHIC, UNCHECKED, choices, local, markup, para, postal, staff_name, vertical

# The application, then the consent: printed one sentence a line, each read and signed as a whole.
CONSENT_APPLICATION = "私は、支援を申し込みます。"
CONSENT_AGREEMENT = "相談内容及び私に関する情報を、支援に必要な範囲で関係機関（者）と共有することに同意します。"
CONSENT_STATEMENT = CONSENT_APPLICATION + CONSENT_AGREEMENT
WITHOUT_CONSENT_NOTICE = "本人同意なし：支援会議（社会福祉法第106条の6）での検討に限り情報を共有します"
MINIMAL_NOTICE = "同意なしのため最小限の情報のみ記載"
PROTECTED_ADDRESS = "非開示（DV等）"
# The eras the national form prints as boxes for 生年月日; an older era is written out beside them.
BIRTH_ERAS = ("大正", "昭和", "平成", "令和")


def _reception(consultation: Consultation) -> Table:
    return labelled(
        [
            ("ID", str(consultation.pk), "受付日", to_wareki(local(consultation.received_at).date())),
            ("受付者", staff_name(consultation.staff), "受付機関", consultation.organization.name),
            ("事業", consultation.program.name),
            ("相談経路", markup(choices(Route.choices, [consultation.route]), "small")),
        ],
        "受付",
    )


def _gender(person: Person) -> str:
    note = person.gender_note if person.gender == Gender.OTHER else ""
    options = [(Gender.MALE.value, "男性"), (Gender.FEMALE.value, "女性"), (Gender.OTHER.value, "その他")]
    text = choices(options, [person.gender], notes={Gender.OTHER.value: escape(note) or "　　"})
    return text + ("　（回答なし・不明）" if person.gender == Gender.UNSTATED else "")


def _birth(person: Person) -> str:
    """The era boxes with the chosen era ticked, then year, month and day in that era (元年 for 1)."""
    birth = person.birth_date
    era = era_of(birth) if birth else None
    boxes = "　".join(f"{CHECKED if era and era.name == name else UNCHECKED}{name}" for name in BIRTH_ERAS)
    if birth is None:
        return f"{boxes}　　　年　　月　　日"
    if era is None or era.name not in BIRTH_ERAS:
        return f"{boxes}　{escape(to_wareki(birth))}"
    year = era.year_of(birth)
    return f"{boxes}　{'元' if year == 1 else year}年{birth.month}月{birth.day}日"


def _age(person: Person, on: date) -> str:
    if person.birth_date is None or on < person.birth_date:
        return "　　歳"
    return f"{age_on(person.birth_date, on)}歳（受付日現在）"


def _basic_information(consultation: Consultation, *, location_hidden: bool) -> Table:
    person = consultation.person
    if consultation.is_anonymous or person is None:
        return labelled(
            [
                ("氏名", para("匿名", "name")),
                ("概要", consultation.anonymous_description or "—"),
                ("記載", para(MINIMAL_NOTICE, "label")),
            ],
            "基本情報",
        )
    if consultation.consent_variant == ConsentVariant.WITHOUT_CONSENT:
        # Without consent the form goes no further than the name: no address, phone or birth date.
        return labelled([("氏名", para(person.full_name, "name")), ("記載", para(MINIMAL_NOTICE, "label"))], "基本情報")
    received_on = local(consultation.received_at).date()
    address = PROTECTED_ADDRESS if location_hidden else f"{postal(person.postal_code)}　{person.address}"
    phones = "　／　".join(p for p in (person.phone, person.phone2) if p)
    return labelled(
        [
            ("ふりがな", person.full_name_kana, "性別", markup(_gender(person))),
            ("氏名", para(person.full_name, "name"), "年齢", _age(person, received_on)),
            ("生年月日", markup(_birth(person))),
            ("住所", address),
            ("電話", phones),
        ],
        "基本情報",
    )


def _visitor(consultation: Consultation) -> Table:
    relationship = escape(consultation.visitor_relationship) or "　　　"
    notes = {
        Visitor.FAMILY.value: f"続柄：{relationship if consultation.visitor == Visitor.FAMILY else '　　　'}",
        Visitor.CONCERNED.value: f"関係：{relationship if consultation.visitor == Visitor.CONCERNED else '　　　'}",
    }
    other = consultation.visitor != Visitor.PERSON
    return labelled(
        [
            ("来談者", markup(choices(Visitor.choices, [consultation.visitor], notes=notes))),
            ("氏名", consultation.visitor_name if other else "", "電話", consultation.visitor_phone if other else ""),
        ],
        "来談者",
    )


def _issue_list(consultation: Consultation) -> list[ConsultationIssue]:
    """The municipality's active items in order, plus any retired item this consultation still carries."""
    chosen = list(consultation.issues.all())
    active = ConsultationIssue.objects.filter(municipality_id=consultation.municipality_id, is_active=True)
    items = {i.pk: i for i in active}
    items.update({i.pk: i for i in chosen})
    return sorted(items.values(), key=lambda i: (i.order, i.pk))


ISSUE_COLUMNS = 3


def _issues(consultation: Consultation) -> Table:
    chosen = {i.pk for i in consultation.issues.all()}
    cells = []
    for issue in _issue_list(consultation):
        mark = CHECKED if issue.pk in chosen else UNCHECKED
        main = "　◎" if issue.pk == consultation.main_issue_id else ""
        cells.append(markup(f'{mark}{escape(issue.name)}<font name="{GOTHIC}">{main}</font>', "cell"))
    while len(cells) % ISSUE_COLUMNS:
        cells.append("")
    column = (FORM_WIDTH - SECTION) / ISSUE_COLUMNS
    guide = para("あてはまるものすべてに■、最も困っていること一つに◎", "small")
    rows: list[list[Any]] = [[vertical("ご相談の内容"), guide, "", ""]]
    rows += [["", *cells[i : i + ISSUE_COLUMNS]] for i in range(0, len(cells), ISSUE_COLUMNS)]
    rows.append(["", markup(f"その他の内容：{escape(consultation.issue_note)}", "cell"), "", ""])
    last = len(rows) - 1
    # The item grid reads as one list, not as separate boxes: rules only around the guide and その他.
    return form_table(
        rows,
        widths=[SECTION] + [column] * ISSUE_COLUMNS,
        spans=[(1, 0, ISSUE_COLUMNS, 0), (1, last, ISSUE_COLUMNS, last)],
        ruled=False,
        extra=[
            ("LINEBELOW", (1, 0), (-1, 0), THIN, GRID_COLOUR),
            ("LINEABOVE", (1, last), (-1, last), THIN, GRID_COLOUR),
            ("TOPPADDING", (1, 1), (-1, last - 1), 1.2),
            ("BOTTOMPADDING", (1, 1), (-1, last - 1), 1.2),
        ],
    )


def _free_text(title: str, text: str, min_height: float) -> Table:
    """A heading over a ruled box that is at least ``min_height`` tall, for the person's own words."""
    rows = [[para(title, "label")], [para(text)]]
    commands = [
        ("BOX", (0, 0), (-1, -1), THICK, GRID_COLOUR),
        ("LINEBELOW", (0, 0), (-1, 0), THIN, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BACKGROUND),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    return Table(rows, colWidths=[FORM_WIDTH], style=table_style(commands), minRowHeights=[0, min_height], splitInRow=1)


def _response(consultation: Consultation) -> Table:
    return labelled(
        [
            ("対応", markup(choices(Outcome.choices, [consultation.outcome]), "small")),
            ("対応の内容", consultation.outcome_note),
            ("緊急度", markup(choices(Urgency.choices, [consultation.urgency]))),
        ],
        "対応",
    )


def _scope(consent: Consent) -> str:
    names = "、".join(o.name for o in consent.organizations.all())
    if consent.all_plan_agencies:
        return f"計画のすべての支援関係機関（同意日時点）：{names}"
    return names


def _application(consultation: Consultation) -> Table:
    """相談申込み・同意: the statement, the recorded scope, and empty ruled boxes to sign and write in."""
    consent = consultation.consent
    scope, purpose, given_on, method, representative, relationship = "（同意の記録がありません）", "", "", "", "", ""
    if consent is not None:
        scope = _scope(consent)
        if consent.withdrawn_on is not None:
            scope += f"（{to_wareki(consent.withdrawn_on)}に撤回）"
        purpose, given_on, method = consent.purpose, to_wareki(consent.given_on), consent.get_method_display()
        if consent.given_by != ConsentGiver.SELF:
            representative = consent.representative_name
            relationship = consent.representative_relationship or consent.get_given_by_display()
    return labelled(
        [
            (para(f"{CONSENT_APPLICATION}\n{CONSENT_AGREEMENT}", "statement"),),
            ("共有先", scope),
            ("利用目的", purpose),
            ("同意日", given_on, "同意の方法", method),
            ("本人署名", ""),
            ("代理人氏名", representative, "本人との関係", relationship),
        ],
        "相談申込み・同意",
        min_heights=[0, 0, 0, 8 * mm, 16 * mm, 8 * mm],
    )


def _without_consent_box() -> Table:
    style = table_style([
        ("BOX", (0, 0), (-1, -1), THICK * 1.5, GRID_COLOUR),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ])  # fmt: skip
    return Table([[para(WITHOUT_CONSENT_NOTICE, "notice")]], colWidths=[FORM_WIDTH], style=style)


def intake_title(consultation: Consultation) -> str:
    variant = "本人同意あり" if consultation.consent_variant == ConsentVariant.WITH_CONSENT else "本人同意なし"
    return f"相談受付・申込票【{variant}】"


def consultation_intake_pdf(
    consultation: Consultation, *, location_hidden: bool | None = None, printed_at: datetime | None = None
) -> bytes:
    """The 相談受付・申込票 of one consultation, A4 portrait, in the national form's order of sections.

    ``location_hidden`` is the people selectors' ``location_hidden_for_user``: a protected (DV) location is
    left off paper unless the printing user may see it (the protecting agency, the staff it named). Not
    given (a print with no user behind it), a person's own protection hides it.
    """
    gap = Spacer(1, 1.8 * mm)
    with_consent = consultation.consent_variant == ConsentVariant.WITH_CONSENT and not consultation.is_anonymous
    story: list[Any] = [
        para(intake_title(consultation), "title"),
        Spacer(1, 3 * mm),
        _reception(consultation),
        gap,
        _basic_information(
            consultation,
            location_hidden=(
                location_hidden
                if location_hidden is not None
                else bool(consultation.person and consultation.person.address_protected)
            ),
        ),
        gap,
        _visitor(consultation),
        gap,
        _issues(consultation),
        gap,
        _free_text("相談の内容（本人の言葉）", consultation.words, 28 * mm),
        gap,
        _free_text("本人の希望", consultation.wishes, 15 * mm),
        gap,
        _response(consultation),
        gap,
        # The signature belongs with the statement it signs: never split across two sheets.
        KeepTogether([_application(consultation)]) if with_consent else _without_consent_box(),
    ]
    buffer = io.BytesIO()
    document = pdf_document(buffer, pagesize=A4, title="相談受付・申込票", top=10 * mm)
    document.build(story, canvasmaker=numbered_canvas(printed_line(printed_at), total_label=False))
    return buffer.getvalue()
