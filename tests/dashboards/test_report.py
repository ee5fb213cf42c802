"""The Kooperationsbericht: the page, the PDF and the Excel export show the mart's numbers."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from dash_helpers import all_tables, approx, de, mart_rows, open_app, page_text, suppress_one_value
from openpyxl import load_workbook
from pypdf import PdfReader

from regiohub.core import settings
from regiohub.presentation.fmt import SUPPRESSED_NOTE, fmt_cell, fmt_period
from regiohub.reports import text
from regiohub.reports.build import build_report
from regiohub.reports.excel import REPORT_COLUMNS, render_excel
from regiohub.reports.model import REGION
from regiohub.reports.pdf import render_pdf
from regiohub.reports.reader import DuckDBReader

PARTNER = "luckenwalde"


def reader(data_dir: Path) -> DuckDBReader:
    return DuckDBReader(settings.paths(data_dir).published)


def latest_year(data_dir: Path) -> int:
    return mart_rows(data_dir, "SELECT max(year(period_start)) FROM fct_partner_indicator_value")[0][0]


def expected_value(data_dir: Path, partner_id: str, indicator_id: str, year: int) -> tuple | None:
    """(period, value) of the partner's latest value up to the end of ``year``, straight from the mart."""
    rows = mart_rows(
        data_dir,
        "SELECT period, value FROM fct_partner_indicator_value WHERE partner_id = ? AND indicator_id = ?"
        " AND period_start <= ? ORDER BY period_start DESC LIMIT 1",
        [partner_id, indicator_id, date(year, 12, 31)],
    )
    return rows[0] if rows else None


def year_earlier(data_dir: Path, partner_id: str, indicator_id: str, period: str) -> tuple | None:
    """(period, value) a year before ``period``: the latest period starting at least one year earlier."""
    rows = mart_rows(
        data_dir,
        "SELECT b.period, b.value FROM fct_partner_indicator_value a JOIN fct_partner_indicator_value b"
        " USING (partner_id, indicator_id) WHERE a.partner_id = ? AND a.indicator_id = ? AND a.period = ?"
        " AND b.period_start <= a.period_start - INTERVAL 1 YEAR ORDER BY b.period_start DESC LIMIT 1",
        [partner_id, indicator_id, period],
    )
    return rows[0] if rows else None


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each PDF page (pypdf), whitespace collapsed so wrapped lines read as one."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def test_report_lines_equal_the_mart(mart_data_dir):
    year = latest_year(mart_data_dir)
    report = build_report(reader(mart_data_dir), PARTNER, year)
    assert report.lines and report.subject == "Luckenwalde"
    indicators = {r[0] for r in mart_rows(mart_data_dir, "SELECT DISTINCT indicator_id FROM"
                                          " fct_partner_indicator_value WHERE partner_id = ?", [PARTNER])}
    assert {line.indicator_id for line in report.lines} == indicators
    for line in report.lines:
        period, value = expected_value(mart_data_dir, PARTNER, line.indicator_id, year)
        assert (line.period, line.value) == (period, value), line.indicator_id
        before = year_earlier(mart_data_dir, PARTNER, line.indicator_id, period)
        assert (line.previous_period, line.previous_value) == (before or (None, None)), line.indicator_id
    population = next(ln for ln in report.lines if ln.indicator_id == "bevoelkerung")
    assert {p.name for p in population.peers} == {"Luckenwalde", "Ludwigsfelde", "Bad Belzig", "Wiesenburg/Mark"}


def test_report_targets_equal_the_mart(mart_data_dir):
    """Each line's target and progress class are the published mart's fct_target_progress for the partner."""
    year = latest_year(mart_data_dir)
    report = build_report(reader(mart_data_dir), "luckenwalde", year)
    checked = 0
    for line in report.lines:
        rows = mart_rows(mart_data_dir, "SELECT progress_class, target_value FROM fct_target_progress"
                         " WHERE partner_id = 'luckenwalde' AND indicator_id = ?", [line.indicator_id])
        assert (line.target_status, line.target_value) == (rows[0] if rows else (None, None)), line.indicator_id
        checked += bool(rows)
    assert checked and sum(report.target_counts().values()) == checked
    assert text.targets_summary(report).startswith(f"{checked} Ziele: ")


def test_region_report_uses_the_region_total(mart_data_dir):
    year = latest_year(mart_data_dir)
    report = build_report(reader(mart_data_dir), REGION, year)
    population = next(ln for ln in report.lines if ln.indicator_id == "bevoelkerung")
    units = mart_rows(mart_data_dir, "SELECT sum(p.value) FROM fct_partner_indicator_value p JOIN dim_region r"
                      " ON r.ars = p.partner_ars WHERE r.level = 'kreis' AND p.indicator_id = 'bevoelkerung'"
                      " AND p.period = ?", [population.period])[0][0]
    assert population.value == pytest.approx(units)
    assert len(population.peers) == 5


def test_report_page_shows_report_for_linked_partner_and_year(mart_data_dir, monkeypatch):
    year = latest_year(mart_data_dir) - 1
    at = open_app(mart_data_dir, monkeypatch, "pages/kooperationsbericht.py",
                  {"partner": "Luckenwalde", "jahr": str(year)})
    assert at.selectbox(key="partner").value == PARTNER and at.selectbox(key="jahr").value == year
    assert f"Kooperationsbericht {year}: Luckenwalde" in [h.value for h in at.header]
    rows = {r["Indikator"]: r for df in all_tables(at) for r in df.value.to_dict("records")}
    period, value = expected_value(mart_data_dir, PARTNER, "ladepunkte", year)
    name = "{} ({})".format(*mart_rows(mart_data_dir, "SELECT name_de, unit FROM dim_indicator"
                                       " WHERE indicator_id = 'ladepunkte'")[0])
    assert rows[name]["Zeitraum"] == fmt_period(period, "year") and de(rows[name]["Wert"]) == value
    prev_period, prev_value = year_earlier(mart_data_dir, PARTNER, "ladepunkte", period)
    assert rows[name]["Vorjahr"] == f"{fmt_cell(prev_value, False, 0)} ({prev_period})"
    assert de(rows[name]["Veränderung"]) == value - prev_value
    assert at.get("vega_lite_chart") and len(at.get("download_button")) == 2
    attributions = [r[0] for r in mart_rows(mart_data_dir, "SELECT attribution FROM dim_source")]
    assert any(a in page_text(at).replace("\\", "") for a in attributions)


def test_pdf_shows_the_numbers_of_the_report(mart_data_dir):
    year = latest_year(mart_data_dir)
    report = build_report(reader(mart_data_dir), PARTNER, year)
    joined = " ".join(pdf_pages(render_pdf(report)))
    assert "Kooperationsbericht" in joined and f"{report.subject} – {year}" in joined
    for line in report.lines:
        shown = text.row_cells(line, False)
        assert f" {shown['Wert']} " in f" {joined} ", line.indicator_id
        period, value = expected_value(mart_data_dir, PARTNER, line.indicator_id, year)
        assert line.suppressed or de(shown["Wert"]) == approx(value)
    for s in report.sources:
        assert " ".join(text.licence_line(s).split()) in joined


def test_excel_holds_the_mart_numbers(mart_data_dir, tmp_path):
    year = latest_year(mart_data_dir)
    report = build_report(reader(mart_data_dir), PARTNER, year)
    path = tmp_path / "bericht.xlsx"
    path.write_bytes(render_excel(report))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Bericht", "Vergleich", "Quellen"]
    ws = wb["Bericht"]
    header_row = next(r for r in ws.iter_rows(values_only=True) if r[:2] == ("Bereich", "Indikator"))
    assert list(header_row) == REPORT_COLUMNS
    rows = list(ws.iter_rows(values_only=True))
    body = [dict(zip(REPORT_COLUMNS, r, strict=False)) for r in rows[rows.index(header_row) + 1:]]
    names = dict(mart_rows(mart_data_dir, "SELECT name_de, indicator_id FROM dim_indicator"))
    assert len(body) == len(report.lines)
    for row in body:
        period, value = expected_value(mart_data_dir, PARTNER, names[row["Indikator"]], year)
        shown = row["Zeitraum"]
        assert (str(shown) if isinstance(shown, int) else shown.strftime("%Y-%m-%d")[:len(period)]) == period
        assert isinstance(shown, int | datetime)  # a year as number, a day as a real date
        assert row["Wert"] == ("." if value is None else value)  # the exact number, not a rounded text
    sources = {r[4] for r in wb["Quellen"].iter_rows(min_row=4, values_only=True)}
    assert sources == {text.attribution(s) for s in report.sources}
    assert all("Daten verändert" in a for a in sources)


def _suppressed_case(mart_data_dir: Path, tmp_path: Path) -> tuple[Path, str, str, int]:
    """A partner whose report value is suppressed: from the mart if it has one, else marked in a copy."""
    hit = mart_rows(mart_data_dir, """
        SELECT partner_id, indicator_id, year(period_start) AS y FROM fct_partner_indicator_value
        WHERE is_suppressed
          AND period_start = (SELECT max(period_start) FROM fct_partner_indicator_value q
                              WHERE q.partner_id = fct_partner_indicator_value.partner_id
                                AND q.indicator_id = fct_partner_indicator_value.indicator_id
                                AND year(q.period_start) = year(fct_partner_indicator_value.period_start))
        ORDER BY y DESC, partner_id, indicator_id LIMIT 1
    """) if "is_suppressed" in {r[0] for r in mart_rows(mart_data_dir, "SELECT column_name FROM duckdb_columns()"
                                                        " WHERE table_name = 'fct_partner_indicator_value'")} else []
    if hit:
        return (mart_data_dir, *hit[0])
    data_dir = tmp_path / "data"
    published = settings.paths(data_dir).published
    published.parent.mkdir(parents=True)
    shutil.copy(settings.paths(mart_data_dir).published, published)
    suppress_one_value(published, "120540000000", "faelle_7_tage")
    return data_dir, "potsdam", "faelle_7_tage", latest_year(data_dir)


def test_suppressed_value_is_a_dot_in_page_pdf_and_excel(mart_data_dir, tmp_path, monkeypatch):
    data_dir, partner_id, indicator_id, year = _suppressed_case(mart_data_dir, tmp_path)
    report = build_report(reader(data_dir), partner_id, year)
    line = next(ln for ln in report.lines if ln.indicator_id == indicator_id)
    assert line.suppressed and line.value is None and report.any_suppressed

    assert " ".join(SUPPRESSED_NOTE.split()) in " ".join(pdf_pages(render_pdf(report)))
    path = tmp_path / "bericht.xlsx"
    path.write_bytes(render_excel(report))
    ws = load_workbook(path)["Bericht"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == line.name)
    assert row[REPORT_COLUMNS.index("Wert")] == "."

    name = mart_rows(data_dir, "SELECT partner_name FROM dim_region WHERE partner_id = ?", [partner_id])[0][0]
    at = open_app(data_dir, monkeypatch, "pages/kooperationsbericht.py", {"partner": name, "jahr": str(year)})
    rows = {r["Indikator"]: r for df in all_tables(at) for r in df.value.to_dict("records")}
    assert rows[f"{line.name} ({line.unit})"]["Wert"] == "."
    assert SUPPRESSED_NOTE in page_text(at)
