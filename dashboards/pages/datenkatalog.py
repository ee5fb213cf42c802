"""Datenkatalog: every indicator with definition, formula, unit, direction, sources, licences and attribution;
the sources; where one value came from (its loads); and how analysts open the published DuckDB file and the
Parquet exports."""

import streamlit as st

from regiohub.dashboard import catalogue, data, lineage_view
from regiohub.dashboard import components as ui
from regiohub.presentation.fmt import fmt_period

ui.page("Datenkatalog")
mart = ui.require_mart()
ui.snapshot_caption(mart)

SECTIONS = {"indikatoren": "Indikatoren", "herkunft-lizenzen": "Herkunft, Aktualisierung und Lizenzen",
            "quellen": "Quellen, Lizenzen und Namensnennung", "herkunft-wert": "Herkunft eines Werts",
            "analysten": "Für Analystinnen und Analysten"}
st.markdown("**Springen zu:** " + " · ".join(f"[{title}](#{anchor})" for anchor, title in SECTIONS.items()))

st.header(SECTIONS["indikatoren"], anchor="indikatoren")
table = catalogue.indicator_table(mart)
search = st.text_input("Indikatoren durchsuchen", key="suche", placeholder="z. B. Ladepunkte, Pegel, Zensus")
if search.strip():
    hits = table.astype(str).apply(lambda row: row.str.contains(search.strip(), case=False, regex=False)).any(axis=1)
    table = table[hits]
ui.table(table[[c for c in table.columns if c in catalogue.WHAT]])
st.caption(f"{len(table)} Indikatoren{' zur Suche' if search.strip() else ''}. Richtung: ob ein höherer Wert als "
           "besser, schlechter oder neutral gilt.")
st.header(SECTIONS["herkunft-lizenzen"], anchor="herkunft-lizenzen")
ui.table(table[[c for c in table.columns if c not in catalogue.WHAT or c == "Indikator"]])

st.header(SECTIONS["quellen"], anchor="quellen")
ui.table(catalogue.source_table(mart))

st.header(SECTIONS["herkunft-wert"], anchor="herkunft-wert")
st.markdown("Wählen Sie einen Wert: Sie sehen, aus welchen Lieferungen der Quellen er berechnet wurde – wann sie "
            "abgerufen wurden, woher sie stammen, ihre Prüfsumme, die abgerufenen Adressen und die Lizenz.")
indicators, partners = data.indicators(mart), data.partners(mart)
names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))
pick_ind, pick_partner, pick_period = st.columns([3, 2, 1])
lineage_ind = pick_ind.selectbox("Indikator", indicators.index.tolist(),
                                 format_func=lambda i: indicators.at[i, "name_de"], key="herkunft_indikator")
lineage_partner = pick_partner.selectbox("Partner", list(names), format_func=names.get, key="herkunft_partner")
period_type = indicators.at[lineage_ind, "period_type"]
lineage_period = pick_period.selectbox(
    "Zeitraum", lineage_view.periods(mart, lineage_ind, lineage_partner),
    format_func=lambda p: fmt_period(p, period_type), key="herkunft_zeitraum")
row = lineage_view.value_row(mart, lineage_ind, lineage_partner, lineage_period) if lineage_period else None
if row is None:
    st.info("Für diese Auswahl liegt kein Wert vor.")
else:
    st.markdown(lineage_view.value_text(row, period_type, lineage_period))
    loads = lineage_view.loads(mart, lineage_view.load_ids(row))
    st.html(lineage_view.loads_html(loads))
    st.caption("Prüfsumme: gekürzt angezeigt; die vollständigen Werte stehen unten. Mit ihnen lässt sich prüfen, "
               "ob eine Rohdatei genau die Lieferung ist, aus der der Wert stammt.")
    st.code(lineage_view.hashes_snippet(loads), language="text", wrap_lines=True)

st.header(SECTIONS["analysten"], anchor="analysten")
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
