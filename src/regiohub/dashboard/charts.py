"""Vega-Lite chart specs of the dashboards (plain dicts: fast to build), with a German number and date locale."""

from __future__ import annotations

from typing import Any

import pandas as pd

from regiohub.dashboard import tables
from regiohub.presentation.labels import PALETTE

GERMAN_LOCALE: dict[str, Any] = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0€"]},
    "time": {
        "dateTime": "%A, der %e. %B %Y, %X",
        "date": "%d.%m.%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
        "months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "shortMonths": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
    },
}

_TOOLTIP = [{"field": f, "type": "nominal"} for f in ("Partner", "Zeitraum", "Wert", "Hinweis")]
Spec = dict[str, Any]


def localized(spec: Spec) -> Spec:
    """Add the German locale (1.234,5; 21.11.2026; month names) to a top-level Vega-Lite spec."""
    return {**spec, "config": {"locale": GERMAN_LOCALE}}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready records (missing values as null)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


def _frame(series: pd.DataFrame, unit: str, period_type: str) -> pd.DataFrame:
    """Chart data with German column names; ``value`` stays numeric for the encodings."""
    table = tables.series_table(series, unit, period_type)
    return table.assign(
        value=series["value"].to_numpy(),
        Datum=pd.to_datetime(series["period_start"]).dt.strftime("%Y-%m-%d").to_numpy(),
        Herkunft=[tables.INHERITED_VALUE if i else tables.OWN_VALUE for i in series["is_inherited"]],
    )


def time_series(series: pd.DataFrame, name: str, unit: str, period_type: str) -> Spec:
    """Line chart of one indicator over time, one line per partner (colour and dash pattern)."""
    axis_format = "%Y" if period_type == "year" else "%d.%m.%Y"
    return localized({
        "data": {"values": records(_frame(series, unit, period_type))},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "Datum", "type": "temporal", "title": None,
                  "axis": {"format": axis_format, "labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": f"{name} ({unit})", "scale": {"zero": False}},
            "color": {"field": "Partner", "type": "nominal", "title": "Partner", "scale": {"range": PALETTE},
                      "legend": {"orient": "bottom", "columns": 3}},
            "strokeDash": {"field": "Partner", "type": "nominal", "legend": None},
            "tooltip": _TOOLTIP,
        },
        "height": 380,
    })


def comparison_bars(latest: pd.DataFrame, name: str, unit: str, period_type: str) -> Spec:
    """Horizontal bars comparing the partners at one period; inherited values are drawn lighter."""
    return localized({
        "data": {"values": records(_frame(latest, unit, period_type))},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "Partner", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "value", "type": "quantitative", "title": f"{name} ({unit})"},
            "color": {"field": "Herkunft", "type": "nominal", "title": "Herkunft des Werts",
                      "scale": {"domain": [tables.OWN_VALUE, tables.INHERITED_VALUE],
                                "range": [PALETTE[0], PALETTE[4]]},
                      "legend": {"orient": "bottom"}},
            "tooltip": _TOOLTIP,
        },
        "height": {"step": 28},
    })


def highlight_bars(frame: pd.DataFrame, x_title: str) -> Spec:
    """Bars of ``frame`` (columns Partner, value, Wert, Rolle) with the report's subject highlighted."""
    return localized({
        "data": {"values": records(frame)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "Partner", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "value", "type": "quantitative", "title": x_title},
            "color": {"field": "Rolle", "type": "nominal", "title": None,
                      "scale": {"domain": ["Berichtsgegenstand", "Vergleich"], "range": [PALETTE[0], PALETTE[8]]},
                      "legend": {"orient": "bottom"}},
            "tooltip": [{"field": "Partner", "type": "nominal"}, {"field": "Wert", "type": "nominal"}],
        },
        "height": {"step": 24},
    })
