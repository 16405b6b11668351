"""Fonts, paragraph styles and printed text: what the PDF's characters, ticks and dates look like.

The fonts are BIZ UD明朝 and BIZ UDゴシック, embedded in every PDF (``fonts``). A character they lack is
printed as its everyday form where there is one (a name's 𠮷 as 吉), otherwise as 〓 (``printable``),
never as an empty box.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from tsunagu.core.japanese.wareki import to_wareki
from tsunagu.printing import fonts
from tsunagu.printing.fonts import register_fonts

MINCHO = fonts.MINCHO.name
GOTHIC = fonts.GOTHIC.name
GOTHIC_BOLD = fonts.GOTHIC_BOLD.name
CHECKED, UNCHECKED = "■", "□"


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    # wordWrap="CJK": Japanese has no spaces, so lines must break between any two characters. reportlab
    # hangs a character that may not start a line (ー、。）) past the right edge (ぶら下げ); a right
    # indent of one character keeps it inside the cell instead of across the ruled line.
    base = ParagraphStyle(
        "base", fontName=MINCHO, bulletFontName=MINCHO, fontSize=9, leading=12, wordWrap="CJK", rightIndent=9
    )
    centred = {"alignment": TA_CENTER, "rightIndent": 0}
    return {
        "value": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, rightIndent=7.5),
        "name": ParagraphStyle("name", parent=base, fontSize=13, leading=16, rightIndent=13),
        "label": ParagraphStyle("label", parent=base, fontName=GOTHIC, fontSize=8, leading=10, rightIndent=0),
        "section": ParagraphStyle("section", parent=base, fontName=GOTHIC, fontSize=9, leading=10.5, **centred),
        "title": ParagraphStyle("title", parent=base, fontName=GOTHIC_BOLD, fontSize=16, leading=20, **centred),
        "statement": ParagraphStyle("statement", parent=base, fontSize=10, leading=15, rightIndent=10),
        "notice": ParagraphStyle("notice", parent=base, fontName=GOTHIC, fontSize=10.5, leading=14, rightIndent=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5, rightIndent=8),
        "identity": ParagraphStyle("identity", parent=base, fontSize=11, leading=13, rightIndent=11),
        "head": ParagraphStyle("head", parent=base, fontName=GOTHIC, fontSize=8, leading=10, **centred),
    }


# Characters of names the fonts lack, printed as their everyday form (代替文字).
SUBSTITUTES = {"𠮷": "吉", "𡈽": "土"}
GETA = "〓"  # what Japanese printing has always put where a 外字 could not be set


def printable(text: str) -> str:
    """``text`` as the fonts can set it: variation selectors (IVS) dropped so the base character prints,
    characters the fonts lack replaced by their common form, or by 〓.

    Left alone, such a character would print as an empty box. Control characters (a line break is
    markup by now) pass through for the paragraph to handle. The stored name is untouched: this is only
    what goes on paper.
    """
    setable = fonts.covered()
    out = []
    for char in text:
        code = ord(char)
        if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            continue
        out.append(char if code in setable or code < 0x20 else SUBSTITUTES.get(char, GETA))
    return "".join(out)


def para(text: str, style: str = "value") -> Paragraph:
    """A paragraph of plain text: escaped (user text is never markup) and with its line breaks kept."""
    return markup(escape(text).replace("\n", "<br/>"), style)


def markup(markup: str, style: str = "value") -> Paragraph:
    return Paragraph(printable(markup), styles()[style])


def vertical(text: str) -> Paragraph:
    """A section label written top to bottom, one character a line, as on the national forms."""
    return markup("<br/>".join(escape(c) for c in text), "section")


def choices(
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


def local(at: datetime) -> datetime:
    return timezone.localtime(at) if timezone.is_aware(at) else at


def wareki_datetime(at: datetime) -> str:
    moment = local(at)
    return f"{to_wareki(moment.date())} {moment:%H:%M}"


def staff_name(user: Any) -> str:
    return str(user) if user is not None else ""


def postal(code: str) -> str:
    digits = "".join(c for c in code if c.isdigit())
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else (f"〒{code}" if code else "〒")
