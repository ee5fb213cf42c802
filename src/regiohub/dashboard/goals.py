"""The Übersicht's first section: the cooperation's agreed goals (``registry/targets.yml``) for the region or a
partner — value, target, status with icon and text, trend and the date of the value, all from the mart's
``fct_indicator_target_status``; the water goal names its gauge (``fct_water_level_daily``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from regiohub.build.transform import load_targets
from regiohub.dashboard import components as ui
from regiohub.dashboard import data
from regiohub.presentation.fmt import MISSING, common_decimals, fmt_cell, fmt_change, fmt_period
from regiohub.presentation.labels import STATUS_ICONS, STATUS_LABELS
from regiohub.registry.model import load_registry
from regiohub.reports.build import cooperation_ars

_COMPARISON = {"at_least": "mindestens", "at_most": "höchstens"}


@dataclass(frozen=True)
class Goal:
    """One agreed goal for the chosen subject, as displayed."""

    name: str
    note: str
    value: str
    target: str
    status: str | None
    trend: str
    stand: str
    place: str


@data.per_snapshot
def goals(mart: data.Mart, subject: str) -> list[Goal]:
    """The goals in the order of ``registry/targets.yml`` (a goal without a value for the subject shows "–")."""
    notes = {t.indicator_id: t.note or "" for t in load_targets()}
    indicators = data.indicators(mart)
    region = subject == data.REGION
    rows = mart.query(
        """
        SELECT t.indicator_id, t.period, t.period_start, t.value, t.target_value, t.target_comparison, t.status,
               t.region_ars, r.name AS region_name
        FROM fct_indicator_target_status t JOIN dim_region r ON r.ars = t.region_ars
        WHERE CASE WHEN ? THEN t.partner_id IS NULL AND t.region_ars = ? ELSE t.partner_id = ? END
        ORDER BY t.indicator_id, t.period_start
        """,
        [region, cooperation_ars(mart) or "", subject],
    )
    gauges = mart.query("SELECT gauge_number, any_value(gauge_name) AS gauge, any_value(water_name) AS water"
                        " FROM fct_water_level_daily GROUP BY gauge_number")
    names = {r.gauge_number: f"Pegel {r.gauge.title()} ({r.water.title()})" for r in gauges.itertuples()}
    reference = {p.id: p.reference_gauge for p in load_registry().partners}  # the partner's agreed gauge
    gauge = names.get(reference.get(subject) or "", "")
    out = []
    for indicator_id, note in notes.items():
        if indicator_id not in indicators.index:
            continue
        ind = indicators.loc[indicator_id]
        own = rows[rows["indicator_id"] == indicator_id]
        name = f"{ind['name_de']} ({ind['unit']})"
        if own.empty:
            out.append(Goal(name, note, MISSING, MISSING, None, MISSING, MISSING,
                            _partner_statuses(mart, indicator_id) if region else MISSING))
            continue
        last = own.iloc[-1]
        d = common_decimals([*own["value"], last["target_value"]])
        trend = MISSING
        if len(own) > 1:
            prev = own.iloc[-2]
            trend = f"{fmt_change(float(last['value']) - float(prev['value']), d)} ggü. " \
                    f"{fmt_period(prev['period'], ind['period_type'])}"
        place = (gauge or str(last["region_name"])) if ind["domain"] == "water" else str(last["region_name"])
        out.append(Goal(
            name, note, fmt_cell(last["value"], False, d),
            f"{_COMPARISON.get(last['target_comparison'], '')} {fmt_cell(last['target_value'], False, d)}".strip(),
            str(last["status"]), trend, fmt_period(last["period"], ind["period_type"]), place,
        ))
    return out


def _partner_statuses(mart: data.Mart, indicator_id: str) -> str:
    """Without a value for the whole region: how the partners stand at their latest value."""
    df = mart.query(
        "WITH latest AS (SELECT partner_id, status FROM fct_indicator_target_status WHERE indicator_id = ?"
        " AND partner_id IS NOT NULL QUALIFY row_number() OVER (PARTITION BY partner_id ORDER BY period_start DESC)"
        " = 1) SELECT status, count(*) AS n FROM latest GROUP BY status",
        [indicator_id],
    )
    counts = dict(zip(df["status"], df["n"], strict=True))
    parts = [f"{int(counts[s])} × {STATUS_LABELS[s]}" for s in STATUS_LABELS if s in counts]
    return ("kein Wert für die ganze Region; Partner (jeweils eigener Messort): " + ", ".join(parts)) if parts \
        else "kein Wert für diese Auswahl"


def render(goals_list: list[Goal]) -> None:
    """One bordered card per goal, three per row (stacked on a phone)."""
    for start in range(0, len(goals_list), 3):
        for column, goal in zip(st.columns(3), goals_list[start:start + 3], strict=False):
            with column.container(border=True):
                st.markdown(f"**{ui.md_escape(goal.name)}**")
                st.markdown(f"Wert: **{goal.value}** · Ziel: {goal.target}")
                if goal.status in STATUS_LABELS:
                    ui.target_badge(goal.status)
                else:
                    st.markdown("Status: nicht bewertet")
                st.caption(f"Trend: {goal.trend} · Stand: {goal.stand} · Gemessen: {ui.md_escape(goal.place)}")
                if goal.note:
                    st.caption(ui.md_escape(goal.note))


def summary(goals_list: list[Goal]) -> str:
    """``2 Ziele erreicht, 1 knapp verfehlt, 2 verfehlt`` with the icons."""
    counts = {s: sum(g.status == s for g in goals_list) for s in STATUS_LABELS}
    return ", ".join(f"{STATUS_ICONS[s]} {n} × {STATUS_LABELS[s]}" for s, n in counts.items())


def table(goals_list: list[Goal]) -> pd.DataFrame:
    """The goals as a table (for tests and downloads)."""
    return pd.DataFrame([g.__dict__ for g in goals_list])
