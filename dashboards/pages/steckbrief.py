"""Steckbrief: every indicator of one partner — value, trend, rank among the partners of the same level,
the Land Brandenburg value and similar municipalities across Brandenburg (shareable: ?partner=…)."""

import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, steckbrief_view
from regiohub.reports import text

ui.page("Steckbrief")
mart = ui.require_mart()
ui.snapshot_caption(mart)

partners = data.partners(mart)
names = dict(zip(partners["partner_id"], partners["partner_name"]))
partner_id = st.selectbox("Partner", list(names), format_func=names.get, key="partner", bind="query-params")
report = steckbrief_view.steckbrief(mart, partner_id)
st.header(f"Steckbrief {report.subject}")
st.markdown(f"**Fortschritt zu den Zielen:** {text.targets_summary(report)} Details unter „Ziel“ in den Tabellen "
            "und auf der Übersicht.")
st.caption(
    "Neuester Wert je Indikator. Rang nur unter den Partnern derselben Ebene ("
    + ("Gemeinden mit Gemeinden" if report.level == "gemeinde" else "Kreise mit Kreisen")
    + "); übernommene Kreiswerte sind markiert und erhalten keinen Rang. Land Brandenburg: Wert des Landes im "
    "selben Zeitraum."
)
for domain, lines in report.by_domain().items():
    st.subheader(domain)
    ui.table(steckbrief_view.rows(report, lines))
steckbrief_view.group_section(report)
ui.suppression_note(report.any_suppressed)
ui.sample_badge(report.is_sample)
if report.is_sample:
    st.caption(text.SAMPLE_NOTE)
ui.source_attributions(mart, [s["source_id"] for s in report.sources])
steckbrief_view.warm(mart, [p for p in names if p != partner_id])  # last: the page is already shown
