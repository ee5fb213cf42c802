"""Übersicht: the partner region at a glance — one key figure per domain and the partners' latest values."""

import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, tables
from regiohub.dashboard.fmt import fmt_list, fmt_number, fmt_period, fmt_range, fmt_value

st.title("Übersicht")
mart = ui.require_mart()
ui.snapshot_caption(mart)

indicators = data.indicators(mart)
headline = indicators.loc[[i for i in data.HEADLINE_INDICATORS.values() if i in indicators.index]]


def period_of(indicator_id: str, period: str | None) -> str:
    period_type = indicators.at[indicator_id, "period_type"] if indicator_id in indicators.index else None
    return fmt_period(period, period_type)


population = data.region_figure(mart, "bevoelkerung")
charging = data.region_figure(mart, "ladepunkte")
incidence = data.region_figure(mart, "inzidenz_7_tage")
water = data.partner_latest(mart, ["wasserstand_tagesmittel"])
water = water[water["partner_id"] == data.WATER_PARTNER]

partners = data.partners(mart)
region_units = partners.loc[partners["level"] == "kreis", "partner_name"].tolist()
st.markdown(f"Die Partnerregion umfasst {fmt_list(region_units)}.")
cols = st.columns(4)
with cols[0]:
    ui.metric_card(
        "Einwohner",
        fmt_number(population.total),
        f"Summe über {population.n_units} Landkreise und kreisfreie Städte, Stichtag "
        f"{period_of('bevoelkerung', population.period)}",
        is_sample=population.is_sample,
    )
with cols[1]:
    ui.metric_card(
        "Ladepunkte",
        fmt_number(charging.total),
        f"Öffentliche Ladepunkte in der Partnerregion, Stand {period_of('ladepunkte', charging.period)}",
        is_sample=charging.is_sample,
    )
with cols[2]:
    if water.empty:
        ui.metric_card("Wasserstand", "–", "Keine Pegeldaten veröffentlicht")
    else:
        w = water.iloc[0]
        ui.metric_card(
            f"Wasserstand {w['partner_name']}",
            fmt_value(w["value"], w["unit"]),
            f"Tagesmittel am Referenzpegel, {period_of('wasserstand_tagesmittel', w['period'])}",
            is_sample=bool(w["is_sample"]),
        )
with cols[3]:
    ui.metric_card(
        "7-Tage-Inzidenz",
        fmt_range(incidence.low, incidence.high) if incidence.n_units else "–",
        f"Spanne über {incidence.n_units} Landkreise und kreisfreie Städte (Fälle je 100.000 EW), "
        f"{period_of('inzidenz_7_tage', incidence.period)}",
        is_sample=incidence.is_sample,
    )

st.subheader("Die Partner der Kooperation")
latest = data.partner_latest(mart, headline.index.tolist())
st.dataframe(tables.overview_table(latest, partners, headline), hide_index=True)
st.caption(
    f"{tables.periods_caption(latest, headline)}. „(Kreiswert)“: Für die Gemeinde liegt kein eigener Wert vor, "
    "gezeigt wird der Wert ihres Landkreises."
)
if latest["is_sample"].any():
    ui.sample_badge(True)
    st.caption("Mit „Beispieldaten“ markierte Werte sind plausible Beispielwerte, keine amtlichen Daten.")

ui.source_attributions(mart, headline["source_id"].tolist())
