"""The ruled grid of the national A4 forms: a grey vertical section label, then label | value pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from tsunagu.printing.text import MINCHO, para, vertical

GRID_COLOUR = colors.black
LABEL_BACKGROUND = colors.Color(0.92, 0.92, 0.92)
THIN, THICK = 0.5, 1.2

FORM_WIDTH = 186 * mm
SECTION = 9 * mm
LABEL = 21 * mm
HALF = (FORM_WIDTH - SECTION - 2 * LABEL) / 2
# Section label | item label | value | item label | value: one grid for every section, like a ruled form.
GRID = [SECTION, LABEL, HALF, LABEL, HALF]


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table's style with its cells set in 明朝: reportlab's default, Helvetica, would not be embedded."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), MINCHO), *commands])


def form_table(rows: list[list[Any]], *, spans: Sequence[tuple[int, int, int, int]] = (), min_heights: Any = None,
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
        rows, colWidths=list(widths), style=table_style(commands), minRowHeights=min_heights, splitInRow=1,
        hAlign="CENTER",
    )  # fmt: skip


FormRow = tuple[Any] | tuple[str, Any] | tuple[str, Any, str, Any]


def labelled(rows: list[FormRow], section: str, *, min_heights: Any = None) -> Table:
    """Rows of 'value', 'label | value' or 'label | value | label | value' under a vertical section label."""
    data: list[list[Any]] = []
    spans: list[tuple[int, int, int, int]] = []
    labels: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        cells: list[Any] = [vertical(section) if index == 0 else ""]
        values = [as_flowable(v) for v in row]
        if len(row) == 1:
            cells += [values[0], "", "", ""]
            spans.append((1, index, 4, index))
        elif len(row) == 2:
            cells += [para(row[0], "label"), values[1], "", ""]
            spans.append((2, index, 4, index))
            labels.append((1, index))
        else:
            cells += [para(str(row[0]), "label"), values[1], para(str(row[2]), "label"), values[3]]
            labels += [(1, index), (3, index)]
        data.append(cells)
    return form_table(data, spans=spans, min_heights=min_heights, label_cells=labels)


def as_flowable(value: Any) -> Any:
    return para(value) if isinstance(value, str) else value
