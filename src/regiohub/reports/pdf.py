"""The cooperation report as PDF (fpdf2, A4, built-in Helvetica; bar charts drawn as vector shapes)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from regiohub.dashboard.fmt import SUPPRESSED_NOTE, fmt_cell
from regiohub.dashboard.labels import PALETTE
from regiohub.reports import text
from regiohub.reports.model import REGION, CooperationReport, IndicatorLine

# Helvetica covers Latin-1 only: typographic characters are replaced by their plain equivalents.
_PLAIN = str.maketrans({"–": "-", "—": "-", "„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'",
                        "…": "...", "\u00a0": " ", "€": "EUR"})
WIDTHS = (40, 16, 18, 16, 22, 20, 30, 14, 14)  # mm; Hinweis follows in the line below where present
_HEAD = FontFace(emphasis="BOLD", fill_color=(225, 232, 240))


def plain(value: str) -> str:
    """Text the built-in PDF font can render."""
    return value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def render_pdf(report: CooperationReport, *, compress: bool = True) -> bytes:
    """The report as PDF bytes."""
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(plain(text.heading(report)))
    pdf.set_author("Regio.hub")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, plain(text.heading(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, plain(text.stand(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, plain(text.targets_summary(report)), new_x="LMARGIN", new_y="NEXT")
    region = report.partner_id == REGION
    for domain, lines in report.by_domain().items():
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, plain(domain), new_x="LMARGIN", new_y="NEXT")
        _table(pdf, lines, region)
        _bars(pdf, lines[0])
    _footer(pdf, report)
    return bytes(pdf.output())


def _table(pdf: FPDF, lines: list[IndicatorLine], region: bool) -> None:
    pdf.set_font("Helvetica", "", 7)
    columns = [c for c in text.COLUMNS if c != "Hinweis"]
    with pdf.table(col_widths=WIDTHS, width=sum(WIDTHS), headings_style=_HEAD, line_height=4,
                   text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT")) as table:
        table.row([plain(c) for c in columns])
        for line in lines:
            cells = text.row_cells(line, region)
            name = cells["Indikator"] + (f" ({cells['Hinweis']})" if cells["Hinweis"] else "")
            table.row([plain(name), *(plain(cells[c]) for c in columns[1:])])


def _bars(pdf: FPDF, line: IndicatorLine) -> None:
    """Horizontal bars of the partners' values for the domain's first indicator; the subject highlighted."""
    peers = [p for p in line.peers if p.value is not None or p.suppressed]
    if len(peers) < 2:
        return
    top = max((p.value or 0.0) for p in peers) or 1.0
    if pdf.will_page_break(8 + 5 * len(peers)):
        pdf.add_page()
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 6, plain(f"Abbildung: {line.name} ({line.unit}), {text.row_cells(line, False)['Zeitraum']}"),
             new_x="LMARGIN", new_y="NEXT")
    d = text.decimals(line)
    for peer in peers:
        y = pdf.get_y()
        pdf.set_font("Helvetica", "B" if peer.is_subject else "", 7)
        pdf.cell(50, 4.5, plain(peer.name))
        width = 0.0 if peer.value is None else 110 * max(peer.value, 0.0) / top
        colour = PALETTE[0] if peer.is_subject else PALETTE[8]
        pdf.set_fill_color(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))
        if width > 0:
            pdf.rect(pdf.l_margin + 50, y + 0.7, width, 3.2, style="F")
        pdf.set_xy(pdf.l_margin + 52 + width, y)
        pdf.cell(30, 4.5, plain(fmt_cell(peer.value, peer.suppressed, d)), new_x="LMARGIN", new_y="NEXT")


def _footer(pdf: FPDF, report: CooperationReport) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Quellen und Lizenzen", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    for s in report.sources:
        note = " - Beispieldaten" if s["is_sample"] else ""
        pdf.multi_cell(0, 4, plain(f"{s['attribution']} - Lizenz: {s['licence']} ({s['licence_url']}){note}"),
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if report.any_suppressed:
        pdf.multi_cell(0, 4, plain(SUPPRESSED_NOTE), new_x="LMARGIN", new_y="NEXT")
    if report.is_sample:
        pdf.multi_cell(0, 4, "Beispieldaten: plausible Beispielwerte, keine amtlichen Daten.",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 4, plain("Erstellt mit Regio.hub aus dem veröffentlichten Datenbestand; "
                               "„–“: kein Wert vorhanden."), new_x="LMARGIN", new_y="NEXT")
