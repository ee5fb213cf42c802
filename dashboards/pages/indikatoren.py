"""Indikatoren: one indicator (chosen by domain) for the chosen partners and period — over time, compared,
ranked, on the map and as a table, with its definition, sources and licence, and downloads of the data shown."""

import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, mapview, tables, values
from regiohub.dashboard.indicator_view import EMBED_NOTE, NO_PUBLIC_URL, embed, has_public_base_url, indicator_view
from regiohub.presentation.fmt import fmt_period
from regiohub.presentation.labels import domain_label

DEFAULT = "ladepunkte_je_10000_ew"  # opens on a time series with a target, not on a single census date

ui.page("Indikatoren")
mart = ui.require_mart()
ui.snapshot_caption(mart)

indicators = data.indicators(mart)
partners = data.partners(mart)
partner_names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))

pick_indicator, pick_period = st.columns([3, 1])
pick_partners = st.container()
indicator_id = pick_indicator.selectbox(
    "Indikator (nach Bereich)",
    indicators.index.tolist(),
    format_func=lambda i: f"{domain_label(indicators.at[i, 'domain'])} · {indicators.at[i, 'name_de']}",
    index=indicators.index.get_loc(DEFAULT) if DEFAULT in indicators.index else 0,
    key="indikator",
    bind="query-params",
)
ind = indicators.loc[indicator_id]
name, unit, period_type = ind["name_de"], ind["unit"], ind["period_type"]
chosen = pick_partners.multiselect(
    "Partner", list(partner_names), default=list(partner_names), format_func=partner_names.get, key="partners",
    bind="query-params",
)
periods = values.periods(mart, indicator_id)
period = pick_period.selectbox(
    "Zeitraum", periods, format_func=lambda p: fmt_period(p, period_type), key="zeitraum", bind="query-params"
)

st.header(name)
view = indicator_view(mart, indicator_id, tuple(chosen), period) if chosen else None
sources = ui.indicator_sources(ind)

if view is None:
    st.info("Bitte mindestens einen Partner auswählen.")
elif view.series.empty:
    st.info("Für diese Auswahl liegen keine Werte vor.")
else:
    shown_period = fmt_period(period, period_type)
    tab_time, tab_compare, tab_rank, tab_map, tab_table = st.tabs(
        ["Zeitverlauf", "Vergleich", "Rangfolge", "Karte", "Tabelle"]
    )
    with tab_time:
        if view.time_series is not None:
            ui.chart_with_caption(
                view.time_series,
                f"{name} je Partner, {fmt_period(view.series['period'].iloc[0], period_type)} bis "
                f"{fmt_period(view.series['period'].iloc[-1], period_type)}. Werte als Tabelle: Reiter „Tabelle“.",
                mart,
                sources,
            )
        else:
            st.info(f"Für {name} gibt es nur einen Zeitpunkt ({shown_period}) – siehe „Vergleich“.")
    with tab_compare:
        missing = sorted(set(chosen) - set(view.at_period["partner_id"]))
        ui.chart_with_caption(
            view.comparison,
            f"Stand {shown_period}. Hellere Balken: übernommener Wert (z. B. Kreiswert für eine Gemeinde)."
            + (f" Ohne Wert: {', '.join(partner_names[p] for p in missing)}." if missing else "")
            + " Werte als Tabelle: Reiter „Rangfolge“.",
            mart,
            sources,
        )
    with tab_rank:
        ui.table(view.ranking)
        fair = ("Absolute Zahlen erhalten keinen Rang: die Gebiete sind verschieden groß." if ind["unit"] in
                tables.COUNT_UNITS else "Übernommene Kreiswerte erhalten keinen Rang; gleiche Werte teilen sich "
                "einen Rang.")
        st.caption(f"Rangfolge, Stand {shown_period}: {tables.ranking_caption(ind['direction'])} {fair}")
    with tab_map:
        mapview.map_section(mart, ind, period)
    with tab_table:
        ui.table(view.table)
        st.caption(f"Alle Zeiträume der gewählten Partner ({len(view.table)} Werte); die Downloads enthalten diese.")
        ui.download_buttons(
            view.download,
            f"regiohub_{indicator_id}",
            [f"{name} ({unit})", *ui.attribution_lines(mart, sources)],
            key="indicator_download",
        )
    ui.suppression_note(view.any_suppressed)
    ui.sample_badge(view.is_sample)

ui.indicator_facts(mart, ind)

with st.expander("Auf der eigenen Website einbinden", icon=":material/code:"):
    st.markdown(EMBED_NOTE)
    if not has_public_base_url():
        st.warning(NO_PUBLIC_URL, icon=":material/warning:")
    embed_partner = st.selectbox("Partner der eingebetteten Ansicht", chosen or list(partner_names),
                                 format_func=partner_names.get, key="einbetten_partner")
    snippet = embed(indicator_id, embed_partner, f"{name} – {partner_names[embed_partner]}")
    st.markdown("**Baustein für die Website** (vollständige Ansicht mit Wert, Verlauf, Quelle und Lizenz):")
    st.code(snippet.iframe, language="html", wrap_lines=True)
    st.markdown("**Nur das Diagramm als Bild** (SVG):")
    st.code(snippet.img, language="html", wrap_lines=True)
    st.code(snippet.svg_url, language="text", wrap_lines=True)
