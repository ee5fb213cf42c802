"""Datenqualität: failures not yet acknowledged (banner), freshness of every source against its schedule, the
last runs with their gate results, the gate's content checks, quarantined rows per source and the Great
Expectations Data Docs (operational detail: login when configured)."""

import streamlit as st

from regiohub.core import settings
from regiohub.dashboard import access, alerts_view, quality
from regiohub.dashboard import components as ui

ui.page("Datenqualität")
access.require_login()
paths = settings.paths()
alerts_view.banner(paths)

st.header("Aktualität je Quelle")
ui.table(quality.freshness_table(paths))
st.caption("„überfällig“: letzter erfolgreicher Abruf älter als drei Abrufintervalle laut Zeitplan der Quelle "
           "(oder als die für die Quelle eingestellte Höchstdauer).")

st.header("Letzte Läufe")
runs = quality.runs_table(paths)
if runs.empty:
    st.info("Noch keine Läufe aufgezeichnet.")
else:
    ui.table(runs)
    quality.last_gate(paths)

st.header("Inhaltsprüfungen der letzten Veröffentlichung")
checks = quality.content_checks_table(paths)
if checks.empty:
    st.caption("Noch keine Inhaltsprüfung gelaufen (sie läuft vor jeder Veröffentlichung).")
else:
    ui.table(checks)

st.header("Quarantäne")
quarantine = quality.quarantine_table(paths)
if quarantine.empty:
    st.caption("Keine Zeilen in Quarantäne.")
else:
    ui.table(quarantine)

st.header("Prüfberichte (Great Expectations Data Docs)")
quality.data_docs_link(paths)
