"""The Japanese fonts every PDF embeds: BIZ UD明朝 for text, BIZ UDゴシック for labels and headings.

BIZ UD is the universal-design face many town halls use for official forms. The TrueType files come from
the npm registry at setup (``make install``: package.json pins ``@expo-google-fonts/biz-ud*``, OFL-1.1)
and are never committed. reportlab embeds the subset of glyphs a document uses, so a printout looks the
same in every viewer, on a closed network too, and its text extracts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


class FontMissing(RuntimeError):
    """A font file is not where setup puts it: the printout cannot be made as the form requires."""


@dataclass(frozen=True)
class Face:
    name: str  # the name reportlab and the PDF know it by
    package: str
    file: str

    @property
    def path(self) -> Path:
        return Path(settings.TSUNAGU_FONT_DIR) / self.package / self.file


MINCHO = Face("BIZUDMincho", "biz-udmincho", "400Regular/BIZUDMincho_400Regular.ttf")
GOTHIC = Face("BIZUDGothic", "biz-udgothic", "400Regular/BIZUDGothic_400Regular.ttf")
GOTHIC_BOLD = Face("BIZUDGothic-Bold", "biz-udgothic", "700Bold/BIZUDGothic_700Bold.ttf")
FACES = (MINCHO, GOTHIC, GOTHIC_BOLD)


@functools.cache
def register_fonts() -> None:
    """Register the faces once per process (reportlab keeps them in a global registry)."""
    for face in FACES:
        if not face.path.is_file():
            raise FontMissing(
                f"印刷用フォントが見つかりません（{face.path}）。make install を実行してください。"
                f" / The print font {face.name} is missing: run make install."
            )
        pdfmetrics.registerFont(TTFont(face.name, str(face.path)))


@functools.cache
def covered() -> frozenset[int]:
    """The code points every face can set: a character outside it would print as an empty box."""
    register_fonts()
    maps = [set(pdfmetrics.getFont(face.name).face.charToGlyph) for face in FACES]
    return frozenset(set.intersection(*maps))
