"""The cooperation report: per domain, each indicator for one partner (or the whole region) and year.

A value "for year Y" is the indicator's latest value with a period starting on or before 31.12.Y; the
trend compares it with the value a year earlier (the latest period starting at least one year before it:
2026 with 2025, 31.12.2024 with 31.12.2023, a day with the same day of the previous year). Neighbours are
the other partners at the same level (Kreise with Kreise, Gemeinden with Gemeinden) at the same period.
The whole region is the mart's Kooperationsraum where it has one, else the five non-overlapping units (the
kreisfreie Städte and Landkreise): counts are summed, rates recomputed from numerators and denominators
where the mart has them, otherwise only their range is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from regiohub.dashboard.fmt import is_missing
from regiohub.dashboard.labels import COUNT_UNITS, DOMAIN_ORDER, domain_label
from regiohub.reports.reader import Reader, optional, table_columns

REGION = "region"
REGION_NAME = "Kooperationsregion"


@dataclass(frozen=True)
class Peer:
    """One partner's value in a comparison (``is_subject``: the report's own partner)."""

    name: str
    value: float | None
    suppressed: bool
    is_subject: bool = False


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator in the report."""

    indicator_id: str
    name: str
    domain: str
    unit: str
    direction: str
    period_type: str
    period: str | None
    value: float | None
    suppressed: bool
    previous_period: str | None
    previous_value: float | None
    previous_suppressed: bool
    rank: int | None
    n_ranked: int
    target_value: float | None
    target_status: str | None
    note: str
    source_id: str
    is_sample: bool
    peers: tuple[Peer, ...] = ()

    @property
    def change(self) -> float | None:
        """Value minus the previous year's value (None if either is missing or they are the same period)."""
        if self.value is None or self.previous_value is None or self.period == self.previous_period:
            return None
        return round(self.value - self.previous_value, 10)  # no binary noise such as 4.780000000000001

    @property
    def peer_range(self) -> tuple[float, float] | None:
        values = [p.value for p in self.peers if not p.is_subject and p.value is not None]
        return (min(values), max(values)) if values else None


@dataclass
class CooperationReport:
    """Everything a cooperation report shows, taken from the mart only."""

    subject: str
    partner_id: str
    year: int
    snapshot_id: str | None
    published_at: Any
    lines: list[IndicatorLine]
    sources: list[dict[str, Any]] = field(default_factory=list)

    def by_domain(self) -> dict[str, list[IndicatorLine]]:
        """Lines grouped by domain label, in the domain order."""
        out: dict[str, list[IndicatorLine]] = {}
        for line in sorted(self.lines, key=lambda ln: _domain_rank(ln.domain)):
            out.setdefault(domain_label(line.domain), []).append(line)
        return out

    def target_counts(self) -> dict[str, int]:
        counts = {"met": 0, "close": 0, "missed": 0}
        for line in self.lines:
            if line.target_status in counts:
                counts[line.target_status] += 1
        return counts

    @property
    def any_suppressed(self) -> bool:
        return any(ln.suppressed or ln.previous_suppressed for ln in self.lines)

    @property
    def is_sample(self) -> bool:
        return any(ln.is_sample for ln in self.lines)


def _domain_rank(domain: str) -> int:
    return DOMAIN_ORDER.index(domain) if domain in DOMAIN_ORDER else len(DOMAIN_ORDER)


def report_years(reader: Reader) -> list[int]:
    """Years with at least one partner value, newest first."""
    df = reader.query(
        "SELECT DISTINCT year(period_start) AS y FROM fct_partner_indicator_value ORDER BY y DESC"
    )
    return [int(y) for y in df["y"]]


def _partners(reader: Reader) -> pd.DataFrame:
    return reader.query(
        "SELECT partner_id, partner_name, ars, level FROM dim_region WHERE is_partner ORDER BY partner_name"
    )


def _values(reader: Reader, year_end: date) -> pd.DataFrame:
    """Partner values up to ``year_end`` with suppression flags, numerators and denominators where present."""
    pcols = table_columns(reader, "fct_partner_indicator_value")
    fcols = table_columns(reader, "fct_indicator_value")
    suppressed = next((f"{a}.is_suppressed" for a, c in (("p", pcols), ("f", fcols)) if "is_suppressed" in c), "false")
    return reader.query(
        f"""
        SELECT p.partner_id, p.indicator_id, p.period, p.period_start, p.value, p.is_inherited, p.measured_name,
               p.measured_ars, p.source_id, p.is_sample, coalesce({suppressed}, false) AS suppressed,
               {optional(fcols, 'numerator', 'NULL::DOUBLE', 'f')},
               {optional(fcols, 'denominator', 'NULL::DOUBLE', 'f')}
        FROM fct_partner_indicator_value p
        LEFT JOIN fct_indicator_value f
          ON f.region_ars = p.measured_ars AND f.indicator_id = p.indicator_id AND f.period = p.period
        WHERE p.period_start <= ?
        """,
        [year_end],
    )


def cooperation_ars(reader: Reader) -> str | None:
    """The mart's key for the whole Kooperationsraum (dim_region level ``kooperationsraum``), if it has one."""
    df = reader.query("SELECT ars FROM dim_region WHERE level = 'kooperationsraum' LIMIT 1")
    return None if df.empty else str(df.iloc[0]["ars"])


def region_values(reader: Reader, ars: str | None, year_end: date) -> pd.DataFrame:
    """The mart's own values for the Kooperationsraum up to ``year_end`` (empty without such a region)."""
    suppressed = "is_suppressed" if "is_suppressed" in table_columns(reader, "fct_indicator_value") else "false"
    return reader.query(
        f"""
        SELECT indicator_id, period, period_start, value, is_sample, coalesce({suppressed}, false) AS suppressed
        FROM fct_indicator_value WHERE region_ars = ? AND period_start <= ?
        """,
        [ars or "", year_end],
    )


def targets(reader: Reader) -> pd.DataFrame:
    """fct_indicator_target_status with ``partner_id`` (NULL where the mart has no such column); empty if absent."""
    cols = table_columns(reader, "fct_indicator_target_status")
    if not {"region_ars", "indicator_id", "period", "status"} <= cols:
        return pd.DataFrame(columns=["region_ars", "partner_id", "indicator_id", "period", "target_value", "status"])
    return reader.query(
        f"SELECT region_ars, {optional(cols, 'partner_id', 'NULL::VARCHAR')}, indicator_id, period,"
        f" {optional(cols, 'target_value', 'NULL::DOUBLE')}, status FROM fct_indicator_target_status"
    )


def target_for(frame: pd.DataFrame, indicator_id: str, period: str, *, partner_id: str | None = None,
               region_ars: str | None = None) -> pd.DataFrame:
    """Target rows of one indicator and period for a partner (by partner_id where present) or a region key."""
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["period"] == period)]
    if partner_id is not None and rows["partner_id"].notna().any():
        return rows[rows["partner_id"] == partner_id]
    return rows[rows["region_ars"] == region_ars]


def _latest(values: pd.DataFrame, until: date) -> pd.DataFrame:
    """Per partner and indicator, the row with the latest period starting on or before ``until``."""
    v = values[values["period_start"] <= until]
    if v.empty:
        return v
    return v.sort_values("period_start").groupby(["partner_id", "indicator_id"], as_index=False).tail(1)


def year_before(day: date) -> date:
    """The same day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _latest_until(rows: pd.DataFrame, until: date) -> pd.DataFrame:
    """The row with the latest period starting on or before ``until`` (empty if none)."""
    rows = rows[rows["period_start"] <= until]
    return rows.sort_values("period_start").tail(1)


def _num(value: object) -> float | None:
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def _rank(subject_value: float | None, peers: list[Peer], direction: str) -> tuple[int | None, int]:
    ranked = [p.value for p in peers if p.value is not None]
    if subject_value is None or direction not in ("higher_is_better", "lower_is_better"):
        return None, len(ranked)
    better = [v for v in ranked if (v > subject_value if direction == "higher_is_better" else v < subject_value)]
    return len(better) + 1, len(ranked)


def _region_value(rows: pd.DataFrame, unit: str) -> tuple[float | None, bool, str]:
    """(value, suppressed, note) of the whole region from its units' rows at one period."""
    if rows.empty:
        return None, False, ""
    if rows["suppressed"].any():
        return None, True, "enthält unterdrückte Werte"
    if unit in COUNT_UNITS:
        return float(rows["value"].sum()), False, f"Summe der {len(rows)} Gebietseinheiten"
    num, den = rows["numerator"], rows["denominator"]
    if num.notna().all() and den.notna().all() and den.sum() > 0:
        ref = rows[(num != 0) & rows["value"].notna()]
        if not ref.empty:
            factor = float(ref["value"].iloc[0]) * float(ref["denominator"].iloc[0]) / float(ref["numerator"].iloc[0])
            return float(num.sum()) / float(den.sum()) * factor, False, "aus Zähler und Nenner neu berechnet"
    return None, False, "kein Regionswert; siehe Spanne der Gebietseinheiten"


def build_report(reader: Reader, partner_id: str, year: int) -> CooperationReport:
    """The report for one partner (or :data:`REGION`) and year."""
    partners = _partners(reader).set_index("partner_id", drop=False)
    is_region = partner_id == REGION
    if not is_region and partner_id not in partners.index:
        raise KeyError(f"unknown partner {partner_id!r}")
    values = _values(reader, date(year, 12, 31))
    current = _latest(values, date(year, 12, 31))
    goals = targets(reader)
    indicators = reader.query(
        "SELECT indicator_id, name_de, domain, unit, direction, period_type, source_id FROM dim_indicator"
    )
    names = partners["partner_name"].to_dict()
    coop_ars = cooperation_ars(reader)
    coop = region_values(reader, coop_ars, date(year, 12, 31)) if is_region else None
    if is_region:
        group = partners[partners["level"] == "kreis"]["partner_id"].tolist()
    else:
        level = partners.at[partner_id, "level"]
        group = partners[partners["level"] == level]["partner_id"].tolist()

    lines = []
    for ind in indicators.itertuples():
        cur = current[(current["indicator_id"] == ind.indicator_id) & current["partner_id"].isin(group)]
        prev = values[(values["indicator_id"] == ind.indicator_id) & values["partner_id"].isin(group)]
        if is_region:
            own = coop[coop["indicator_id"] == ind.indicator_id].sort_values("period_start")
            line = _region_line(ind, cur, prev, values, names, own, goals, coop_ars)
        else:
            line = _partner_line(ind, partner_id, cur, prev, values, names, goals)
        if line is not None:
            lines.append(line)

    snap = reader.query("SELECT snapshot_id, published_at FROM meta_snapshot ORDER BY published_at DESC LIMIT 1")
    shown = sorted({ln.source_id for ln in lines})
    sources = reader.query(
        "SELECT source_id, name, publisher, licence, licence_url, attribution, is_sample FROM dim_source"
        " WHERE list_contains(?, source_id) ORDER BY name",
        [shown],
    ).to_dict("records")
    return CooperationReport(
        subject=REGION_NAME if is_region else names[partner_id],
        partner_id=partner_id,
        year=year,
        snapshot_id=None if snap.empty else str(snap.iloc[0]["snapshot_id"]),
        published_at=None if snap.empty else snap.iloc[0]["published_at"],
        lines=lines,
        sources=sources,
    )


def _peers_at(values: pd.DataFrame, indicator_id: str, period: str, group: list[str], names: dict[str, str],
              subject: str | None) -> list[Peer]:
    rows = values[(values["indicator_id"] == indicator_id) & (values["period"] == period)
                  & values["partner_id"].isin(group)]
    return [
        Peer(names[r.partner_id], _num(r.value), bool(r.suppressed), r.partner_id == subject)
        for r in rows.sort_values("partner_id").itertuples()
    ]


def _partner_line(ind: Any, partner_id: str, cur: pd.DataFrame, prev: pd.DataFrame, values: pd.DataFrame,
                  names: dict[str, str], targets: pd.DataFrame) -> IndicatorLine | None:
    own = cur[cur["partner_id"] == partner_id]
    if own.empty:
        return None
    row = own.iloc[0]
    before = _latest_until(prev[prev["partner_id"] == partner_id], year_before(row["period_start"]))
    peers = _peers_at(values, ind.indicator_id, row["period"], cur["partner_id"].tolist(), names, partner_id)
    rank, n_ranked = _rank(_num(row["value"]), peers, ind.direction)
    hit = target_for(targets, ind.indicator_id, row["period"], partner_id=partner_id, region_ars=row["measured_ars"])
    note = f"Wert für {row['measured_name']}" if bool(row["is_inherited"]) else ""
    return IndicatorLine(
        indicator_id=ind.indicator_id, name=ind.name_de, domain=ind.domain, unit=ind.unit, direction=ind.direction,
        period_type=ind.period_type, period=str(row["period"]), value=_num(row["value"]),
        suppressed=bool(row["suppressed"]),
        previous_period=None if before.empty else str(before.iloc[0]["period"]),
        previous_value=None if before.empty else _num(before.iloc[0]["value"]),
        previous_suppressed=False if before.empty else bool(before.iloc[0]["suppressed"]),
        rank=rank, n_ranked=n_ranked,
        target_value=None if hit.empty else _num(hit.iloc[0]["target_value"]),
        target_status=None if hit.empty else str(hit.iloc[0]["status"]),
        note=note, source_id=ind.source_id, is_sample=bool(row["is_sample"]), peers=tuple(peers),
    )


def _region_line(ind: Any, cur: pd.DataFrame, prev: pd.DataFrame, values: pd.DataFrame,
                 names: dict[str, str], own: pd.DataFrame, goals: pd.DataFrame,
                 coop_ars: str | None) -> IndicatorLine | None:
    """The whole region: the mart's Kooperationsraum value where it has one, else aggregated from the units."""
    if not own.empty:
        row = own.iloc[-1]
        before = own[own["period_start"] <= year_before(row["period_start"])]
        period, value, suppressed = row["period"], _num(row["value"]), bool(row["suppressed"])
        prev_period = None if before.empty else before.iloc[-1]["period"]
        prev_value = None if before.empty else _num(before.iloc[-1]["value"])
        prev_suppressed = False if before.empty else bool(before.iloc[-1]["suppressed"])
        note = "Wert des Kooperationsraums"
        at_period = cur[cur["period"] == period]
    elif cur.empty:
        return None
    else:
        period = cur.sort_values("period_start").iloc[-1]["period"]
        at_period = cur[cur["period"] == period]
        value, suppressed, note = _region_value(at_period, ind.unit)
        prev_value, prev_suppressed, prev_period = None, False, None
        prev = prev[prev["period_start"] <= year_before(at_period["period_start"].iloc[0])]
        if not prev.empty:
            prev_period = prev.sort_values("period_start").iloc[-1]["period"]
            prev_value, prev_suppressed, _ = _region_value(prev[prev["period"] == prev_period], ind.unit)
    peers = _peers_at(values, ind.indicator_id, period, at_period["partner_id"].tolist(), names, None)
    hit = target_for(goals, ind.indicator_id, period, region_ars=coop_ars) if coop_ars else goals.iloc[0:0]
    return IndicatorLine(
        indicator_id=ind.indicator_id, name=ind.name_de, domain=ind.domain, unit=ind.unit, direction=ind.direction,
        period_type=ind.period_type, period=str(period), value=value, suppressed=suppressed,
        previous_period=None if prev_period is None else str(prev_period), previous_value=prev_value,
        previous_suppressed=prev_suppressed, rank=None, n_ranked=len(peers),
        target_value=None if hit.empty else _num(hit.iloc[0]["target_value"]),
        target_status=None if hit.empty else str(hit.iloc[0]["status"]),
        note=note, source_id=ind.source_id, peers=tuple(peers),
        is_sample=bool(at_period["is_sample"].any()) or bool(own["is_sample"].any()),
    )
