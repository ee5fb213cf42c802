"""Build a cooperation report from the mart: every number is read from it, none is recomputed.

A value "for year Y" is the indicator's latest value with a period starting on or before 31.12.Y; the
trend compares it with the value a year earlier (the latest period starting at least one year before it).
Neighbours are the other partners at the same level (Kreise with Kreise, Gemeinden with Gemeinden) at the
same period; values a Gemeinde inherits from its Kreis are marked and never ranked. The whole region is the
mart's Kooperationsraum; the Land value is the mart's value for Brandenburg at the same period.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from regiohub.presentation.fmt import TZ, is_missing
from regiohub.reports.model import REGION, REGION_NAME, CooperationReport, IndicatorLine, Peer, rank
from regiohub.reports.reader import Reader
from regiohub.reports.similar import comparison_group, group_values

LAND_LEVEL = "land"
COOPERATION_LEVEL = "kooperationsraum"


def report_years(reader: Reader) -> list[int]:
    """Years with at least one partner value, newest first."""
    df = reader.query(
        "SELECT DISTINCT year(period_start) AS y FROM fct_partner_indicator_value ORDER BY y DESC"
    )
    return [int(y) for y in df["y"]]


def default_year(years: list[int], today: date | None = None) -> int | None:
    """The last complete calendar year (Europe/Berlin) with values, else the oldest year offered."""
    today = today or pd.Timestamp.now(tz=TZ).date()
    complete = [y for y in years if y < today.year]
    return max(complete) if complete else (min(years) if years else None)


def region_ars(reader: Reader, level: str) -> str | None:
    """The mart's key of the Kooperationsraum or the Land (dim_region level), if it has one."""
    df = reader.query("SELECT ars FROM dim_region WHERE level = ? LIMIT 1", [level])
    return None if df.empty else str(df.iloc[0]["ars"])


def cooperation_ars(reader: Reader) -> str | None:
    """The mart's key for the whole Kooperationsraum."""
    return region_ars(reader, COOPERATION_LEVEL)


def targets(reader: Reader) -> pd.DataFrame:
    """fct_target_progress: per region (partner_id NULL for the Kooperationsraum) and indicator the target, its
    period and the progress class by the published rule."""
    return reader.query(
        "SELECT region_ars, partner_id, indicator_id, target_value, target_comparison, target_period, gap,"
        " progress_class, not_assessable_reason FROM fct_target_progress"
    )


def target_for(frame: pd.DataFrame, indicator_id: str, *, partner_id: str | None = None,
               region_ars: str | None = None) -> pd.DataFrame:
    """The progress row of one indicator for a partner, or (``partner_id`` None) for a region key."""
    rows = frame[frame["indicator_id"] == indicator_id]
    if partner_id is not None:
        return rows[rows["partner_id"] == partner_id]
    return rows[(rows["region_ars"] == region_ars) & rows["partner_id"].isna()]


def year_before(day: date) -> date:
    """The same day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _num(value: object) -> float | None:
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def _partner_values(reader: Reader, year_end: date, level: str) -> pd.DataFrame:
    """Values of the partners of one level up to ``year_end``."""
    return reader.query(
        "SELECT p.partner_id, r.level, p.indicator_id, p.period, p.period_start, p.value, p.is_inherited,"
        " p.measured_name, p.measured_ars, p.is_sample, p.is_suppressed AS suppressed"
        " FROM fct_partner_indicator_value p JOIN dim_region r ON r.ars = p.partner_ars"
        " WHERE p.period_start <= ? AND r.level = ?",
        [year_end, level],
    )


def _region_values(reader: Reader, ars: list[str], year_end: date) -> pd.DataFrame:
    return reader.query(
        "SELECT region_ars, indicator_id, period, period_start, value, is_sample, is_suppressed AS suppressed"
        " FROM fct_indicator_value WHERE list_contains(?, region_ars) AND period_start <= ?",
        [ars, year_end],
    )


def build_report(reader: Reader, partner_id: str, year: int) -> CooperationReport:
    """The report for one partner (or :data:`REGION`) and year."""
    partners = reader.query(
        "SELECT partner_id, partner_name, ars, level FROM dim_region WHERE is_partner ORDER BY partner_name"
    ).set_index("partner_id", drop=False)
    is_region = partner_id == REGION
    if not is_region and partner_id not in partners.index:
        raise KeyError(f"unknown partner {partner_id!r}")
    year_end = date(year, 12, 31)
    level = "kreis" if is_region else partners.at[partner_id, "level"]
    values = _partner_values(reader, year_end, level)
    coop, land = cooperation_ars(reader), region_ars(reader, LAND_LEVEL)
    regions = _region_values(reader, [a for a in (coop, land) if a], year_end)
    group = None if is_region else comparison_group(reader, partners.at[partner_id, "ars"], level)
    ctx = _Context(values, regions, targets(reader), partners["partner_name"].to_dict(), coop, land)
    if group is not None and group.ars:
        ctx.similar = group_values(reader, group)
    indicators = reader.query(
        "SELECT indicator_id, name_de, domain, unit, direction, period_type, source_id FROM dim_indicator"
    )
    lines = [line for ind in indicators.itertuples()
             if (line := ctx.region_line(ind) if is_region else ctx.partner_line(ind, partner_id)) is not None]
    snap = reader.query("SELECT snapshot_id, published_at FROM meta_snapshot ORDER BY published_at DESC LIMIT 1")
    sources = reader.query(
        "SELECT source_id, name, publisher, licence, licence_url, attribution, is_sample FROM dim_source"
        " WHERE list_contains(?, source_id) ORDER BY name",
        [sorted({ln.source_id for ln in lines})],
    ).to_dict("records")
    return CooperationReport(
        subject=REGION_NAME if is_region else partners.at[partner_id, "partner_name"],
        partner_id=partner_id, year=year,
        snapshot_id=None if snap.empty else str(snap.iloc[0]["snapshot_id"]),
        published_at=None if snap.empty else snap.iloc[0]["published_at"],
        lines=lines, sources=sources, group=group, level=level,
    )


def _by_indicator(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of each indicator (one split instead of a filter per indicator)."""
    return {key: rows for key, rows in frame.groupby("indicator_id", sort=False)}


class _Context:
    """The frames one report reads, and how a line is taken from them."""

    def __init__(self, values: pd.DataFrame, regions: pd.DataFrame, goals: pd.DataFrame, names: dict[str, str],
                 coop: str | None, land: str | None) -> None:
        self.names, self.coop, self.land = names, coop, land
        self.values = _by_indicator(values)
        self.regions = _by_indicator(regions)
        self.goals, self.no_goal = _by_indicator(goals), goals.iloc[0:0]
        self.similar: pd.DataFrame | None = None

    def _similar(self, indicator_id: str, period: str) -> tuple[float, float, float, int] | None:
        if self.similar is None:
            return None
        rows = self.similar[(self.similar["indicator_id"] == indicator_id) & (self.similar["period"] == period)]
        if rows.empty or not int(rows.iloc[0]["n"]):
            return None
        r = rows.iloc[0]
        return float(r["median"]), float(r["low"]), float(r["high"]), int(r["n"])

    def _land_value(self, indicator_id: str, period: str) -> float | None:
        r = self.regions.get(indicator_id)
        rows = None if r is None else r[(r["region_ars"] == self.land) & (r["period"] == period)]
        return None if rows is None or rows.empty else _num(rows.iloc[0]["value"])

    def _peers(self, indicator_id: str, period: str, subject: str | None) -> list[Peer]:
        v = self.values.get(indicator_id)
        if v is None:
            return []
        rows = v[v["period"] == period]
        return [Peer(self.names[r.partner_id], _num(r.value), bool(r.suppressed), r.partner_id == subject,
                     bool(r.is_inherited)) for r in rows.sort_values("partner_id").itertuples()]

    def partner_line(self, ind: Any, partner_id: str) -> IndicatorLine | None:
        v = self.values.get(ind.indicator_id)
        own = None if v is None else v[v["partner_id"] == partner_id]
        return None if own is None or own.empty else self._line(ind, own.sort_values("period_start"), partner_id)

    def region_line(self, ind: Any) -> IndicatorLine | None:
        r = self.regions.get(ind.indicator_id)
        own = None if r is None else r[r["region_ars"] == self.coop]
        if own is None or own.empty:
            return None
        return self._line(ind, own.assign(is_inherited=False).sort_values("period_start"), None)

    def _line(self, ind: Any, own: pd.DataFrame, partner_id: str | None) -> IndicatorLine:
        row = own.iloc[-1]
        before = own[own["period_start"] <= year_before(row["period_start"])].tail(1)
        inherited = bool(row["is_inherited"])
        peers = self._peers(ind.indicator_id, row["period"], partner_id)
        place, n_ranked = rank(None if inherited else _num(row["value"]), peers, ind.direction)
        goals = self.goals.get(ind.indicator_id, self.no_goal)
        hit = target_for(goals, ind.indicator_id, partner_id=partner_id, region_ars=self.coop)
        goal = None if hit.empty else hit.iloc[0]
        return IndicatorLine(
            indicator_id=ind.indicator_id, name=ind.name_de, domain=ind.domain, unit=ind.unit,
            direction=ind.direction, period_type=ind.period_type, period=str(row["period"]),
            value=_num(row["value"]), suppressed=bool(row["suppressed"]),
            previous_period=None if before.empty else str(before.iloc[0]["period"]),
            previous_value=None if before.empty else _num(before.iloc[0]["value"]),
            previous_suppressed=False if before.empty else bool(before.iloc[0]["suppressed"]),
            rank=None if partner_id is None else place, n_ranked=n_ranked,
            target_value=None if goal is None else _num(goal["target_value"]),
            target_status=None if goal is None else str(goal["progress_class"]),
            target_period=None if goal is None else str(goal["target_period"]),
            target_comparison=None if goal is None else str(goal["target_comparison"]),
            target_gap=None if goal is None else _num(goal["gap"]),
            target_reason=None if goal is None or pd.isna(goal["not_assessable_reason"])
            else str(goal["not_assessable_reason"]),
            note=f"Wert für {row['measured_name']} (nicht gerankt)" if inherited else "",
            source_id=ind.source_id, is_sample=bool(row["is_sample"]), peers=tuple(peers),
            land_value=self._land_value(ind.indicator_id, row["period"]), is_inherited=inherited,
            similar=None if inherited else self._similar(ind.indicator_id, row["period"]),
        )
