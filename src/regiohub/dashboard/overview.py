"""Pieces of the Übersicht page: the key figure per domain (value, trend, target), freshness, latest changes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from regiohub.core import settings
from regiohub.dashboard import components as ui
from regiohub.dashboard import data, ops, tables, values
from regiohub.dashboard.tables import origin_note
from regiohub.presentation.fmt import (
    MISSING,
    common_decimals,
    fmt_cell,
    fmt_change,
    fmt_datetime,
    fmt_period,
    is_missing,
)
from regiohub.presentation.labels import COUNT_UNITS

_DELTA_COLOURS = {"higher_is_better": "normal", "lower_is_better": "inverse"}
_INGEST_STATUS = {"loaded": "neue Daten", "unchanged": "unverändert", "failed": "Fehler"}


@dataclass
class KeyFigure:
    """The key indicator of one domain for the chosen subject (a partner or the whole region)."""

    name: str
    unit: str
    direction: str
    value: str = MISSING
    caption: str = ""
    delta: str | None = None
    trend: list[float] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    suppressed: bool = False
    is_sample: bool = False


@data.per_snapshot
def key_figure(mart: data.Mart, subject: str, indicator_id: str) -> KeyFigure:
    """Value at the latest period, change against the period before, trend line and target status."""
    ind = data.indicators(mart).loc[indicator_id]
    card = KeyFigure(ind["name_de"], ind["unit"], ind["direction"])
    if subject == data.REGION:
        _region_figure(mart, ind, card)
    else:
        _partner_figure(mart, subject, ind, card)
    return card


def _partner_figure(mart: data.Mart, partner_id: str, ind: pd.Series, card: KeyFigure) -> None:
    series = values.partner_series(mart, ind["indicator_id"], [partner_id])
    if series.empty:
        card.caption = "Kein Wert veröffentlicht."
        return
    last = series.iloc[-1]
    decimals = common_decimals(series["value"])
    card.suppressed = bool(last["is_suppressed"])
    card.value = fmt_cell(last["value"], last["is_suppressed"], decimals)
    card.is_sample = bool(last["is_sample"])
    note = origin_note(last["is_inherited"], last["measured_level"], last["measured_name"])
    card.caption = f"Stand {fmt_period(last['period'], ind['period_type'])}" + (f" ({note})" if note else "")
    _trend_and_delta(card, series, ind, decimals)


def _trend_and_delta(card: KeyFigure, series: pd.DataFrame, ind: pd.Series, decimals: int) -> None:
    """The series as sparkline, and the change of the last value against the one before."""
    card.trend = [float(v) for v in series["value"] if not is_missing(v)]
    last = series.iloc[-1]
    if len(series) > 1:
        prev = series.iloc[-2]
        if not (is_missing(prev["value"]) or is_missing(last["value"])):
            change = fmt_change(float(last["value"]) - float(prev["value"]), decimals)
            card.delta = f"{change} ggü. {fmt_period(prev['period'], ind['period_type'])}"


def _region_figure(mart: data.Mart, ind: pd.Series, card: KeyFigure) -> None:
    """The Kooperationsraum's own values as the mart publishes them."""
    series = values.level_series(mart, ind["indicator_id"], "kooperationsraum")
    if series.empty:
        card.caption = "Kein Wert veröffentlicht."
        return
    last = series.iloc[-1]
    decimals = common_decimals(series["value"])
    card.is_sample, card.suppressed = bool(last["is_sample"]), bool(last["is_suppressed"])
    card.value = fmt_cell(last["value"], last["is_suppressed"], decimals)
    card.caption = f"Kooperationsraum, Stand {fmt_period(last['period'], ind['period_type'])}"
    _trend_and_delta(card, series, ind, decimals)


def render_card(domain: str, card: KeyFigure) -> None:
    """A bordered metric: domain and indicator, value, change (coloured by the indicator's direction), trend."""
    with st.container(border=True):
        st.metric(
            domain,
            card.value,
            card.delta,
            delta_color=_DELTA_COLOURS.get(card.direction, "off"),
            help=f"{card.name} ({card.unit})",
        )
        unit = "" if card.unit in COUNT_UNITS else f" ({ui.md_escape(card.unit)})"
        st.caption(f"**{ui.md_escape(card.name)}**{unit} · {card.caption}")
        ui.sample_badge(card.is_sample)


@data.per_snapshot
def partner_table(mart: data.Mart, indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, str, bool, bool]:
    """(table of the partners' latest values, its caption, any value suppressed, any sample data)."""
    shown = data.indicators(mart).loc[list(indicator_ids)]
    latest = values.partner_latest(mart, list(indicator_ids))
    caption = (
        f"{tables.periods_caption(latest, shown)}. „(Kreiswert)“: Für die Gemeinde liegt kein eigener Wert vor, "
        "gezeigt wird der Wert ihres Landkreises."
    )
    return (tables.overview_table(latest, data.partners(mart), shown), caption, tables.any_suppressed(latest),
            bool(latest["is_sample"].any()))


def freshness_table(mart: data.Mart) -> pd.DataFrame:
    """Per source: how far its data reach ("Daten bis", the end of its newest period in the mart — not the time
    it was fetched), its last load (from dim_source) and whether it is current against its schedule."""
    fresh = {f.source_id: f for f in ops.freshness(settings.paths(), data.source_schedules())}
    until_by_source = data.data_until(mart)
    rows = []
    for s in data.sources(mart).itertuples():
        f = fresh.get(s.source_id)
        rows.append({
            "Quelle": s.name,
            "Daten bis": until_by_source.get(s.source_id, MISSING),
            "Stand im Datenbestand": fmt_datetime(s.last_loaded_at),
            "Zuletzt geprüft": fmt_datetime(f.last_checked_at) if f else MISSING,
            "Status": f.status if f else MISSING,
        })
    return pd.DataFrame(rows)


def render_changes() -> None:
    """What the last publishing run brought: per source new data or unchanged, and the gate result."""
    run = ops.last_published_run(settings.paths())
    if run is None:
        st.caption("Keine Laufhistorie vorhanden.")
        return
    passed, failed, _ = ops.gate_summary(run)
    gate = f"; Prüfungen: {passed} bestanden, {failed} fehlgeschlagen" if passed is not None else ""
    st.caption(f"Letzte Veröffentlichung: {fmt_datetime(pd.Timestamp(run.get('finished_at') or run['started_at']))}"
               f" (Snapshot {ui.md_escape(run.get('snapshot_id') or MISSING)}){gate}.")
    names = data.source_names()
    rows = [{"Quelle": names.get(c["source_id"], c["source_id"]),
             "Änderung": _INGEST_STATUS.get(c["status"], c["status"]),
             "Zeilen geladen": fmt_cell(c["rows"]) if c["status"] == "loaded" else MISSING}
            for c in ops.changes(run)]
    if rows:
        ui.table(pd.DataFrame(rows))
