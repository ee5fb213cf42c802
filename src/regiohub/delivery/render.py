"""The one adapter between delivery and the reports package (PDF and Excel bytes of a partner's report)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenderedReport:
    title: str
    basename: str
    pdf: bytes
    xlsx: bytes


def report_years(published: Path) -> list[int]:
    from regiohub.reports.build import report_years as years
    from regiohub.reports.reader import DuckDBReader

    return [int(y) for y in years(DuckDBReader(published))]


def render_report(published: Path, partner_id: str, year: int) -> RenderedReport:
    """The partner's cooperation report for ``year`` from the published mart, as the dashboard renders it."""
    from regiohub.reports import text
    from regiohub.reports.build import build_report
    from regiohub.reports.excel import render_excel
    from regiohub.reports.pdf import render_pdf
    from regiohub.reports.reader import DuckDBReader

    report = build_report(DuckDBReader(published), partner_id, year)
    basename = f"kooperationsbericht_{report.year}_{report.partner_id}"
    return RenderedReport(text.heading(report), basename, render_pdf(report), render_excel(report))
