"""The report's bar chart drawn as PDF vector shapes: the partners' values, the subject highlighted, the Land
value (solid) and the agreed target (dashed) as lines."""

from __future__ import annotations

from typing import Any

from regiohub.presentation.fmt import fmt_cell
from regiohub.presentation.labels import COUNT_UNITS, PALETTE
from regiohub.reports import text
from regiohub.reports.model import IndicatorLine

_TARGET = (213, 94, 0)
_TARGET_TEXT = (150, 60, 0)  # the target's label: 4.5:1 on white
_LAND = (0, 0, 0)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def alt_text(line: IndicatorLine, land: float | None) -> str:
    """The figure's text alternative: what it shows and its main finding."""
    d = text.decimals(line)
    peers = [p for p in line.peers if p.value is not None and not p.suppressed]
    subject = next((p for p in peers if p.is_subject), None)
    parts = [f"Balkendiagramm {line.name} ({line.unit}), {text.row_cells(line, False)['Zeitraum']}, "
             f"{len(peers)} Gebietseinheiten"]
    if peers:
        top = max(peers, key=lambda p: p.value or 0.0)
        parts.append(f"höchster Wert {top.name} {fmt_cell(top.value, False, d)}")
    if subject is not None:
        parts.append(f"{subject.name} {fmt_cell(subject.value, False, d)}")
    if land is not None:
        parts.append(f"Land Brandenburg {fmt_cell(land, False, d)}")
    if line.target_value is not None:
        parts.append(f"Ziel {fmt_cell(line.target_value, False, d)}")
    return "; ".join(parts) + "."


def bars(pdf: Any, line: IndicatorLine) -> None:
    """Horizontal bars of the partners' values, the subject highlighted; Land value and target as lines labelled
    above and below the bars, values in a column right of the plot, so no line crosses a label. Tagged as one
    figure with its alternative text."""
    peers = [p for p in line.peers if p.value is not None or p.suppressed]
    if len(peers) < 2:
        return
    land = None if line.unit in COUNT_UNITS else line.land_value  # a count for the Land is not comparable
    refs = [v for v in (land, line.target_value) if v is not None]
    top = max([(p.value or 0.0) for p in peers] + refs) or 1.0
    if pdf.will_page_break(24 + 5 * len(peers)):
        pdf.add_page()
    pdf.font("I", 8)
    pdf.multi_cell(0, 5, pdf.t(f"Abbildung: {line.name} ({line.unit}), {text.row_cells(line, False)['Zeitraum']}"),
                   new_x="LMARGIN", new_y="NEXT")
    d = text.decimals(line)
    x0, width = pdf.l_margin + 52, 100.0
    with pdf.tagged("/Figure", alt_text=pdf.t(alt_text(line, land))):
        pdf.set_y(pdf.get_y() + 4)  # room for the target label
        y_top = pdf.get_y()
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
            pdf.set_xy(x0 + width + 3, y)
            pdf.cell(25, 4.5, pdf.t(fmt_cell(peer.value, peer.suppressed, d)), new_x="LMARGIN", new_y="NEXT")
        y_end = pdf.get_y()
        for value, colour, label, above in ((line.target_value, _TARGET, "Ziel", True),
                                            (land, _LAND, "Land", False)):
            if value is None:
                continue
            x = x0 + width * max(value, 0.0) / top
            pdf.set_draw_color(*colour)
            pdf.set_line_width(0.5)
            if label == "Ziel":
                pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(x, y_top, x, y_end)
            pdf.set_dash_pattern()
            pdf.font("B", 6.5)
            pdf.set_text_color(*(_TARGET_TEXT if label == "Ziel" else _LAND))
            caption = pdf.t(f"{label} {fmt_cell(value, False, d)}")
            w = pdf.get_string_width(caption) + 1
            pdf.set_xy(min(max(x - w / 2, x0), x0 + width - w), y_top - 4 if above else y_end)
            pdf.cell(w, 3.6, caption, align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(pdf.l_margin, y_end + (4 if land is not None else 1))
    legend = []
    if line.target_value is not None:
        legend.append(f"Ziel: {fmt_cell(line.target_value, False, d)} (gestrichelte Linie)")
    if land is not None:
        legend.append(f"Land Brandenburg: {fmt_cell(land, False, d)} (durchgezogene Linie)")
    if legend:
        pdf.para("; ".join(legend), 7)
    pdf.ln(2)
