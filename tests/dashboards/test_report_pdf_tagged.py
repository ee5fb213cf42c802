"""The Hauptausschuss PDF read back with pypdf: tagged (structure tree, language de, title, every figure with its
alternative text), no word broken inside the table, no page holding only a sentence, issuing body and contact on
the cover, the snapshot id in the colophon, and the office's commentary when given."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from regiohub.core import settings
from regiohub.registry.cooperation import load_cooperation
from regiohub.reports import pdf_table, text
from regiohub.reports.build import build_report
from regiohub.reports.model import REGION
from regiohub.reports.pdf import render_pdf
from regiohub.reports.reader import DuckDBReader

YEAR = 2025
MIN_BODY_CHARS = 400  # a page with less than this below its header is an orphan


def _report(data_dir: Path, partner_id: str):
    return build_report(DuckDBReader(settings.paths(data_dir).published), partner_id, YEAR)


def _elements(node, out: list) -> list:
    """Every structure element below ``node``, depth first."""
    node = node.get_object()
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            out.append(kid)
            _elements(kid, out)
    return out


def _body(page_text: str) -> str:
    """A page's text without its running header and footer lines."""
    return "\n".join(ln for ln in page_text.splitlines()
                     if not ln.startswith(("Kooperationsbericht 20", "Erstellt am", "Beispieldaten:", "Seite ")))


def test_the_pdf_is_tagged_in_german_with_a_title_and_alt_text_for_every_figure(mart_data_dir):
    report = _report(mart_data_dir, "wiesenburg_mark")
    pdf = PdfReader(BytesIO(render_pdf(report)))
    root = pdf.trailer["/Root"]
    assert str(root["/Lang"]).startswith("de") and root["/MarkInfo"]["/Marked"]
    assert pdf.metadata.title == text.heading(report) and root["/ViewerPreferences"]["/DisplayDocTitle"]
    elements = _elements(root["/StructTreeRoot"], [])
    kinds = [str(e["/S"]) for e in elements]
    assert "/Document" in kinds and kinds.count("/H1") >= 4
    figures = [e for e in elements if e["/S"] == "/Figure"]
    drawn = sum(p.extract_text().count("Abbildung:") for p in pdf.pages)
    assert figures and len(figures) == drawn
    for figure in figures:
        alt = str(figure.get("/Alt") or "")
        assert alt.startswith("Balkendiagramm ") and "Wiesenburg/Mark" in alt, alt


@pytest.mark.parametrize("partner_id", [REGION, "wiesenburg_mark"])
def test_no_word_is_broken_in_the_table_and_no_page_is_an_orphan(mart_data_dir, partner_id):
    report = _report(mart_data_dir, partner_id)
    pdf = PdfReader(BytesIO(render_pdf(report, commentary="Vorlage für den Hauptausschuss am 12. März.")))
    pages = [p.extract_text() for p in pdf.pages]
    tokens = {t for page in pages for t in page.split()}
    for lines in report.by_domain().values():
        for row in pdf_table.rows(lines, partner_id == REGION):
            broken = [w for cell in row for w in cell.split() if w not in tokens]
            assert not broken, (row[0], broken)  # a word split over two lines shows up as two fragments
    assert 3 <= len(pages) <= 5, len(pages)
    for number, page in enumerate(pages[1:], start=2):
        assert len(" ".join(_body(page).split())) >= MIN_BODY_CHARS, f"page {number} is nearly empty"
    joined = " ".join(" ".join(p.split()) for p in pages)
    assert "Vorlage für den Hauptausschuss am 12. März." in joined  # the office's commentary


def test_cover_names_issuer_and_contact_and_the_colophon_holds_the_snapshot(mart_data_dir):
    report = _report(mart_data_dir, "luckenwalde")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(render_pdf(report))).pages]
    coop = load_cooperation()
    assert f"Herausgeber: {coop.issuer}" in pages[0] and f"Kontakt: {coop.contact}" in pages[0]
    assert report.snapshot_id and report.snapshot_id not in pages[0]
    assert report.snapshot_id in pages[-1] and "Impressum" in pages[-1]
    assert "Ziel" in pages[1] and "Inhalt" not in pages[1]  # the goals follow the cover; no contents page
