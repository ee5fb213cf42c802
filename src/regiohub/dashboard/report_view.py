"""The Kooperationsbericht page's sections: the target summary and one section per domain."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from regiohub.dashboard import charts, data
from regiohub.dashboard import components as ui
from regiohub.presentation.fmt import fmt_cell
from regiohub.presentation.labels import progress_text
from regiohub.reports import build, text
from regiohub.reports.model import REGION, CooperationReport, IndicatorLine


def target_summary(report: CooperationReport) -> None:
    """One metric per progress class that occurs (classes of the published rule, as on the goal cards), with the
    goals in it, their value and what is missing."""
    counts = {k: n for k, n in report.target_counts().items() if n}
    if not counts:
        st.caption(text.targets_summary(report))
        return
    for column, (cls, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(progress_text(cls), n)
        names = [f"{ln.name} (Wert {text.row_cells(ln, False)['Wert']}"
                 + (f"; {text.gap_text(ln)}" if text.gap_text(ln) else f"; Ziel {text.target_value_text(ln)}") + ")"
                 for ln in report.targets_with(cls)]
        column.caption("; ".join(ui.md_escape(n) for n in names))


def lines_table(report: CooperationReport, lines: list[IndicatorLine]) -> pd.DataFrame:
    """The section's table, exactly the strings the PDF shows."""
    region = report.partner_id == REGION
    rows = []
    for line in lines:
        cells = text.row_cells(line, region)
        cells["Indikator"] = f"{line.name} ({line.unit})" + (f" – {cells['Hinweis']}" if cells["Hinweis"] else "")
        rows.append(cells)
    return pd.DataFrame(rows, columns=[c for c in text.COLUMNS if c not in ("Einheit", "Hinweis")])


def peers_chart(line: IndicatorLine) -> charts.Spec:
    """Bars of the partners' values for one indicator; the report's subject highlighted."""
    d = text.decimals(line)
    frame = pd.DataFrame(
        [{"Partner": p.name, "value": p.value, "Wert": fmt_cell(p.value, p.suppressed, d),
          "Rolle": "Berichtsgegenstand" if p.is_subject else "Vergleich"} for p in line.peers]
    )
    return charts.highlight_bars(frame, f"{line.name} ({line.unit})")


def domain_section(mart: data.Mart, report: CooperationReport, domain: str, lines: list[IndicatorLine]) -> None:
    """Heading, table of the domain's indicators and a comparison chart of its first indicator."""
    st.subheader(domain)
    ui.table(lines_table(report, lines))
    first = lines[0]
    if sum(p.value is not None for p in first.peers) > 1:
        ui.chart_with_caption(
            peers_chart(first),
            f"{first.name}, {text.row_cells(first, False)['Zeitraum']}: "
            + ("die Gebietseinheiten der Region." if report.partner_id == REGION else
               f"{report.subject} im Vergleich mit den Partnern gleicher Ebene.")
            + " Die Werte stehen in der Tabelle darüber.",
            mart,
            [first.source_id],
        )


def pdf_bytes(report: CooperationReport, commentary: str | None = None) -> bytes:
    """The report as PDF with the office's commentary (fpdf2 is imported on the first download only)."""
    from regiohub.reports.pdf import render_pdf

    return render_pdf(report, commentary=commentary)


def excel_bytes(report: CooperationReport) -> bytes:
    """The report as Excel workbook (openpyxl is imported on the first download only)."""
    from regiohub.reports.excel import render_excel

    return render_excel(report)


def report(mart: data.Mart, partner_id: str, year: int) -> CooperationReport:
    """The cooperation report for a partner (or ``region``) and year, cached per snapshot."""
    return _report(mart, partner_id, year)


@data.per_snapshot
def _report(mart: data.Mart, partner_id: str, year: int) -> CooperationReport:
    return build.build_report(mart, partner_id, year)


def report_years(mart: data.Mart) -> list[int]:
    """Years offered for a report, newest first."""
    return build.report_years(mart)
