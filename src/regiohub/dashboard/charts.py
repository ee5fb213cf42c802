"""Vega-Lite chart specs of the dashboards (plain dicts: fast to build), with a German number and date locale."""

from __future__ import annotations

from typing import Any

import pandas as pd

from regiohub.dashboard import tables
from regiohub.presentation.fmt import fmt_number
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


_TICKS = {"year": ("year", "%Y", "Jahr"), "month": ("month", "%m/%Y", "Monat"), "day": ("day", "%d.%m.%Y", "Tag"),
          "date": ("day", "%d.%m.%Y", "Stichtag")}
TARGET_COLOUR = "#D55E00"


def time_series(series: pd.DataFrame, name: str, unit: str, period_type: str, target: float | None = None) -> Spec:
    """Line chart of one indicator over time, one line per partner (colour and dash pattern), one tick per
    period, the agreed target as a dashed line."""
    interval, axis_format, x_title = _TICKS.get(period_type, ("day", "%d.%m.%Y", "Zeitraum"))
    periods = series["period_start"].nunique()
    x: dict[str, Any] = {"field": "Datum", "type": "temporal", "title": x_title,
                         "axis": {"format": axis_format, "labelAngle": 0, "labelOverlap": True,
                                  "tickCount": {"interval": interval, "step": max(1, periods // 12)}}}
    if period_type == "year":  # exactly one tick per year
        x = {"field": "Zeitraum", "type": "ordinal", "sort": {"field": "Datum"}, "title": x_title,
             "axis": {"labelAngle": 0}}
    y_title = f"{name} ({unit})" if len(name) <= 32 else f"Wert ({unit})"
    line = {
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": x,
            "y": {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": False},
                  "axis": {"titleLimit": 0}},
            "color": {"field": "Partner", "type": "nominal", "title": "Partner", "scale": {"range": PALETTE},
                      "legend": {"orient": "bottom", "columns": 1, "labelLimit": 0}},  # no cut names
            "strokeDash": {"field": "Partner", "type": "nominal", "legend": None},
            "tooltip": _TOOLTIP,
        },
    }
    layers = [line]
    if target is not None:
        label = f"Ziel: {fmt_number(target)}"
        one = {"values": [{"target": target}]}  # own data: drawn (and read out) once, not once per value
        layers.append({"data": one, "mark": {"type": "rule", "strokeDash": [6, 4], "color": TARGET_COLOUR, "size": 2},
                       "encoding": {"y": {"field": "target", "type": "quantitative"}}})
        layers.append({"data": one, "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "color": "#8a3a00",
                                             "text": label},
                       "encoding": {"y": {"field": "target", "type": "quantitative"}, "x": {"value": 0}}})
    line["data"] = {"values": records(_frame(series, unit, period_type))}
    return localized({"layer": layers,
                      "height": 500 + 22 * series["partner_name"].nunique()})  # plot + one legend row each


def comparison_bars(latest: pd.DataFrame, name: str, unit: str, period_type: str) -> Spec:
    """Horizontal bars comparing the partners at one period; inherited values are drawn lighter."""
    return localized({
        "data": {"values": records(_frame(latest, unit, period_type))},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "Partner", "type": "nominal", "sort": "-x", "title": None, "axis": {"labelLimit": 0}},
            "x": {"field": "value", "type": "quantitative", "title": f"{name} ({unit})", "axis": {"titleLimit": 0}},
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


def goal_trend(series: pd.DataFrame, target: float | None, target_day: str | None, target_label: str,
               description: str, period_type: str) -> Spec:
    """A goal card's trend: the values since the base period as a line and the target, labelled once — on the
    way from the base value to the target period where progress is assessed, else as a level line. Screen
    readers get ``description`` as the chart's one text alternative; axes and marks are not read out."""
    points = records(series[["Datum", "value", "Wert", "Zeitraum"]])
    axis_format = {"year": "%Y", "month": "%m/%Y"}.get(period_type, "%d.%m.%Y")
    line = {"data": {"values": points}, "mark": {"type": "line", "point": len(points) <= 24, "color": PALETTE[0]},
            "encoding": {"x": {"field": "Datum", "type": "temporal", "title": None,
                               "axis": {"format": axis_format, "labelOverlap": True, "tickCount": 4}},
                         "y": {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": False},
                               "axis": {"tickCount": 4}},
                         "tooltip": [{"field": "Zeitraum", "type": "nominal"}, {"field": "Wert", "type": "nominal"}]}}
    layers: list[Spec] = [line]
    if target is not None:
        if target_day is not None:  # the required path: from the base value to the target in the target period
            path = [{"Datum": points[0]["Datum"], "value": points[0]["value"]}, {"Datum": target_day, "value": target}]
            layers.append({"data": {"values": path}, "mark": {"type": "line", "strokeDash": [5, 4],
                                                               "color": TARGET_COLOUR},
                           "encoding": {"x": {"field": "Datum", "type": "temporal"},
                                        "y": {"field": "value", "type": "quantitative"}}})
            layers.append({"data": {"values": path[1:]},
                           "mark": {"type": "text", "align": "right", "dy": -8, "color": "#8a3a00",
                                    "fontWeight": "bold", "text": target_label},
                           "encoding": {"x": {"field": "Datum", "type": "temporal"},
                                        "y": {"field": "value", "type": "quantitative"}}})
        else:
            layers.append({"data": {"values": [{"value": target}]},
                           "mark": {"type": "rule", "strokeDash": [5, 4], "color": TARGET_COLOUR, "size": 2},
                           "encoding": {"y": {"field": "value", "type": "quantitative"}}})
            layers.append({"data": {"values": [{"value": target}]},
                           "mark": {"type": "text", "align": "left", "dy": -8, "color": "#8a3a00",
                                    "fontWeight": "bold", "text": target_label},
                           "encoding": {"x": {"value": 2}, "y": {"field": "value", "type": "quantitative"}}})
    spec = localized({"layer": layers, "height": 130, "description": description})
    spec["config"].update({"axis": {"aria": False}, "mark": {"aria": False}, "legend": {"aria": False}})
    return spec
