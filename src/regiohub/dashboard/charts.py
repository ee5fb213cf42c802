"""Altair charts of the dashboards, with a German number and date locale."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from regiohub.dashboard import tables

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

_TOOLTIP = [
    alt.Tooltip("Partner:N"),
    alt.Tooltip("Zeitraum:N"),
    alt.Tooltip("Wert:N"),
    alt.Tooltip("Hinweis:N"),
]


def localized(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the German locale (1.234,5; 21.11.2026; month names) to a top-level chart."""
    return chart.configure(locale=GERMAN_LOCALE)


def _frame(series: pd.DataFrame, unit: str, period_type: str) -> pd.DataFrame:
    """Chart data with German column names; ``value`` stays numeric for the encodings."""
    table = tables.series_table(series, unit, period_type)
    return table.assign(
        value=series["value"].to_numpy(),
        Datum=pd.to_datetime(series["period_start"]).to_numpy(),
        Herkunft=[tables.INHERITED_VALUE if i else tables.OWN_VALUE for i in series["is_inherited"]],
    )


def time_series(series: pd.DataFrame, name: str, unit: str, period_type: str) -> alt.TopLevelMixin:
    """Line chart of one indicator over time, one line per partner."""
    axis_format = "%Y" if period_type == "year" else "%d.%m.%Y"
    chart = (
        alt.Chart(_frame(series, unit, period_type))
        .mark_line(point=True)
        .encode(
            x=alt.X("Datum:T", title=None, axis=alt.Axis(format=axis_format, labelAngle=0)),
            y=alt.Y("value:Q", title=f"{name} ({unit})", scale=alt.Scale(zero=False)),
            color=alt.Color("Partner:N", title="Partner", legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=_TOOLTIP,
        )
        .properties(height=380)
    )
    return localized(chart)


def comparison_bars(latest: pd.DataFrame, name: str, unit: str, period_type: str) -> alt.TopLevelMixin:
    """Horizontal bars comparing the partners at one period; inherited values are drawn lighter."""
    chart = (
        alt.Chart(_frame(latest, unit, period_type))
        .mark_bar()
        .encode(
            y=alt.Y("Partner:N", sort="-x", title=None),
            x=alt.X("value:Q", title=f"{name} ({unit})"),
            color=alt.Color(
                "Herkunft:N",
                title="Herkunft des Werts",
                scale=alt.Scale(domain=[tables.OWN_VALUE, tables.INHERITED_VALUE], range=["#1f5f99", "#9ebcda"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=_TOOLTIP,
        )
        .properties(height=alt.Step(28))
    )
    return localized(chart)
