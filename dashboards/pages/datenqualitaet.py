"""Datenqualität: freshness of every source against its schedule, the last runs with their gate results,
quarantined rows per source and the Great Expectations Data Docs (operational detail: login when configured)."""

import streamlit as st

from regiohub import settings
from regiohub.dashboard import access, quality
from regiohub.dashboard import components as ui

ui.page("Datenqualität")
access.require_login()
paths = settings.paths()

st.subheader("Aktualität je Quelle")
ui.table(quality.freshness_table(paths))
st.caption("„überfällig“: letzte Prüfung älter als zwei Abrufintervalle laut Zeitplan der Quelle.")

st.subheader("Letzte Läufe")
runs = quality.runs_table(paths)
if runs.empty:
    st.info("Noch keine Läufe aufgezeichnet.")
else:
    ui.table(runs)
    quality.last_gate(paths)

st.subheader("Quarantäne")
quarantine = quality.quarantine_table(paths)
if quarantine.empty:
    st.caption("Keine Zeilen in Quarantäne.")
else:
    ui.table(quarantine)

st.subheader("Prüfberichte (Great Expectations Data Docs)")
quality.data_docs_link(paths)
