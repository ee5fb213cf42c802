"""Indikatoren: one indicator for the chosen partners — over time, compared at the latest period, as a table."""

import streamlit as st

from regiohub.dashboard import charts, data, tables
from regiohub.dashboard import components as ui
from regiohub.dashboard.fmt import fmt_period

st.title("Indikatoren")
mart = ui.require_mart()
ui.snapshot_caption(mart)

indicators = data.indicators(mart)
partners = data.partners(mart)
partner_names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))


def indicator_label(indicator_id: str) -> str:
    row = indicators.loc[indicator_id]
    return f"{data.DOMAIN_LABELS.get(row['domain'], row['domain'])} · {row['name_de']}"


left, right = st.columns([1, 2])
indicator_id = left.selectbox(
    "Indikator (nach Bereich)", indicators.index.tolist(), format_func=indicator_label, key="indicator"
)
chosen = right.multiselect(
    "Partner", list(partner_names), default=list(partner_names), format_func=partner_names.get, key="partners"
)
ind = indicators.loc[indicator_id]
name, unit, period_type, source_id = ind["name_de"], ind["unit"], ind["period_type"], ind["source_id"]

st.subheader(name)
series = data.partner_series(mart, indicator_id, chosen) if chosen else None

if not chosen:
    st.info("Bitte mindestens einen Partner auswählen.")
elif series is None or series.empty:
    st.info("Für diese Auswahl liegen keine Werte vor.")
else:
    latest = tables.latest_rows(series)
    period = fmt_period(latest["period"].iloc[0], period_type)
    tab_time, tab_compare, tab_table = st.tabs(["Zeitverlauf", "Vergleich", "Tabelle"])
    with tab_time:
        if series["period_start"].nunique() > 1:
            ui.chart_with_caption(
                charts.time_series(series, name, unit, period_type),
                f"{name} je Partner, {fmt_period(series['period'].iloc[0], period_type)} bis {period}.",
                mart,
                [source_id],
            )
        else:
            st.info(f"Für {name} gibt es nur einen Zeitpunkt ({period}) – siehe „Vergleich“.")
    with tab_compare:
        missing = sorted(set(chosen) - set(latest["partner_id"]))
        ui.chart_with_caption(
            charts.comparison_bars(latest, name, unit, period_type),
            f"Stand {period}. Hellere Balken: übernommener Wert (z. B. Kreiswert für eine Gemeinde)."
            + (f" Ohne Wert für diesen Zeitpunkt: {', '.join(partner_names[p] for p in missing)}." if missing else ""),
            mart,
            [source_id],
        )
    with tab_table:
        ordered = series.sort_values(["period_start", "partner_name"], ascending=[False, True])
        st.dataframe(tables.series_table(ordered, unit, period_type), hide_index=True)
    ui.sample_badge(bool(series["is_sample"].any()))

st.markdown(
    f"**Definition:** {ui.md_escape(ind['definition_de'])}  \n"
    f"**Einheit:** {ui.md_escape(unit)}  \n"
    f"**Bereich:** {data.DOMAIN_LABELS.get(ind['domain'], ind['domain'])}"
)
ui.source_attributions(mart, [source_id])
