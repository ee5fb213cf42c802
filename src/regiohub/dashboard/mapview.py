"""The choropleth section of the Indikatoren page: Kreise or Gemeinden, BKG attribution, table alternative."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, geo
from regiohub.dashboard import values as mart_values
from regiohub.dashboard.tables import any_suppressed
from regiohub.presentation.fmt import fmt_period

LEVELS = {"kreise": geo.LEVEL_KREISE, "gemeinden": geo.LEVEL_GEMEINDEN}


def map_section(mart: data.Mart, ind: pd.Series, period: str | None) -> pd.DataFrame:
    """Render the map of ``ind`` at ``period`` and return the table shown as its alternative."""
    level_key = st.radio("Ebene", list(LEVELS), format_func=LEVELS.get, horizontal=True, key="ebene",
                         bind="query-params")
    chart, values, table = _map(mart, ind["indicator_id"], period, level_key)
    title = f"{ind['name_de']} ({ind['unit']})"
    if values.empty:
        caption = f"Für {ind['name_de']} liegen auf dieser Ebene keine Werte vor; gezeigt werden nur die Umrisse."
    else:
        caption = (
            f"{title}, Stand {fmt_period(values['period'].iloc[0], ind['period_type'])}. "
            "Partner der Kooperation rot umrandet; grau: kein Wert oder unterdrückt. Tabelle unter der Karte."
        )
    ui.chart_with_caption(chart, caption, mart, ui.indicator_sources(ind))
    ui.geo_attribution()
    with st.expander("Tabelle zur Karte", expanded=False):
        ui.table(table)
    ui.suppression_note(any_suppressed(values))
    return table


@data.per_snapshot
def _map(mart: data.Mart, indicator_id: str, period: str | None, level_key: str) -> tuple[dict, pd.DataFrame,
                                                                                           pd.DataFrame]:
    """(Vega-Lite spec, values, table alternative) of one map, built once per snapshot."""
    ind = data.indicators(mart).loc[indicator_id]
    partner_ars = set(data.partners(mart)["ars"])
    level = LEVELS[level_key]
    areas = geo.areas_for(level, partner_ars)
    if level == geo.LEVEL_KREISE:
        outlined = geo.partner_gemeinden(partner_ars)
    else:
        outlined = [a for a in geo.load_areas(geo.KREISE_FILE) if a.ars in partner_ars]
    values = mart_values.region_values_latest(mart, indicator_id, [a.ars for a in areas], period)
    shown = values[~values["is_suppressed"].astype(bool)]
    spec = geo.choropleth(
        areas, dict(zip(shown["region_ars"], shown["value"], strict=True)), partner_ars,
        title=f"{ind['name_de']} ({ind['unit']})", unit=ind["unit"], outlined=outlined,
        scheme="purples" if ind["direction"] == "lower_is_better" else "blues",
    )
    return spec, values, geo.area_table(areas, values, partner_ars, ind["period_type"])
