"""インテーク・アセスメントシート as PDF, in the layout of the national sheet: the record's header and the
person, then the household's sections, then each member's, every field with its options printed and the
chosen ones filled (■/□: BIZ UD has no ☑/☐, and ``printing`` prints ticks this way on every form), the
note beside them, ＊ on the national-report (太枠) fields.

The sections and labels are those of the form version the record was written in (``sheet.form``), so a v1
record prints as v1 after a v2 is shipped. The caller fetches the assessment through the access core,
builds the sheet for the reader (members they may not see are counted, not given) and audits the export.
No address is printed: the sheet does not need one, so a protected (DV) location never reaches it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Spacer, Table

from tsunagu.collaboration import assessment_forms
from tsunagu.collaboration.selectors import AssessmentSheet
from tsunagu.core.japanese.wareki import age_on, to_wareki
from tsunagu.people.models import Person
from tsunagu.printing.furniture import numbered_canvas, pdf_document, printed_line
from tsunagu.printing.grid import labelled
from tsunagu.printing.text import GOTHIC, choices, local, markup, para, printable, staff_name

TITLE = "インテーク・アセスメントシート"
REQUIRED_MARK = "＊"
REQUIRED_NOTE = f"{REQUIRED_MARK}は国への報告に必要な項目（太枠）です。"


def _birth(person: Person, on: date) -> str:
    if person.birth_date is None:
        return "不明"
    age = f"（{age_on(person.birth_date, on)}歳）" if person.birth_date <= on else ""
    return f"{to_wareki(person.birth_date)}生{age}"


def _value(field: assessment_forms.FieldDefinition, shown: assessment_forms.ShownField) -> Any:
    """A field as the paper sheet has it: every option, the chosen ones filled, then the note."""
    note = f"<br/>特記：{escape(shown.note)}" if shown.note else ""
    if field.type == "checks":
        chosen = shown.value if isinstance(shown.value, list) else []
        return markup(choices([(o, escape(o)) for o in field.options], chosen) + note, "small")
    if field.type == "choice":
        return markup(choices([(o, escape(o)) for o in field.options], [shown.value]) + note, "small")
    text = shown.value if isinstance(shown.value, str) and shown.value else "—"
    return markup(escape(text).replace("\n", "<br/>") + note)


def _section(section: assessment_forms.SectionDefinition, answers: dict[str, Any]) -> Table:
    fields = list(section.fields)
    rows: list[Any] = []
    for field, shown in zip(fields, assessment_forms.shown(fields, answers), strict=True):
        label = field.label + (REQUIRED_MARK if field.required else "")
        rows.append((label, _value(field, shown)))
    return labelled(rows or [("—",)], section.title)


def _later_pages(person_name: str) -> Callable[[Canvas, Any], None]:
    """Whose sheet it is, at the top of every page after the first, so that a loose sheet is still known."""

    def draw(canvas: Canvas, document: Any) -> None:
        _width, height = document.pagesize
        canvas.saveState()
        canvas.setFont(GOTHIC, 9)
        canvas.drawString(12 * mm, height - 9 * mm, printable(f"{TITLE}（続き）　本人：{person_name}"))
        canvas.restoreState()

    return draw


def assessment_pdf(sheet: AssessmentSheet, *, printed_at: datetime | None = None) -> bytes:
    """The sheet of one assessment as the reader may see it, A4 portrait."""
    assessment = sheet.assessment
    form = sheet.form
    written_on = local(assessment.occurred_at).date()
    person = assessment.person
    gap = Spacer(1, 1.8 * mm)
    story: list[Any] = [
        para(TITLE, "title"),
        Spacer(1, 1.5 * mm),
        para(f"{form.name}（様式 {form.version}）　{REQUIRED_NOTE}", "small"),
        Spacer(1, 2 * mm),
        labelled(
            [
                ("記入日", to_wareki(written_on), "記入者", staff_name(assessment.staff)),
                ("記入機関", assessment.organization.name, "ケース", f"多機関協働ケース {assessment.case_id}"),
            ],
            "記入",
        ),
        gap,
        labelled(
            [
                ("ふりがな", person.full_name_kana, "生年月日", _birth(person, written_on)),
                ("氏名", para(person.full_name, "name")),
            ],
            "本人",
        ),
    ]
    for section in form.sections_of("household"):
        story += [gap, _section(section, assessment.answers)]
    member_sections = form.sections_of("member")
    for member in sheet.members:
        identity = labelled(
            [("氏名", para(member.person.full_name, "identity"), "生年月日", _birth(member.person, written_on))],
            "世帯員",
        )
        parts = [_section(s, member.answers) for s in member_sections]
        # The member's name stays with the start of their answers: never alone at the foot of a page.
        story += [gap, KeepTogether([identity, *parts[:1]]), *parts[1:]]
    if sheet.hidden_members:
        story += [gap, para(f"閲覧できない世帯員{sheet.hidden_members}名の欄は印刷していません。", "small")]
    buffer = io.BytesIO()
    document = pdf_document(buffer, pagesize=A4, title=TITLE, top=14 * mm)
    document.build(
        story,
        onLaterPages=_later_pages(person.full_name),
        canvasmaker=numbered_canvas(printed_line(printed_at), total_label=False),
    )
    return buffer.getvalue()
