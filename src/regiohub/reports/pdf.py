"""The cooperation report as PDF (fpdf2, A4), ready for a committee: a cover with the issuing body and contact,
header and footer on every page, the goals by the published progress rule, the office's own commentary (optional),
one section per domain with its table (with a Ziel column) and a bar chart, sources and a colophon with the snapshot.
Tagged: language de, title, headings in the structure tree, every chart a figure with its alternative text.

Text uses DejaVu Sans where installed (full Unicode: "–" for no value, "−" never confused with it); otherwise
the built-in Helvetica with typographic characters replaced by Latin-1 equivalents.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from fpdf import FPDF, ViewerPreferences

from regiohub.presentation.fmt import MISSING, SUPPRESSED_NOTE, TZ, fmt_cell, fmt_datetime
from regiohub.presentation.labels import METHOD_NOTE, PROGRESS_LABELS
from regiohub.registry.cooperation import Cooperation, load_cooperation
from regiohub.reports import pdf_table, text
from regiohub.reports.model import REGION, CooperationReport
from regiohub.reports.pdf_chart import bars
from regiohub.reports.similar import GROUP_SIZE, TYPOLOGY_NOTE

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_PLAIN = str.maketrans({"–": "-", "—": "-", "−": "-", "„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'",
                        "…": "...", "\u00a0": " ", "€": "EUR", "✔": "", "◐": "", "✘": ""})


def plain(value: str) -> str:
    """Text the built-in PDF font can render (used only without DejaVu)."""
    return value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class ReportPDF(FPDF):
    """A4 with the report's header (partner, Datenstand) and footer (creation date, page x of n, sample note)."""

    def __init__(self, report: CooperationReport, created: datetime) -> None:
        super().__init__(format="A4")
        self.report, self.created = report, created
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font("Text", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("Text", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            oblique = FONT_DIR / "DejaVuSans-Oblique.ttf"
            self.add_font("Text", "I", str(oblique if oblique.exists() else FONT_DIR / "DejaVuSans.ttf"))
        self.family = "Text" if self.unicode else "Helvetica"
        self.set_auto_page_break(auto=True, margin=22)
        self.set_margins(15, 22, 15)

    def t(self, value: str) -> str:
        return value if self.unicode else plain(value)

    def font(self, style: str = "", size: float = 9) -> None:
        self.set_font(self.family, style, size)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.font("", 7.5)
        self.set_text_color(60, 60, 60)
        self.set_xy(15, 8)
        self.cell(90, 4, self.t(f"Kooperationsbericht {self.report.year} · {self.report.subject}"))
        self.cell(0, 4, self.t(f"Datenstand: {fmt_datetime(self.report.published_at)}"), align="R")
        self.set_draw_color(150, 150, 150)
        self.line(15, 13.5, 195, 13.5)
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_draw_color(150, 150, 150)
        self.line(15, self.get_y(), 195, self.get_y())
        self.font("", 7.5)
        self.set_text_color(60, 60, 60)
        created = self.created.strftime("%d.%m.%Y, %H:%M Uhr")
        self.cell(120, 5, self.t(f"Erstellt am {created} mit Regio.hub · {self.report.subject}"))
        self.cell(0, 5, self.t(f"Seite {self.page_no()} von {{nb}}"), align="R", new_x="LMARGIN", new_y="NEXT")
        if self.report.is_sample:
            self.font("B", 7.5)
            self.set_text_color(150, 60, 0)
            self.cell(0, 4, self.t(text.SAMPLE_NOTE))
        self.set_text_color(0, 0, 0)

    @contextmanager
    def tagged(self, struct_type: str, **entries: str) -> Iterator[None]:
        """Mark what is drawn inside as one structure element (``/H1``, ``/Figure`` with ``alt_text``): fpdf2's own
        mechanism behind ``image(alt_text=…)``, which 2.8 offers for images only."""
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=struct_type, mcid=mcid, **entries)
        self._out(f"{struct_type} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")

    def heading(self, title: str, level: int = 0, size: float | None = None) -> None:
        """A heading: in the outline and, as H1/H2, in the structure tree; never alone at the foot of a page."""
        if self.will_page_break(20):
            self.add_page()
        self.start_section(self.t(title), level=level)
        self.font("B", size or (13 if level == 0 else 11))
        with self.tagged(f"/H{level + 1}", title=self.t(title)):
            self.multi_cell(0, 11 if size else 7, self.t(title), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, value: str, size: float = 9, style: str = "") -> None:
        self.font(style, size)
        self.multi_cell(0, 4.6, self.t(value), align="L", new_x="LMARGIN", new_y="NEXT")


def render_pdf(report: CooperationReport, *, compress: bool = True, created: datetime | None = None,
               commentary: str | None = None, cooperation: Cooperation | None = None) -> bytes:
    """The report as PDF bytes; ``commentary`` is the office's own text, printed after the goals."""
    coop = cooperation or load_cooperation()
    pdf = ReportPDF(report, created or datetime.now(TZ))
    pdf.set_compression(compress)
    pdf.set_title(pdf.t(text.heading(report)))
    pdf.set_author(pdf.t(coop.issuer))
    pdf.set_subject(pdf.t(f"{coop.name}: Kennzahlen und Ziele"))
    pdf.set_lang("de-DE")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    _title_page(pdf, report, coop)
    pdf.add_page()
    _summary(pdf, report)
    if commentary and commentary.strip():
        pdf.ln(2)
        pdf.heading("Anmerkungen der Verwaltung", level=1)
        pdf.para(commentary.strip()[:4000])
    region = report.partner_id == REGION
    for domain, lines in report.by_domain().items():
        if pdf.will_page_break(60):
            pdf.add_page()
        pdf.ln(3)
        pdf.heading(domain)
        pdf_table.draw(pdf, lines, region)
        bars(pdf, next((ln for ln in lines if ln.target_value is not None), lines[0]))
    _group(pdf, report)
    _sources(pdf, report, coop)
    return bytes(pdf.output())


def _title_page(pdf: ReportPDF, report: CooperationReport, coop: Cooperation) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.heading("Kooperationsbericht", size=24)
    pdf.font("B", 18)
    pdf.multi_cell(0, 9, pdf.t(f"{report.subject} – {report.year}"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.para(f"{coop.name}: {coop.members}", 11)
    pdf.ln(4)
    pdf.para(f"Herausgeber: {coop.issuer}", 10)
    pdf.para(f"Kontakt: {coop.contact}", 10)
    pdf.ln(4)
    pdf.para(text.stand(report, with_snapshot=False), 10)
    pdf.para(f"Erstellt am {pdf.created.strftime('%d.%m.%Y, %H:%M Uhr')}", 10)
    if report.is_sample:
        pdf.ln(6)
        pdf.para(text.SAMPLE_NOTE, 11, "B")


def _summary(pdf: ReportPDF, report: CooperationReport) -> None:
    pdf.heading("Ziele der Kooperation")
    pdf.para(text.targets_summary(report))
    for cls, label in PROGRESS_LABELS.items():
        lines = report.targets_with(cls)
        if lines:
            names = "; ".join(f"{ln.name} (Wert {text.row_cells(ln, False)['Wert']}, "
                              + (text.gap_text(ln) or f"Ziel {text.target_value_text(ln)}") + ")" for ln in lines)
            pdf.para(f"{label[0].upper()}{label[1:]}: {names}")
    pdf.para(METHOD_NOTE, 8)
    pdf.ln(1)
    pdf.para(f"Lesehilfe: „{MISSING}“ = kein Wert vorhanden; ein Minuszeichen steht nur vor negativen Zahlen. "
             "„Land“ = Wert für das Land Brandenburg im selben Zeitraum. Rang: nur unter Partnern derselben "
             "Ebene (Gemeinden mit Gemeinden, Kreise mit Kreisen); übernommene Kreiswerte erhalten keinen Rang.", 8)
    if report.any_suppressed:
        pdf.para(SUPPRESSED_NOTE, 8)


def _group(pdf: ReportPDF, report: CooperationReport) -> None:
    """Which similar municipalities the partner is compared with (median in the column "Vergleich")."""
    group = report.group
    if group is None or not group.members:
        return
    pdf.ln(2)
    pdf.heading("Vergleich mit ähnlichen Orten in Brandenburg")
    members = ", ".join(f"{name} ({fmt_cell(pop, False, 0)})" for name, pop in group.members)
    pdf.para(f"Typ: {group.label}; Grundlage: {group.basis}. Vergleichsgruppe: {members}.", 8)
    pdf.para(TYPOLOGY_NOTE.format(n=GROUP_SIZE.get(report.level, 5)), 8)


def _sources(pdf: ReportPDF, report: CooperationReport, coop: Cooperation) -> None:
    """Sources, licences and the colophon, kept together on one page (no page with a lone sentence)."""
    pdf.ln(3)
    with pdf.offset_rendering() as trial:
        _closing(trial, report, coop)  # drawn on the real document, then rewound
    if trial.page_break_triggered:
        pdf.add_page()
    _closing(pdf, report, coop)


def _closing(pdf: ReportPDF, report: CooperationReport, coop: Cooperation) -> None:
    pdf.heading("Quellen und Lizenzen")
    for s in report.sources:
        pdf.para(text.licence_line(s) + (" – Beispieldaten" if s["is_sample"] else ""), 8)
        pdf.ln(0.5)
    pdf.ln(1)
    pdf.para("Alle Werte stammen aus dem veröffentlichten Datenbestand von Regio.hub; Raten, Summen für den "
             "Kooperationsraum und Zuordnungen zu Gemeinden sind daraus abgeleitet (Daten verändert).", 8)
    pdf.ln(3)
    pdf.heading("Impressum", level=1)
    pdf.para(f"Herausgeber: {coop.issuer}. Kontakt: {coop.contact}.", 8)
    pdf.para(text.stand(report) + f" Erstellt am {pdf.created.strftime('%d.%m.%Y, %H:%M Uhr')} mit Regio.hub.", 8)
