"""The cooperation report as Excel workbook (openpyxl): numbers stay numbers, suppressed cells are "."."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from regiohub.dashboard.fmt import SUPPRESSED, SUPPRESSED_NOTE
from regiohub.dashboard.labels import domain_label
from regiohub.reports import text
from regiohub.reports.model import REGION, CooperationReport

REPORT_COLUMNS = ["Bereich", "Indikator", "Einheit", "Zeitraum", "Wert", "Vorjahr (Zeitraum)", "Vorjahr (Wert)",
                  "Veränderung", "Vergleich", "Rang", "Ziel", "Hinweis", "Quelle"]


def _number(value: float | None, suppressed: bool) -> Any:
    return SUPPRESSED if suppressed else value


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], intro: list[str] = ()) -> None:
    ws = wb.create_sheet(title)
    for line in intro:
        ws.append([line])
    if intro:
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    first = ws.max_row + 1
    for row in rows:
        ws.append(row)
    for col in ws.iter_cols(min_row=first):
        for cell in col:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.0##"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(50, len(name) + 4))
    ws.freeze_panes = ws.cell(row=first, column=1)


def render_excel(report: CooperationReport) -> bytes:
    """The report as .xlsx bytes: sheets Bericht, Vergleich and Quellen."""
    wb = Workbook()
    wb.remove(wb.active)
    region = report.partner_id == REGION
    rows = []
    for line in report.lines:
        cells = text.row_cells(line, region)
        rows.append([
            domain_label(line.domain), line.name, line.unit, line.period, _number(line.value, line.suppressed),
            None if line.previous_period == line.period else line.previous_period,
            None if line.previous_period == line.period else _number(line.previous_value, line.previous_suppressed),
            line.change, cells["Vergleich"], cells["Rang"], cells["Ziel"], line.note, line.source_id,
        ])
    notes = [text.heading(report), text.stand(report), text.targets_summary(report)]
    if report.any_suppressed:
        notes.append(SUPPRESSED_NOTE)
    if report.is_sample:
        notes.append("Beispieldaten: plausible Beispielwerte, keine amtlichen Daten.")
    _sheet(wb, "Bericht", REPORT_COLUMNS, rows, notes)
    peers = [
        [line.name, line.unit, line.period, p.name, _number(p.value, p.suppressed), "ja" if p.is_subject else ""]
        for line in report.lines
        for p in line.peers
    ]
    _sheet(wb, "Vergleich", ["Indikator", "Einheit", "Zeitraum", "Partner", "Wert", "Berichtsgegenstand"], peers)
    sources = [[s["name"], s["publisher"], s["licence"], s["licence_url"], s["attribution"],
                "ja" if s["is_sample"] else ""] for s in report.sources]
    _sheet(wb, "Quellen", ["Quelle", "Herausgeber", "Lizenz", "Lizenz-URL", "Namensnennung", "Beispieldaten"], sources)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def frame_to_excel(frame: pd.DataFrame, sheet: str = "Daten", notes: list[str] = ()) -> bytes:
    """A DataFrame (e.g. the data behind a chart) as .xlsx bytes, with notes (sources, licences) above it."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = [[None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in r]
            for r in frame.itertuples(index=False)]
    _sheet(wb, sheet, [str(c) for c in frame.columns], rows, list(notes))
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
