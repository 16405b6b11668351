"""経過一覧 (支援経過記録) as PDF: every record of a person's support, oldest first, A4 landscape.

What a row says comes from each record kind's registration (``RecordKind.print_row``); this module only
lays the rows out, so a new kind prints here without a change.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, Table

from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.printing.furniture import numbered_canvas, pdf_document, printed_line
from tsunagu.printing.grid import GRID_COLOUR, LABEL_BACKGROUND, THICK, THIN, table_style
from tsunagu.printing.text import GOTHIC, markup, para, wareki_datetime

TIMELINE_HEADERS = ("日時（和暦）", "機関", "手段・種類", "相手", "内容", "対応者", "今後の予定")
TIMELINE_WIDTHS = [37 * mm, 40 * mm, 26 * mm, 22 * mm, 0.0, 20 * mm, 45 * mm]
TIMELINE_WIDTHS[4] = landscape(A4)[0] - 24 * mm - sum(TIMELINE_WIDTHS)


@dataclass(frozen=True)
class TimelineSubject:
    """Whose 経過一覧 it is, printed at the top of every page so that a loose sheet is still known."""

    full_name: str
    full_name_kana: str
    birth_date: date | None
    # A household's 経過一覧: its members as the reader may see them, and how many others there are.
    members: tuple[str, ...] = ()
    hidden_members: int = 0


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    organization: str
    kind: str
    content: str
    counterpart: str = ""
    staff: str = ""
    next_step: str = ""


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
    paragraph = para(text, "cell")
    while True:
        _width, height = paragraph.wrap(width, MAX_ROW_HEIGHT)
        pieces = paragraph.split(width, MAX_ROW_HEIGHT) if height > MAX_ROW_HEIGHT else []
        if len(pieces) != 2:
            parts.append(paragraph)
            return parts
        parts.append(pieces[0])
        paragraph = pieces[1]


def _timeline_header(subject: TimelineSubject) -> Callable[[Canvas, Any], None]:
    """The title and the person's identifiers at the top of every page, so a loose sheet is still known.

    The identifiers are a small table, not strings at fixed places: a long name wraps in its own column
    instead of running over the reading beside it.
    """
    birth = f"{to_wareki(subject.birth_date)}生" if subject.birth_date else "不明"
    cells = [markup(f'<font name="{GOTHIC}">氏名：</font>{escape(subject.full_name)}', "identity"),
             para(f"ふりがな：{subject.full_name_kana}"), para(f"生年月日：{birth}")]  # fmt: skip
    widths = [110 * mm, 100 * mm, landscape(A4)[0] - 24 * mm - 210 * mm]
    if subject.members:
        others = f"（ほかに{subject.hidden_members}名）" if subject.hidden_members else ""
        cells = [markup(f'<font name="{GOTHIC}">世帯：</font>{escape(subject.full_name)}', "identity"),
                 para(f"世帯員：{'、'.join(subject.members)}{others}")]  # fmt: skip
        widths = [110 * mm, landscape(A4)[0] - 24 * mm - 110 * mm]
    identity = Table(
        [cells],
        colWidths=widths,
        style=table_style([("LINEBELOW", (0, 0), (-1, -1), THICK, GRID_COLOUR), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
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


def timeline_pdf(subject: TimelineSubject, items: list[TimelineRow], *, printed_at: datetime | None = None) -> bytes:
    """The 経過一覧 of one person, A4 landscape, oldest first; the column headings repeat on every page."""
    rows: list[list[Any]] = [[para(h, "head") for h in TIMELINE_HEADERS]]
    content_width = TIMELINE_WIDTHS[4] - 2 * CELL_PADDING
    for item in items:
        cells = [wareki_datetime(item.at), item.organization, item.kind, item.counterpart, item.content, item.staff,
                 item.next_step]  # fmt: skip
        first, *more = _content_parts(cells[4], content_width)
        rows.append([para(text, "cell") if index != 4 else first for index, text in enumerate(cells)])
        rows += [[para("（続き）", "cell"), "", "", "", part, "", ""] for part in more]
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
    if not items:
        rows.append([para("記録はありません。", "cell"), "", "", "", "", "", ""])
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = LongTable(rows, colWidths=TIMELINE_WIDTHS, repeatRows=1, style=table_style(commands))
    printed = printed_line(printed_at)
    buffer = io.BytesIO()
    document = pdf_document(buffer, pagesize=landscape(A4), title="経過一覧（支援経過記録）", top=26 * mm)
    header = _timeline_header(subject)
    document.build(
        [table],
        onFirstPage=header,
        onLaterPages=header,
        canvasmaker=numbered_canvas(printed, total_label=True),
    )
    return buffer.getvalue()
