"""Page furniture: the document, and a footer with the handling notice, the print time and 「n / N ページ」."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from tsunagu.printing.fonts import register_fonts
from tsunagu.printing.text import GOTHIC, MINCHO, wareki_datetime

FOOTER_NOTICE = "つなぐ — 個人情報を含みます。取扱注意"


def numbered_canvas(footer: str, *, total_label: bool) -> type[Canvas]:
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


def pdf_document(buffer: io.BytesIO, *, pagesize: tuple[float, float], title: str, top: float) -> SimpleDocTemplate:
    # invariant: the same record printed twice gives the same bytes (no creation time or random file id),
    # and the metadata holds no personal data: a file's title shows in download lists and viewer tabs.
    # Each page starts in 明朝: reportlab's default, Helvetica, would be named in the PDF and not embedded.
    register_fonts()
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
        initialFontName=MINCHO,
    )


def printed_line(printed_at: datetime | None) -> str:
    return f"印刷日時：{wareki_datetime(printed_at or timezone.now())}"
