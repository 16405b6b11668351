"""Printed forms: the 相談受付・申込票 (A票) and the 経過一覧 of the 支援経過記録 (reference japan-official
§1.3, §1.6), as PDF.

Paper is still how a consultation travels: the person signs the 申込票 at the counter, and the 経過一覧 is
what a 支援会議 reads from. So the layout follows the national forms — boxed, ruled, section labels down
the left, ■/□ for the printed ticks (the glyphs survive photocopying and text extraction alike, where a
drawn tick would not be searchable), 和暦 dates and era boxes — so that staff used to the paper form find
each item where they expect it.

The fonts are reportlab's built-in CID fonts (平成明朝 / 平成角ゴシック): nothing is embedded, so no font
file has to be shipped or licensed, and every PDF viewer in a town hall supplies a Japanese font for them.
The fonts reach no further than U+FFFF: a name's 𠮷 is printed as 吉, an unknown such character as 〓
(``printable``); a character the fonts lack below that prints as the viewer's missing-glyph box.

These functions only lay out what the caller hands them: fetching through the access core, the audit
entry and the decision whether a protected (DV) address may be printed are the caller's
(``print_views``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tsunagu.access.models import Consent, ConsentGiver
from tsunagu.consultations.models import (
    CaseNote,
    ConsentVariant,
    Consultation,
    ConsultationIssue,
    Outcome,
    Referral,
    Route,
    Urgency,
    Visitor,
)
from tsunagu.consultations.selectors import Timeline, TimelineItem
from tsunagu.core.japanese.wareki import age_on, era_of, to_wareki
from tsunagu.people.models import Gender, Person

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"

FOOTER_NOTICE = "つなぐ — 個人情報を含みます。取扱注意"
# The application, then the consent: printed one sentence a line, each read and signed as a whole.
CONSENT_APPLICATION = "私は、支援を申し込みます。"
CONSENT_AGREEMENT = "相談内容及び私に関する情報を、支援に必要な範囲で関係機関（者）と共有することに同意します。"
CONSENT_STATEMENT = CONSENT_APPLICATION + CONSENT_AGREEMENT
WITHOUT_CONSENT_NOTICE = "本人同意なし：支援会議（社会福祉法第106条の6）での検討に限り情報を共有します"
MINIMAL_NOTICE = "同意なしのため最小限の情報のみ記載"
PROTECTED_ADDRESS = "非開示（DV等・登録機関のみ）"
# The eras the national form prints as boxes for 生年月日; an older era is written out beside them.
BIRTH_ERAS = ("大正", "昭和", "平成", "令和")

CHECKED, UNCHECKED = "■", "□"
GRID_COLOUR = colors.black
LABEL_BACKGROUND = colors.Color(0.92, 0.92, 0.92)
THIN, THICK = 0.5, 1.2


@functools.cache
def _register_fonts() -> None:
    """Register the CID fonts once per process (reportlab keeps them in a global registry)."""
    pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
    pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    # wordWrap="CJK": Japanese has no spaces, so lines must break between any two characters. reportlab
    # hangs a character that may not start a line (ー、。）) past the right edge (ぶら下げ); a right
    # indent of one character keeps it inside the cell instead of across the ruled line.
    base = ParagraphStyle("base", fontName=MINCHO, fontSize=9, leading=12, wordWrap="CJK", rightIndent=9)
    centred = {"alignment": TA_CENTER, "rightIndent": 0}
    return {
        "value": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, rightIndent=7.5),
        "name": ParagraphStyle("name", parent=base, fontSize=13, leading=16, rightIndent=13),
        "label": ParagraphStyle("label", parent=base, fontName=GOTHIC, fontSize=8, leading=10, rightIndent=0),
        "section": ParagraphStyle("section", parent=base, fontName=GOTHIC, fontSize=9, leading=10.5, **centred),
        "title": ParagraphStyle("title", parent=base, fontName=GOTHIC, fontSize=16, leading=20, **centred),
        "statement": ParagraphStyle("statement", parent=base, fontSize=10, leading=15, rightIndent=10),
        "notice": ParagraphStyle("notice", parent=base, fontName=GOTHIC, fontSize=10.5, leading=14, rightIndent=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5, rightIndent=8),
        "identity": ParagraphStyle("identity", parent=base, fontSize=11, leading=13, rightIndent=11),
        "head": ParagraphStyle("head", parent=base, fontName=GOTHIC, fontSize=8, leading=10, **centred),
    }


# Characters of names outside the fonts' range (beyond U+FFFF), printed as their everyday form (代替文字).
SUBSTITUTES = {"𠮷": "吉", "𡈽": "土"}
GETA = "〓"  # what Japanese printing has always put where a 外字 could not be set


def printable(text: str) -> str:
    """``text`` as the CID fonts can set it: variation selectors (IVS) dropped so the base character prints,
    known characters beyond U+FFFF replaced by their common form, any other such character by 〓.

    The fonts address characters in 16 bits; left alone, 𠮷 would print as two or three empty boxes.
    The stored name is untouched: this is only what goes on paper.
    """
    out = []
    for char in text:
        code = ord(char)
        if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            continue
        out.append(SUBSTITUTES.get(char, GETA) if code > 0xFFFF else char)
    return "".join(out)


def _p(text: str, style: str = "value") -> Paragraph:
    """A paragraph of plain text: escaped (user text is never markup) and with its line breaks kept."""
    return _markup(escape(text).replace("\n", "<br/>"), style)


def _markup(markup: str, style: str = "value") -> Paragraph:
    return Paragraph(printable(markup), _styles()[style])


def _vertical(text: str) -> Paragraph:
    """A section label written top to bottom, one character a line, as on the national forms."""
    return _markup("<br/>".join(escape(c) for c in text), "section")


def _choices(
    options: Iterable[tuple[str, object]], selected: Iterable[str], *, notes: dict[str, str] | None = None
) -> str:
    """'■本人　□家族（続柄：母）…': every option printed, the chosen ones filled, as the paper form does."""
    chosen = set(selected)
    parts = []
    for value, label in options:
        note = (notes or {}).get(value)
        suffix = f"（{note}）" if note is not None else ""
        parts.append(f"{CHECKED if value in chosen else UNCHECKED}{label}{suffix}")
    return "　".join(parts)


def _local(at: datetime) -> datetime:
    return timezone.localtime(at) if timezone.is_aware(at) else at


def _wareki_datetime(at: datetime) -> str:
    local = _local(at)
    return f"{to_wareki(local.date())} {local:%H:%M}"


def _staff(user: Any) -> str:
    return str(user) if user is not None else ""


def _postal(code: str) -> str:
    digits = "".join(c for c in code if c.isdigit())
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else (f"〒{code}" if code else "〒")


# ---- page furniture ------------------------------------------------------------------------------


def _numbered_canvas(footer: str, *, total_label: bool) -> type[Canvas]:
    """A canvas that holds every page back until the end, so each footer can say 「n / N ページ」."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name, overridden
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(GOTHIC, 7.5)
            self.setFillColor(colors.black)
            self.drawString(12 * mm, 7 * mm, FOOTER_NOTICE)
            self.setFont(MINCHO, 7.5)
            self.drawRightString(width - 12 * mm, 7 * mm, footer)
            if total_label or total > 1:
                self.drawCentredString(width / 2, 7 * mm, f"{number} / {total} ページ")
            self.restoreState()

    return NumberedCanvas


def _document(buffer: io.BytesIO, *, pagesize: tuple[float, float], title: str, top: float) -> SimpleDocTemplate:
    # invariant: the same record printed twice gives the same bytes (no creation time or random file id),
    # and the metadata holds no personal data: a file's title shows in download lists and viewer tabs.
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=top,
        bottomMargin=14 * mm,
        title=title,
        author="つなぐ",
        creator="つなぐ",
        invariant=True,
        lang="ja",
    )


def _printed(printed_at: datetime | None) -> str:
    return f"印刷日時：{_wareki_datetime(printed_at or timezone.now())}"


# ---- 相談受付・申込票 ----------------------------------------------------------------------------

FORM_WIDTH = 186 * mm
SECTION = 9 * mm
LABEL = 21 * mm
HALF = (FORM_WIDTH - SECTION - 2 * LABEL) / 2
# Section label | item label | value | item label | value: one grid for every section, like a ruled form.
GRID = [SECTION, LABEL, HALF, LABEL, HALF]


def _form_table(rows: list[list[Any]], *, spans: Sequence[tuple[int, int, int, int]] = (), min_heights: Any = None,
                widths: Sequence[float] = GRID, label_cells: Sequence[tuple[int, int]] = (),
                extra: Sequence[tuple[Any, ...]] = (), ruled: bool = True) -> Table:  # fmt: skip
    """One boxed section: thick outer frame, thin rules (unless ``ruled`` is off), a grey vertical label."""
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), THICK, GRID_COLOUR),
        *([("INNERGRID", (0, 0), (-1, -1), THIN, GRID_COLOUR)] if ruled else []),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("SPAN", (0, 0), (0, -1)),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BACKGROUND),
        ("LINEAFTER", (0, 0), (0, -1), THICK, GRID_COLOUR),
    ]
    commands += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
    commands += [("BACKGROUND", (c, r), (c, r), LABEL_BACKGROUND) for c, r in label_cells]
    commands += extra
    # splitInRow: a long 本人の言葉 continues on the next page instead of failing the whole print.
    return Table(
        rows, colWidths=list(widths), style=TableStyle(commands), minRowHeights=min_heights, splitInRow=1,
        hAlign="CENTER",
    )  # fmt: skip


FormRow = tuple[Any] | tuple[str, Any] | tuple[str, Any, str, Any]


def _labelled(rows: list[FormRow], section: str, *, min_heights: Any = None) -> Table:
    """Rows of 'value', 'label | value' or 'label | value | label | value' under a vertical section label."""
    data: list[list[Any]] = []
    spans: list[tuple[int, int, int, int]] = []
    labels: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        cells: list[Any] = [_vertical(section) if index == 0 else ""]
        values = [_as_flowable(v) for v in row]
        if len(row) == 1:
            cells += [values[0], "", "", ""]
            spans.append((1, index, 4, index))
        elif len(row) == 2:
            cells += [_p(row[0], "label"), values[1], "", ""]
            spans.append((2, index, 4, index))
            labels.append((1, index))
        else:
            cells += [_p(str(row[0]), "label"), values[1], _p(str(row[2]), "label"), values[3]]
            labels += [(1, index), (3, index)]
        data.append(cells)
    return _form_table(data, spans=spans, min_heights=min_heights, label_cells=labels)


def _as_flowable(value: Any) -> Any:
    return _p(value) if isinstance(value, str) else value


def _reception(consultation: Consultation) -> Table:
    return _labelled(
        [
            ("ID", str(consultation.pk), "受付日", to_wareki(_local(consultation.received_at).date())),
            ("受付者", _staff(consultation.staff), "受付機関", consultation.organization.name),
            ("事業", consultation.program.name),
            ("相談経路", _markup(_choices(Route.choices, [consultation.route]), "small")),
        ],
        "受付",
    )


def _gender(person: Person) -> str:
    note = person.gender_note if person.gender == Gender.OTHER else ""
    options = [(Gender.MALE.value, "男性"), (Gender.FEMALE.value, "女性"), (Gender.OTHER.value, "その他")]
    text = _choices(options, [person.gender], notes={Gender.OTHER.value: escape(note) or "　　"})
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


def _basic_information(consultation: Consultation, *, show_protected_address: bool) -> Table:
    person = consultation.person
    if consultation.is_anonymous or person is None:
        return _labelled(
            [
                ("氏名", _p("匿名", "name")),
                ("概要", consultation.anonymous_description or "—"),
                ("記載", _p(MINIMAL_NOTICE, "label")),
            ],
            "基本情報",
        )
    if consultation.consent_variant == ConsentVariant.WITHOUT_CONSENT:
        # Without consent the form goes no further than the name: no address, phone or birth date.
        return _labelled([("氏名", _p(person.full_name, "name")), ("記載", _p(MINIMAL_NOTICE, "label"))], "基本情報")
    received_on = _local(consultation.received_at).date()
    if person.address_protected and not show_protected_address:
        address = PROTECTED_ADDRESS
    else:
        address = f"{_postal(person.postal_code)}　{person.address}"
    phones = "　／　".join(p for p in (person.phone, person.phone2) if p)
    return _labelled(
        [
            ("ふりがな", person.full_name_kana, "性別", _markup(_gender(person))),
            ("氏名", _p(person.full_name, "name"), "年齢", _age(person, received_on)),
            ("生年月日", _markup(_birth(person))),
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
    return _labelled(
        [
            ("来談者", _markup(_choices(Visitor.choices, [consultation.visitor], notes=notes))),
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
        cells.append(_markup(f'{mark}{escape(issue.name)}<font name="{GOTHIC}">{main}</font>', "cell"))
    while len(cells) % ISSUE_COLUMNS:
        cells.append("")
    column = (FORM_WIDTH - SECTION) / ISSUE_COLUMNS
    guide = _p("あてはまるものすべてに■、最も困っていること一つに◎", "small")
    rows: list[list[Any]] = [[_vertical("ご相談の内容"), guide, "", ""]]
    rows += [["", *cells[i : i + ISSUE_COLUMNS]] for i in range(0, len(cells), ISSUE_COLUMNS)]
    rows.append(["", _markup(f"その他の内容：{escape(consultation.issue_note)}", "cell"), "", ""])
    last = len(rows) - 1
    # The item grid reads as one list, not as separate boxes: rules only around the guide and その他.
    return _form_table(
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
    rows = [[_p(title, "label")], [_p(text)]]
    commands = [
        ("BOX", (0, 0), (-1, -1), THICK, GRID_COLOUR),
        ("LINEBELOW", (0, 0), (-1, 0), THIN, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BACKGROUND),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    return Table(rows, colWidths=[FORM_WIDTH], style=TableStyle(commands), minRowHeights=[0, min_height], splitInRow=1)


def _response(consultation: Consultation) -> Table:
    return _labelled(
        [
            ("対応", _markup(_choices(Outcome.choices, [consultation.outcome]), "small")),
            ("対応の内容", consultation.outcome_note),
            ("緊急度", _markup(_choices(Urgency.choices, [consultation.urgency]))),
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
    return _labelled(
        [
            (_p(f"{CONSENT_APPLICATION}\n{CONSENT_AGREEMENT}", "statement"),),
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
    style = TableStyle([
        ("BOX", (0, 0), (-1, -1), THICK * 1.5, GRID_COLOUR),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ])  # fmt: skip
    return Table([[_p(WITHOUT_CONSENT_NOTICE, "notice")]], colWidths=[FORM_WIDTH], style=style)


def intake_title(consultation: Consultation) -> str:
    variant = "本人同意あり" if consultation.consent_variant == ConsentVariant.WITH_CONSENT else "本人同意なし"
    return f"相談受付・申込票【{variant}】"


def consultation_intake_pdf(
    consultation: Consultation, *, show_protected_address: bool = False, printed_at: datetime | None = None
) -> bytes:
    """The 相談受付・申込票 of one consultation, A4 portrait, in the national form's order of sections.

    ``show_protected_address`` is the access decision's ``may_see_protected_address``: a DV-protected
    address is left off paper unless the printing agency is the one that registered the person.
    """
    gap = Spacer(1, 1.8 * mm)
    with_consent = consultation.consent_variant == ConsentVariant.WITH_CONSENT and not consultation.is_anonymous
    story: list[Any] = [
        _p(intake_title(consultation), "title"),
        Spacer(1, 3 * mm),
        _reception(consultation),
        gap,
        _basic_information(consultation, show_protected_address=show_protected_address),
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
    document = _document(buffer, pagesize=A4, title="相談受付・申込票", top=10 * mm)
    document.build(story, canvasmaker=_numbered_canvas(_printed(printed_at), total_label=False))
    return buffer.getvalue()


# ---- 経過一覧 -----------------------------------------------------------------------------------

TIMELINE_HEADERS = ("日時（和暦）", "機関", "手段・種類", "相手", "内容", "対応者", "今後の予定")
TIMELINE_WIDTHS = [37 * mm, 40 * mm, 26 * mm, 22 * mm, 0.0, 20 * mm, 45 * mm]
TIMELINE_WIDTHS[4] = landscape(A4)[0] - 24 * mm - sum(TIMELINE_WIDTHS)
WORDS_IN_TIMELINE = 200


def _cells_for(item: TimelineItem) -> list[str]:
    """One row of the 経過一覧: what happened, with whom, by whom, and what comes next."""
    record = item.record
    when = _wareki_datetime(item.at)
    if isinstance(record, Consultation):
        words = record.words if len(record.words) <= WORDS_IN_TIMELINE else record.words[:WORDS_IN_TIMELINE] + "…"
        content = f"◎{record.main_issue.name}（{record.get_outcome_display()}）" + (f"\n{words}" if words else "")
        counterpart = record.get_visitor_display() + (f"：{record.visitor_name}" if record.visitor_name else "")
        return [when, item.organization, f"相談受付（{record.get_route_display()}）", counterpart, content,
                _staff(record.staff), ""]  # fmt: skip
    if isinstance(record, Referral):
        content = f"{record.from_organization.name} → {record.to_organization.name}：{record.reason}"
        next_step = f"回答期限 {to_wareki(record.due_on)}（{record.get_status_display()}）"
        return [when, item.organization, f"つなぎ（{record.get_basis_display()}）", record.to_organization.name,
                content, _staff(record.sent_by), next_step]  # fmt: skip
    assert isinstance(record, CaseNote)
    counterpart = record.get_counterpart_display() + (
        f"：{record.counterpart_detail}" if record.counterpart_detail else ""
    )
    next_step = record.next_step + (f"（{to_wareki(record.next_step_on)}）" if record.next_step_on else "")
    return [when, item.organization, record.get_means_display(), counterpart, record.content, _staff(record.staff),
            next_step]  # fmt: skip


CELL_PADDING = 2.5
# The tallest a row may be: ten lines, so a long record fills the pages with little left blank at a foot.
MAX_ROW_HEIGHT = 110.0


def _content_parts(text: str, width: float) -> list[Paragraph]:
    """The 内容 of one record cut into pieces no taller than ``MAX_ROW_HEIGHT``, one row each.

    reportlab can split a row across pages itself (``splitInRow``), but together with the repeated
    heading row it puts a stray heading and a sliver of the row at the foot of the page. Rows cut here
    are whole rows, so the table only ever breaks between rows.
    """
    parts: list[Paragraph] = []
    paragraph = _p(text, "cell")
    while True:
        _width, height = paragraph.wrap(width, MAX_ROW_HEIGHT)
        pieces = paragraph.split(width, MAX_ROW_HEIGHT) if height > MAX_ROW_HEIGHT else []
        if len(pieces) != 2:
            parts.append(paragraph)
            return parts
        parts.append(pieces[0])
        paragraph = pieces[1]


def _timeline_header(person: Person) -> Callable[[Canvas, Any], None]:
    """The title and the person's identifiers at the top of every page, so a loose sheet is still known.

    The identifiers are a small table, not strings at fixed places: a long name wraps in its own column
    instead of running over the reading beside it.
    """
    birth = f"{to_wareki(person.birth_date)}生" if person.birth_date else "不明"
    identity = Table(
        [[_markup(f'<font name="{GOTHIC}">氏名：</font>{escape(person.full_name)}', "identity"),
          _p(f"ふりがな：{person.full_name_kana}"), _p(f"生年月日：{birth}")]],
        colWidths=[110 * mm, 100 * mm, landscape(A4)[0] - 24 * mm - 210 * mm],
        style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), THICK, GRID_COLOUR), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                          ("LEFTPADDING", (0, 0), (0, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]),
    )  # fmt: skip

    def draw(canvas: Canvas, document: Any) -> None:
        _width, height = document.pagesize
        canvas.saveState()
        canvas.setFont(GOTHIC, 14)
        canvas.drawString(12 * mm, height - 12 * mm, "経過一覧（支援経過記録）")
        _w, h = identity.wrapOn(canvas, document.width, 12 * mm)
        identity.drawOn(canvas, 12 * mm, height - 14.5 * mm - h)
        canvas.restoreState()

    return draw


def timeline_pdf(person: Person, timeline: Timeline, *, printed_at: datetime | None = None) -> bytes:
    """The 経過一覧 of one person, A4 landscape, oldest first; the column headings repeat on every page."""
    rows: list[list[Any]] = [[_p(h, "head") for h in TIMELINE_HEADERS]]
    content_width = TIMELINE_WIDTHS[4] - 2 * CELL_PADDING
    for item in timeline.items:
        cells = _cells_for(item)
        first, *more = _content_parts(cells[4], content_width)
        rows.append([_p(text, "cell") if index != 4 else first for index, text in enumerate(cells)])
        rows += [[_p("（続き）", "cell"), "", "", "", part, "", ""] for part in more]
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), THICK, GRID_COLOUR),
        ("INNERGRID", (0, 0), (-1, -1), THIN, GRID_COLOUR),
        ("LINEBELOW", (0, 0), (-1, 0), THICK, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if not timeline.items:
        rows.append([_p("記録はありません。", "cell"), "", "", "", "", "", ""])
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = LongTable(rows, colWidths=TIMELINE_WIDTHS, repeatRows=1, style=TableStyle(commands))
    printed = _printed(printed_at)
    buffer = io.BytesIO()
    document = _document(buffer, pagesize=landscape(A4), title="経過一覧（支援経過記録）", top=26 * mm)
    header = _timeline_header(person)
    document.build(
        [table],
        onFirstPage=header,
        onLaterPages=header,
        canvasmaker=_numbered_canvas(printed, total_label=True),
    )
    return buffer.getvalue()
