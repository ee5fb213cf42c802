"""The report's table in the PDF: one row per indicator with a Ziel column; column widths fit the longest word of
each column, so no word is ever broken inside a cell."""

from __future__ import annotations

from typing import Any

from fpdf.fonts import FontFace

from regiohub.presentation.fmt import MISSING
from regiohub.reports import text
from regiohub.reports.model import IndicatorLine

COLUMNS = ["Indikator", "Zeitraum", "Wert", "Vorjahr", "Änderung", "Land", "Ziel", "Vergleich", "Rang"]
BASE = (36, 16, 13, 19, 14, 13, 26, 30, 13)  # mm; shares when every word fits
ALIGN = ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT")
PADDING = 2.2  # mm: the cell's padding on both sides plus a margin for rounding
FONT_SIZE = 7
_HEAD = FontFace(emphasis="BOLD", fill_color=(225, 232, 240), color=(0, 0, 0))
_BODY = FontFace(fill_color=(255, 255, 255), color=(0, 0, 0))


def rows(lines: list[IndicatorLine], region: bool) -> list[list[str]]:
    """The table's cells as text: unit and notes with the indicator's name, the target with its year and class."""
    out = []
    for line in lines:
        cells = text.row_cells(line, region)
        name = f"{line.name} ({line.unit})" + (f" – {cells['Hinweis']}" if cells["Hinweis"] else "")
        similar = text.similar_text(line)
        if similar != MISSING:
            cells["Vergleich"] += f"; ähnliche Orte: {similar.removeprefix('Median ').split(' (')[0]}"
        out.append([name, cells["Zeitraum"], cells["Wert"], cells["Vorjahr"], cells["Veränderung"], cells["Land"],
                    cells["Ziel"], cells["Vergleich"], cells["Rang"]])
    return out


def widths(pdf: Any, body: list[list[str]], total: float) -> list[float]:
    """Column widths (mm) summing to ``total``: each at least its longest word (bold in the head), the rest shared
    in proportion to :data:`BASE`."""
    need = []
    for i, head in enumerate(COLUMNS):
        pdf.font("B", FONT_SIZE)
        widest = pdf.get_string_width(pdf.t(head))
        pdf.font("", FONT_SIZE)
        for row in body:
            widest = max([widest, *(pdf.get_string_width(pdf.t(w)) for w in row[i].split())])
        need.append(widest + PADDING)
    scale = (total - sum(need)) / sum(BASE)
    if scale < 0:
        raise ValueError("the report table's words do not fit the page width")
    grown = [max(n, b * total / sum(BASE)) for n, b in zip(need, BASE, strict=True)]
    excess = sum(grown) - total
    flexible = [g - n for g, n in zip(grown, need, strict=True)]
    return [g - excess * f / sum(flexible) for g, f in zip(grown, flexible, strict=True)] if sum(flexible) else need


def draw(pdf: Any, lines: list[IndicatorLine], region: bool) -> None:
    """The table, head repeated on a new page."""
    body = rows(lines, region)
    total = pdf.w - pdf.l_margin - pdf.r_margin
    cols = widths(pdf, body, total)
    pdf.font("", FONT_SIZE)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=cols, width=total, headings_style=_HEAD, line_height=3.8, text_align=ALIGN,
                   first_row_as_headings=True) as table:
        table.row([pdf.t(c) for c in COLUMNS])
        for row in body:
            table.row([pdf.t(c) for c in row], style=_BODY)
    pdf.ln(2)
