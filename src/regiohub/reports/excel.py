"""The cooperation report as Excel workbook (openpyxl): numbers stay numbers, dates are dates, suppressed
cells are ".", text is never stored as a formula."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from regiohub.presentation.export import set_cell
from regiohub.presentation.fmt import SUPPRESSED, SUPPRESSED_NOTE, TZ, is_missing, period_date
from regiohub.presentation.labels import domain_label
from regiohub.reports import text
from regiohub.reports.model import REGION, CooperationReport

REPORT_COLUMNS = ["Bereich", "Indikator", "Einheit", "Zeitraum", "Wert", "Vorjahr (Zeitraum)", "Vorjahr (Wert)",
                  "Veränderung", "Land Brandenburg", "Vergleich", "Rang", "Ziel", "Hinweis", "Quelle"]
_PERIOD_FORMATS = {"year": "0", "month": "MM.YYYY", "day": "DD.MM.YYYY", "date": "DD.MM.YYYY"}


def _number(value: float | None, suppressed: bool) -> Any:
    return SUPPRESSED if suppressed else value


def _period(period: str | None, period_type: str) -> tuple[Any, str | None]:
    """A period as a spreadsheet value with its number format (years as numbers, days and months as dates)."""
    if period is None:
        return None, None
    if period_type == "year" and period.isdigit():
        return int(period), "0"
    day = period_date(period)
    return (day, _PERIOD_FORMATS.get(period_type, "DD.MM.YYYY")) if day else (period, None)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], intro: list[str] = (),
           formats: dict[tuple[int, int], str] | None = None) -> None:
    """A sheet with an intro, a bold header and the rows; ``formats`` maps (row, column) to a number format."""
    ws = wb.create_sheet(title)
    for line in intro:
        ws.append([None])
        set_cell(ws.cell(row=ws.max_row, column=1), line)
    if intro:
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
    ws.append([None] * len(header))
    head = ws.max_row
    for i, name in enumerate(header, start=1):
        set_cell(ws.cell(row=head, column=i), name)
        ws.cell(row=head, column=i).font = Font(bold=True)
    for r, row in enumerate(rows, start=head + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            set_cell(cell, value)
            fmt = (formats or {}).get((r - head - 1, c - 1))
            if fmt:
                cell.number_format = fmt
            elif isinstance(value, datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(value, date):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(value, float) and not value.is_integer():
                cell.number_format = "#,##0.0##"
            elif isinstance(value, int | float):
                cell.number_format = "#,##0"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(50, len(name) + 4))
    ws.freeze_panes = ws.cell(row=head + 1, column=1)


def _stand(report: CooperationReport) -> datetime | None:
    """The Datenstand as a naive Europe/Berlin datetime (spreadsheets have no time zones)."""
    if is_missing(report.published_at):
        return None
    ts = pd.Timestamp(report.published_at)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return ts.tz_convert(TZ).tz_localize(None).to_pydatetime()


def render_excel(report: CooperationReport) -> bytes:
    """The report as .xlsx bytes: sheets Bericht, Vergleich and Quellen."""
    wb = Workbook()
    wb.remove(wb.active)
    region = report.partner_id == REGION
    names = {s["source_id"]: s["name"] for s in report.sources}
    rows, formats = [], {}
    for i, line in enumerate(report.lines):
        cells = text.row_cells(line, region)
        same = line.previous_period == line.period
        period, pfmt = _period(line.period, line.period_type)
        before, bfmt = _period(None if same else line.previous_period, line.period_type)
        formats.update({(i, 3): pfmt, (i, 5): bfmt})
        rows.append([
            domain_label(line.domain), line.name, line.unit, period, _number(line.value, line.suppressed),
            before, None if same else _number(line.previous_value, line.previous_suppressed),
            line.change, line.land_value, cells["Vergleich"], cells["Rang"], cells["Ziel"], line.note,
            names.get(line.source_id, line.source_id),
        ])
    notes = [text.heading(report), text.stand(report), text.targets_summary(report)]
    if report.any_suppressed:
        notes.append(SUPPRESSED_NOTE)
    if report.is_sample:
        notes.append(text.SAMPLE_NOTE)
    _sheet(wb, "Bericht", REPORT_COLUMNS, rows, notes, {k: v for k, v in formats.items() if v})
    peers = [[line.name, line.unit, line.period, p.name, _number(p.value, p.suppressed),
              "ja" if p.is_subject else "", "ja" if p.is_inherited else ""]
             for line in report.lines for p in line.peers]
    _sheet(wb, "Vergleich", ["Indikator", "Einheit", "Zeitraum", "Partner", "Wert", "Berichtsgegenstand",
                             "Wert des Landkreises"], peers)
    sources = [[s["name"], s["publisher"], s["licence"], s["licence_url"], text.attribution(s),
                "ja" if s["is_sample"] else ""] for s in report.sources]
    _sheet(wb, "Quellen", ["Quelle", "Herausgeber", "Lizenz", "Lizenz-URL", "Namensnennung", "Beispieldaten"],
           sources, [f"Datenstand: {text.stand(report)}"])
    stand = _stand(report)
    if stand:
        wb["Quellen"]["B1"] = stand
        wb["Quellen"]["B1"].number_format = "DD.MM.YYYY HH:MM"
        set_cell(wb["Quellen"]["A1"], "Datenstand (Europe/Berlin)")
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def frame_to_excel(frame: pd.DataFrame, sheet: str = "Daten", notes: list[str] = ()) -> bytes:
    """A DataFrame (e.g. the data behind a chart) as .xlsx bytes, with notes (sources, licences) above it."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = [[None if is_missing(v) else (v.item() if hasattr(v, "item") else v) for v in r]
            for r in frame.itertuples(index=False)]
    _sheet(wb, sheet, [str(c) for c in frame.columns], rows, list(notes))
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
