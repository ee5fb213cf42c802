"""Datenqualität: freshness of every source against its schedule, the last runs with their gate results,
quarantined rows per source and the Great Expectations Data Docs (operational detail: login when configured)."""

import streamlit as st

from regiohub import settings
from regiohub.dashboard import access, quality

st.title("Datenqualität")
access.require_login()
paths = settings.paths()

st.subheader("Aktualität je Quelle")
st.dataframe(quality.freshness_table(paths), hide_index=True)
st.caption("„überfällig“: letzte Prüfung älter als zwei Abrufintervalle laut Zeitplan der Quelle.")

st.subheader("Letzte Läufe")
runs = quality.runs_table(paths)
if runs.empty:
    st.info("Noch keine Läufe aufgezeichnet.")
else:
    st.dataframe(runs, hide_index=True)
    quality.last_gate(paths)

st.subheader("Quarantäne")
quarantine = quality.quarantine_table(paths)
if quarantine.empty:
    st.caption("Keine Zeilen in Quarantäne.")
else:
    st.dataframe(quarantine, hide_index=True)

st.subheader("Prüfberichte (Great Expectations Data Docs)")
quality.data_docs_link(paths)
