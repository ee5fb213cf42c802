"""The Übersicht's first section: the cooperation's goals for the region or a partner — value, target, gap,
progress class in words and a trend line with the target, all from the published mart's ``fct_target_progress``
(the targets the snapshot was built with, never the live ``registry/targets.yml``). A partner without an own
value is judged on its Kreis's value, as its Kennzahl shows it; the water goal names the partner's gauge."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from regiohub.dashboard import charts, data
from regiohub.dashboard import components as ui
from regiohub.presentation.fmt import MISSING, common_decimals, fmt_cell, fmt_period
from regiohub.presentation.labels import (
    COMPARISON_WORDS,
    PROGRESS_COLOURS,
    PROGRESS_LABELS,
    progress_text,
)
from regiohub.registry.model import load_registry
from regiohub.registry.targets import period_start
from regiohub.reports.build import cooperation_ars


@dataclass(frozen=True)
class Goal:
    """One goal for the chosen subject, as displayed."""

    indicator_id: str
    name: str
    agreement: str
    progress_class: str
    status: str  # the class in words, with icon and (if not assessable) the reason
    value: str
    target: str
    gap: str
    rates: str
    place: str
    note: str
    is_sample: bool
    partners: str = ""
    chart: dict | None = field(default=None, compare=False)


def _target_when(period: str) -> str:
    """``im Jahr 2030`` or ``bis zum 31.12.2027``."""
    return f"im Jahr {period}" if len(period) == 4 else f"bis zum {fmt_period(period, 'day')}"


def _rate(value: float) -> str:
    return f"{fmt_cell(100 * value, False, 1)} %".replace("-", "−") if value < 0 else \
        f"+{fmt_cell(100 * value, False, 1)} %"


def _gap_text(row: pd.Series, d: int) -> str:
    """``4,3 fehlen bis 20,0 im Jahr 2030`` (or ``… zu viel …`` for an at-most target)."""
    target = fmt_cell(row["target_value"], False, d)
    if pd.isna(row["latest_value"]) or pd.isna(row["target_value"]):
        return ""
    if row["progress_class"] == "achieved":
        return ""
    gap = fmt_cell(row["gap"], False, d)
    verb = "fehlen bis" if row["target_comparison"] == "at_least" else "zu viel für"
    return f"{gap} {verb} {target} {_target_when(row['target_period'])}"


def _description(name: str, series: pd.DataFrame, row: pd.Series, d: int, status: str) -> str:
    """The chart's text alternative: what it shows and its main finding."""
    first, last = series.iloc[0], series.iloc[-1]
    text = (f"Liniendiagramm {name}: von {fmt_cell(first['value'], False, d)} ({first['Zeitraum']}) "
            f"auf {fmt_cell(last['value'], False, d)} ({last['Zeitraum']})")
    if not pd.isna(row["target_value"]):
        text += f"; Ziel {fmt_cell(row['target_value'], False, d)} {_target_when(row['target_period'])}"
    return f"{text}. Bewertung: {status}."


@data.per_snapshot
def goals(mart: data.Mart, subject: str) -> list[Goal]:
    """The goals in the catalogue's order of domains, one per indicator with a target."""
    region = subject == data.REGION
    coop = cooperation_ars(mart) or ""
    rows = mart.query(
        "SELECT p.*, m.name AS measured_name FROM fct_target_progress p"
        " LEFT JOIN dim_region m ON m.ars = p.measured_ars"
        " WHERE CASE WHEN ? THEN p.partner_id IS NULL AND p.region_ars = ? ELSE p.partner_id = ? END",
        [region, coop, subject]).set_index("indicator_id", drop=False)
    if region:
        series = mart.query("SELECT indicator_id, period, period_start, value FROM fct_indicator_value"
                            " WHERE region_ars = ? AND NOT is_suppressed AND value IS NOT NULL", [coop])
    else:
        series = mart.query("SELECT indicator_id, period, period_start, value FROM fct_partner_indicator_value"
                            " WHERE partner_id = ? AND NOT is_suppressed AND value IS NOT NULL", [subject])
    counts = _partner_counts(mart) if region else {}
    gauge = _gauge(mart, subject)
    indicators = data.indicators(mart)
    out = []
    for indicator_id in [i for i in indicators.index if i in rows.index]:
        ind, row = indicators.loc[indicator_id], rows.loc[indicator_id]
        own = series[series["indicator_id"] == indicator_id].sort_values("period_start")
        if not pd.isna(row["base_value_period"]):
            own = own[own["period_start"] >= own.loc[own["period"] == row["base_value_period"], "period_start"].min()]
        d = common_decimals([*own["value"], row["target_value"]])
        name = f"{ind['name_de']} ({ind['unit']})"
        status = progress_text(row["progress_class"], row["not_assessable_reason"])
        if region and row["not_assessable_reason"] == "no_value":
            status = progress_text("not_assessable") + " (kein Wert für die ganze Region: jede Partnerin misst " \
                "an einem eigenen Ort)"
        value = MISSING if pd.isna(row["latest_value"]) else \
            f"**{fmt_cell(row['latest_value'], False, d)}** ({fmt_period(row['latest_period'], ind['period_type'])})"
        target = MISSING if pd.isna(row["target_value"]) else (
            f"{COMPARISON_WORDS[row['target_comparison']]} **{fmt_cell(row['target_value'], False, d)}** "
            f"{_target_when(row['target_period'])}")
        rates = ""
        if not pd.isna(row["observed_cagr"]):
            rates = f"Seit {fmt_period(row['base_value_period'], ind['period_type'])}: {_rate(row['observed_cagr'])} " \
                    "pro Jahr"
            if not pd.isna(row["required_cagr"]):
                rates += f", nötig {_rate(row['required_cagr'])} pro Jahr"
        place = "" if pd.isna(row["measured_name"]) else str(row["measured_name"])
        if ind["domain"] == "water" and gauge:
            place = gauge
        elif row["is_inherited"]:
            place += " (Kreiswert: kein eigener Wert)"
        chart = None
        if len(own) >= 1:
            frame = own.assign(Datum=pd.to_datetime(own["period_start"]).dt.strftime("%Y-%m-%d"),
                               Wert=[fmt_cell(v, False, d) for v in own["value"]],
                               Zeitraum=[fmt_period(p, ind["period_type"]) for p in own["period"]])
            path_to = None if pd.isna(row["required_cagr"]) else period_start(row["target_period"]).isoformat()
            label = f"Ziel {fmt_cell(row['target_value'], False, d)}" if not pd.isna(row["target_value"]) else ""
            if path_to and len(row["target_period"]) == 4:
                label += f" ({row['target_period']})"
            chart = charts.goal_trend(frame, None if pd.isna(row["target_value"]) else float(row["target_value"]),
                                      path_to, label, _description(name, frame, row, d, status),
                                      str(ind["period_type"]))
        out.append(Goal(indicator_id, name, str(row["agreement"]), str(row["progress_class"]), status, value,
                        target, _gap_text(row, d), rates, place, str(row["note"] or ""), bool(row["is_sample"]),
                        counts.get(indicator_id, ""), chart))
    return out


def _partner_counts(mart: data.Mart) -> dict[str, str]:
    """Per indicator: how many partners are in which class (each on its own or its Kreis's value)."""
    df = mart.query("SELECT indicator_id, progress_class, count(*) AS n FROM fct_target_progress"
                    " WHERE partner_id IS NOT NULL GROUP BY ALL")
    out = {}
    for indicator_id, part in df.groupby("indicator_id"):
        n = dict(zip(part["progress_class"], part["n"], strict=True))
        out[indicator_id] = "Partner: " + ", ".join(f"{int(n[c])} × {PROGRESS_LABELS[c]}" for c in PROGRESS_LABELS
                                                    if c in n)
    return out


def _gauge(mart: data.Mart, subject: str) -> str:
    """The partner's reference gauge, e.g. ``Pegel Potsdam (Havel)`` (empty for the region)."""
    reference = {p.id: p.reference_gauge for p in load_registry().partners}.get(subject)
    if not reference:
        return ""
    df = mart.query("SELECT any_value(gauge_name) AS gauge, any_value(water_name) AS water FROM fct_water_level_daily"
                    " WHERE gauge_number = ?", [reference])
    return "" if df.empty or df.iloc[0]["gauge"] is None else \
        f"Pegel {df.iloc[0]['gauge'].title()} ({df.iloc[0]['water'].title()})"


def summary(goals_list: list[Goal]) -> str:
    """``5 Ziele: 1 × ✔ Ziel erreicht, 3 × ▲ auf Kurs, 1 × – nicht bewertbar`` — the same classes as the cards."""
    counts = {c: sum(g.progress_class == c for g in goals_list) for c in PROGRESS_LABELS}
    return f"{len(goals_list)} Ziele: " + ", ".join(
        f"{n} × {progress_text(c)}" for c, n in counts.items() if n)


def render(goals_list: list[Goal]) -> None:
    """Agreed goals first, then proposals; one bordered card per goal, three per row (stacked on a phone)."""
    for agreement, heading in (("agreed", "Vereinbarte Ziele"), ("proposed", "Vorgeschlagene Ziele")):
        group = [g for g in goals_list if g.agreement == agreement]
        if not group:
            continue
        st.subheader(heading + (" (noch nicht beschlossen)" if agreement == "proposed" else ""))
        for start in range(0, len(group), 3):
            for column, goal in zip(st.columns(3), group[start:start + 3], strict=False):
                with column.container(border=True):
                    _card(goal)


def _card(goal: Goal) -> None:
    st.markdown(f"**{ui.md_escape(goal.name)}**")
    st.badge(progress_text(goal.progress_class), color=PROGRESS_COLOURS[goal.progress_class])
    if goal.status != progress_text(goal.progress_class):  # the reason why it cannot be assessed
        st.markdown(ui.md_escape(goal.status.removeprefix(progress_text(goal.progress_class)).strip(" ()")))
    st.markdown(f"Wert: {goal.value}  \nZiel: {goal.target}")
    if goal.gap:
        st.markdown(goal.gap)
    if goal.chart is not None:
        st.vega_lite_chart(goal.chart, width="stretch")
    small = [goal.rates, f"Gemessen: {ui.md_escape(goal.place)}" if goal.place else "", goal.partners,
             ui.md_escape(goal.note)]
    st.caption("  \n".join(s for s in small if s))
