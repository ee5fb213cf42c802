"""The report's bar chart drawn as PDF vector shapes: the partners' values, the subject highlighted, the Land
value (solid) and the agreed target (dashed) as lines."""

from __future__ import annotations

from typing import Any

from regiohub.presentation.fmt import fmt_cell
from regiohub.presentation.labels import COUNT_UNITS, PALETTE
from regiohub.reports import text
from regiohub.reports.model import IndicatorLine

_TARGET = (213, 94, 0)
_LAND = (0, 0, 0)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def bars(pdf: Any, line: IndicatorLine) -> None:
    """Horizontal bars of the partners' values; the subject highlighted, Land value and target as lines."""
    peers = [p for p in line.peers if p.value is not None or p.suppressed]
    if len(peers) < 2:
        return
    land = None if line.unit in COUNT_UNITS else line.land_value  # a count for the Land is not comparable
    refs = [v for v in (land, line.target_value) if v is not None]
    top = max([(p.value or 0.0) for p in peers] + refs) or 1.0
    if pdf.will_page_break(14 + 5 * len(peers)):
        pdf.add_page()
    pdf.font("I", 8)
    pdf.multi_cell(0, 5, pdf.t(f"Abbildung: {line.name} ({line.unit}), {text.row_cells(line, False)['Zeitraum']}"),
                   new_x="LMARGIN", new_y="NEXT")
    d = text.decimals(line)
    x0, width, y_top = pdf.l_margin + 52, 100.0, pdf.get_y()
    for peer in peers:
        y = pdf.get_y()
        pdf.font("B" if peer.is_subject else "", 7)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(52, 4.5, pdf.t(peer.name + (" (Kreiswert)" if peer.is_inherited else "")))
        bar = 0.0 if peer.value is None else width * max(peer.value, 0.0) / top
        pdf.set_fill_color(*_rgb(PALETTE[0] if peer.is_subject else PALETTE[8]))
        if bar > 0:
            pdf.rect(x0, y + 0.7, bar, 3.2, style="F")
        pdf.set_fill_color(255, 255, 255)
        pdf.set_xy(x0 + bar + 2, y)
        pdf.cell(25, 4.5, pdf.t(fmt_cell(peer.value, peer.suppressed, d)), new_x="LMARGIN", new_y="NEXT")
    y_end = pdf.get_y()
    legend = []
    for value, colour, label in ((land, _LAND, "Land Brandenburg"),
                                 (line.target_value, _TARGET, "Ziel")):
        if value is None:
            continue
        x = x0 + width * max(value, 0.0) / top
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.5)
        if label == "Ziel":
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(x, y_top, x, y_end)
        legend.append(f"{label}: {fmt_cell(value, False, d)} ({'gestrichelte' if label == 'Ziel' else 'durchgezogene'}"
                      f" Linie)")
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    if legend:
        pdf.para("; ".join(legend), 7)
    pdf.ln(2)


