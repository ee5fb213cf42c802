"""Kooperationsbericht: for a partner (or the whole region) and a year, the key indicators per domain with
the trend against the previous year and the neighbours, targets met and missed, charts, sources — on the
page and as PDF and Excel, all from the published mart."""

import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, report_view
from regiohub.reports import build, text

ui.page("Kooperationsbericht")
mart = ui.require_mart()
ui.snapshot_caption(mart)

partners = data.partners(mart)
names = {data.REGION: "Kooperationsregion (gesamt)", **dict(zip(partners["partner_id"], partners["partner_name"]))}
pick_subject, pick_year = st.columns([3, 1])
subject = pick_subject.selectbox("Bericht für", list(names), format_func=names.get, key="partner", bind="query-params")
years = report_view.report_years(mart)
year = pick_year.selectbox("Jahr", years, index=years.index(build.default_year(years)) if years else None,
                            key="jahr", bind="query-params")

report = report_view.report(mart, subject, int(year))
st.header(text.heading(report))
st.caption(text.stand(report))
report_view.target_summary(report)

commentary = st.text_area(
    "Eigene Anmerkungen für das PDF (optional)", key="kommentar", max_chars=4000,
    help="Erscheint im PDF nach den Zielen unter „Anmerkungen der Verwaltung“, z. B. für eine Sitzungsvorlage.",
)
download_pdf, download_xlsx = st.columns(2)
basename = f"kooperationsbericht_{report.year}_{report.partner_id}"
download_pdf.download_button(
    "Bericht als PDF", lambda: report_view.pdf_bytes(report, commentary), f"{basename}.pdf", "application/pdf",
    key="report_pdf", icon=":material/picture_as_pdf:",
)
download_xlsx.download_button(
    "Bericht als Excel", lambda: report_view.excel_bytes(report), f"{basename}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="report_xlsx",
    icon=":material/table_view:",
)

for domain, lines in report.by_domain().items():
    report_view.domain_section(mart, report, domain, lines)

if not report.lines:
    st.info("Für diese Auswahl liegen bis zum gewählten Jahr keine Werte vor.")
ui.suppression_note(report.any_suppressed)
ui.sample_badge(report.is_sample)
ui.source_attributions(mart, [s["source_id"] for s in report.sources])
