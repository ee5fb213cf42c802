"""Karte: the partner region on the map of Brandenburg, coloured by an indicator's latest value."""

import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, geo
from regiohub.dashboard.fmt import fmt_period

OUTLINES_ONLY = "__none__"

st.title("Karte")
mart = ui.require_mart()
ui.snapshot_caption(mart)

indicators = data.indicators(mart)
partners = data.partners(mart)
partner_ars = set(partners["ars"])


def indicator_label(indicator_id: str) -> str:
    if indicator_id == OUTLINES_ONLY:
        return "keiner (nur Umrisse)"
    row = indicators.loc[indicator_id]
    return f"{data.DOMAIN_LABELS.get(row['domain'], row['domain'])} · {row['name_de']}"


left, right = st.columns([2, 3])
indicator_id = left.selectbox(
    "Einfärben nach", [*indicators.index, OUTLINES_ONLY], format_func=indicator_label, key="map_indicator"
)
level = right.radio("Ebene", [geo.LEVEL_KREISE, geo.LEVEL_GEMEINDEN], horizontal=True, key="map_level")

areas = geo.areas_for(level, partner_ars)
if level == geo.LEVEL_KREISE:
    outlined = geo.partner_gemeinden(partner_ars)
else:
    outlined = [a for a in geo.load_areas(geo.KREISE_FILE) if a.ars in partner_ars]

ind = None if indicator_id == OUTLINES_ONLY else indicators.loc[indicator_id]
values = data.region_values_latest(mart, None if ind is None else indicator_id, [a.ars for a in areas])

value_by_ars = dict(zip(values["region_ars"], values["value"], strict=True))
title = f"{ind['name_de']} ({ind['unit']})" if ind is not None else ""
chart = geo.choropleth(
    areas,
    value_by_ars,
    partner_ars,
    title=title,
    unit=ind["unit"] if ind is not None else "",
    outlined=outlined,
    scheme="orangered" if ind is not None and ind["direction"] == "lower_is_better" else "blues",
)

if ind is None:
    caption = "Partner der Kooperation rot umrandet."
elif values.empty:
    caption = f"Für {ind['name_de']} liegen auf dieser Ebene keine Werte vor; gezeigt werden nur die Umrisse."
else:
    caption = (
        f"{title}, Stand {fmt_period(values['period'].iloc[0], ind['period_type'])}. "
        "Partner der Kooperation rot umrandet; grau: kein Wert."
    )
ui.chart_with_caption(chart, caption, mart, [] if ind is None else [ind["source_id"]])
ui.geo_attribution()
if not values.empty:
    ui.sample_badge(bool(values["is_sample"].any()))

with st.expander("Tabelle", expanded=False):
    period_type = ind["period_type"] if ind is not None else "date"
    st.dataframe(geo.area_table(areas, values, partner_ars, period_type), hide_index=True)

if ind is not None:
    ui.source_attributions(mart, [ind["source_id"]])
