"""Datenkatalog: every indicator with definition, formula, unit, direction, sources, licences and attribution;
the sources; and how analysts open the published DuckDB file and the Parquet exports."""

import streamlit as st

from regiohub.dashboard import catalogue, data
from regiohub.dashboard import components as ui

ui.page("Datenkatalog")
mart = ui.require_mart()
ui.snapshot_caption(mart)

st.subheader("Indikatoren")
table = catalogue.indicator_table(mart)
ui.table(table[[c for c in table.columns if c in catalogue.WHAT]])
st.caption(f"{len(table)} Indikatoren. Richtung: ob ein höherer Wert als besser, schlechter oder neutral gilt.")
st.subheader("Herkunft, Aktualisierung und Lizenzen")
ui.table(table[[c for c in table.columns if c not in catalogue.WHAT or c == "Indikator"]])

st.subheader("Quellen, Lizenzen und Namensnennung")
ui.table(catalogue.source_table(mart))

st.subheader("Für Analystinnen und Analysten")
st.markdown(catalogue.ANALYST_INTRO)
st.code(catalogue.duckdb_snippet(mart), language="python", wrap_lines=True)
st.code(catalogue.cli_snippet(mart), language="bash", wrap_lines=True)
st.markdown("**Kennungen der Indikatoren** (Spalte `indicator_id` in den Tabellen):")
st.code(catalogue.id_snippet(mart), language="python", wrap_lines=True)
exports = data.parquet_exports()
if exports:
    st.markdown("**Parquet-Exporte** (eine Datei je Tabelle, z. B. für R, pandas oder Tabellenkalkulation):")
    st.code(catalogue.parquet_snippet(exports), language="python", wrap_lines=True)
else:
    st.caption("Parquet-Exporte liegen neben der DuckDB-Datei, sobald der Veröffentlichungsschritt sie schreibt.")
