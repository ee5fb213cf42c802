"""Read-only access to the published mart, cached per published snapshot.

Small, read-only frames used on every page (indicators, partners, sources) and the built reports are
shared across sessions with ``st.cache_resource``: callers must not modify them.

Queries run on a read-only DuckDB connection per thread (connections are not thread-safe), reopened
when the publisher has replaced the file (atomically; an open connection keeps its snapshot).
Results are cached with ``st.cache_data`` keyed by the file's identity (inode, size, mtime), so a
newly published snapshot is picked up on the next rerun without restarting the app. All values reach
SQL as parameters, never formatted into it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from regiohub import settings
from regiohub.dashboard.labels import DOMAIN_LABELS, DOMAIN_ORDER, HEADLINE_CANDIDATES
from regiohub.registry import load_registry
from regiohub.reports import model as report_model
from regiohub.reports.reader import optional, table_columns

__all__ = ["DOMAIN_LABELS", "DOMAIN_ORDER"]

CACHE_TTL = timedelta(minutes=10)

REGION = report_model.REGION  # the whole cooperation region as a choice next to the partners


@dataclass(frozen=True)
class Mart:
    """The published mart file as of one snapshot; ``version`` changes with every publish."""

    path: Path
    version: str

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        return _query(str(self.path), self.version, sql, tuple(params))

    def columns(self, table: str) -> frozenset[str]:
        """Columns of a mart table (empty if absent): lets pages use columns other issues are adding."""
        return _columns(self, table)


def current_mart() -> Mart | None:
    """The published mart (``REGIOHUB_DATA_DIR``), or None if nothing has been published yet."""
    path = settings.paths().published
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return Mart(path, f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}")


_local = threading.local()


def _connection(path: str, version: str) -> duckdb.DuckDBPyConnection:
    """This thread's read-only connection to the published file as of ``version`` (reopened after a publish)."""
    cons: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = _local.__dict__.setdefault("cons", {})
    hit = cons.get(path)
    if hit and hit[0] == version:
        return hit[1]
    if hit:
        hit[1].close()
        del cons[path]
    con = duckdb.connect(path, read_only=True)
    cons[path] = (version, con)
    return con


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=512)
def _query(path: str, version: str, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    """Run one query on this thread's read-only connection; ``version`` keys the cache and the connection."""
    return _connection(path, version).sql(sql, params=list(params)).to_arrow_table().to_pandas()


def snapshot(mart: Mart) -> dict[str, Any] | None:
    """The meta_snapshot row (snapshot_id, published_at, run_id), or None."""
    df = mart.query("SELECT snapshot_id, published_at, run_id FROM meta_snapshot ORDER BY published_at DESC LIMIT 1")
    return None if df.empty else df.iloc[0].to_dict()


per_snapshot = st.cache_resource(
    ttl=CACHE_TTL, show_spinner=False, max_entries=256, hash_funcs={Mart: lambda m: (str(m.path), m.version)}
)
"""Cache a derived, read-only result per published snapshot, shared by all sessions (callers never modify it)."""


@per_snapshot
def _columns(mart: Mart, table: str) -> frozenset[str]:
    return table_columns(mart, table)


@per_snapshot
def sources(mart: Mart) -> pd.DataFrame:
    """dim_source indexed by source_id."""
    df = mart.query(
        "SELECT source_id, name, domain, publisher, licence, licence_url, attribution, is_sample, last_loaded_at"
        " FROM dim_source ORDER BY source_id"
    )
    return df.set_index("source_id", drop=False)


@per_snapshot
def indicators(mart: Mart) -> pd.DataFrame:
    """dim_indicator indexed by indicator_id, ordered by domain then name."""
    df = mart.query("SELECT * FROM dim_indicator ORDER BY indicator_id")
    df["_order"] = df["domain"].map({d: i for i, d in enumerate(DOMAIN_ORDER)}).fillna(len(DOMAIN_ORDER))
    return df.sort_values(["_order", "name_de"]).drop(columns="_order").set_index("indicator_id", drop=False)


@per_snapshot
def partners(mart: Mart) -> pd.DataFrame:
    """The partners (from dim_region), each Gemeinde listed after its Kreis."""
    return mart.query(
        "SELECT partner_id, partner_name, ars, level, kreis_ars FROM dim_region WHERE is_partner"
        " ORDER BY coalesce(kreis_ars, ars), level <> 'kreis', partner_name"
    )


def _partner_values(mart: Mart) -> str:
    """SELECT over partner values with level of the measured unit and the suppression flag (false if absent)."""
    pcols, fcols = mart.columns("fct_partner_indicator_value"), mart.columns("fct_indicator_value")
    if "is_suppressed" in pcols:
        suppressed, join = "coalesce(p.is_suppressed, false) AS is_suppressed", ""
    elif "is_suppressed" in fcols:
        suppressed = "coalesce(f.is_suppressed, false) AS is_suppressed"
        join = (" LEFT JOIN fct_indicator_value f ON f.region_ars = p.measured_ars"
                " AND f.indicator_id = p.indicator_id AND f.period = p.period")
    else:
        suppressed, join = "false AS is_suppressed", ""
    return f"""
    SELECT p.partner_id, p.partner_name, p.indicator_id, p.period, p.period_start, p.value, p.unit,
           p.measured_ars, p.measured_name, p.is_inherited, r.level AS measured_level, p.source_id, p.is_sample,
           {suppressed}
    FROM fct_partner_indicator_value p LEFT JOIN dim_region r ON r.ars = p.measured_ars{join}
"""


def partner_latest(mart: Mart, indicator_ids: list[str]) -> pd.DataFrame:
    """The latest value of each partner for each of the given indicators."""
    latest = (
        " WHERE list_contains(?, p.indicator_id)"
        " QUALIFY row_number() OVER (PARTITION BY p.partner_id, p.indicator_id ORDER BY p.period_start DESC) = 1"
    )
    return mart.query(_partner_values(mart) + latest, [list(indicator_ids)])


def partner_series(mart: Mart, indicator_id: str, partner_ids: list[str]) -> pd.DataFrame:
    """All values of one indicator for the given partners, oldest first."""
    return mart.query(
        _partner_values(mart)
        + " WHERE p.indicator_id = ? AND list_contains(?, p.partner_id) ORDER BY p.period_start, p.partner_name",
        [indicator_id, list(partner_ids)],
    )


def region_values_latest(
    mart: Mart, indicator_id: str | None, ars: list[str], period: str | None = None
) -> pd.DataFrame:
    """Values of one indicator for the given regions (12-digit ARS) at ``period`` or their common latest period.

    Without an indicator the result is empty (with the same columns).
    """
    cols = mart.columns("fct_indicator_value")
    return mart.query(
        f"""
        WITH v AS (
            SELECT region_ars, period, period_start, value, unit, source_id, is_sample,
                   {optional(cols, "is_suppressed", "false")}
            FROM fct_indicator_value WHERE indicator_id = ? AND list_contains(?, region_ars)
        )
        SELECT * FROM v WHERE CASE WHEN ? IS NULL THEN period_start = (SELECT max(period_start) FROM v)
                                   ELSE period = ? END
        ORDER BY region_ars
        """,
        [indicator_id or "", list(ars) if indicator_id else [], period, period],
    )


def region_series(mart: Mart, indicator_id: str) -> pd.DataFrame:
    """The whole region per period: ``value`` (the mart's Kooperationsraum value, else the sum of the units for
    counts), ``low``/``high`` over the units, ``n`` units, ``is_suppressed``, ``is_sample``; oldest first."""
    cols = mart.columns("fct_indicator_value")
    suppressed = "coalesce(f.is_suppressed, false)" if "is_suppressed" in cols else "false"
    return mart.query(
        f"""
        WITH units AS (SELECT ars FROM dim_region WHERE is_partner AND level = 'kreis'),
        coop AS (SELECT ars FROM dim_region WHERE level = 'kooperationsraum'),
        u AS (
            SELECT f.period, any_value(f.period_start) AS period_start, count(*) AS n, sum(f.value) AS total,
                   min(f.value) AS low, max(f.value) AS high, bool_or({suppressed}) AS any_suppressed,
                   bool_or(f.is_sample) AS is_sample
            FROM fct_indicator_value f JOIN units ON units.ars = f.region_ars WHERE f.indicator_id = ?
            GROUP BY f.period
        ),
        c AS (
            SELECT f.period, f.period_start, f.value, {suppressed} AS is_suppressed, f.is_sample
            FROM fct_indicator_value f JOIN coop ON coop.ars = f.region_ars WHERE f.indicator_id = ?
        )
        SELECT coalesce(c.period, u.period) AS period, coalesce(c.period_start, u.period_start) AS period_start,
               coalesce(u.n, 0) AS n, u.low, u.high, u.total,
               CASE WHEN c.period IS NOT NULL THEN c.value END AS coop_value,
               (c.period IS NOT NULL) AS has_coop,
               coalesce(c.is_suppressed, u.any_suppressed, false) AS is_suppressed,
               coalesce(c.is_sample, u.is_sample, false) AS is_sample
        FROM u FULL JOIN c ON c.period = u.period
        ORDER BY period_start
        """,
        [indicator_id, indicator_id],
    )


def periods(mart: Mart, indicator_id: str) -> list[str]:
    """Periods of an indicator with partner values, newest first."""
    df = mart.query(
        "SELECT period FROM fct_partner_indicator_value WHERE indicator_id = ?"
        " GROUP BY period ORDER BY max(period_start) DESC",
        [indicator_id],
    )
    return df["period"].tolist()


def headline_indicators(mart: Mart) -> dict[str, str]:
    """The key indicator per domain present in the mart (domain → indicator_id)."""
    present = set(indicators(mart).index)
    out = {}
    for domain, candidates in HEADLINE_CANDIDATES.items():
        hit = next((c for c in candidates if c in present), None)
        if hit:
            out[domain] = hit
    return out


@per_snapshot
def target_status(mart: Mart) -> pd.DataFrame:
    """fct_indicator_target_status (empty with the expected columns while the mart has no targets)."""
    return report_model.targets(mart)


def cooperation_ars(mart: Mart) -> str | None:
    """The mart's key of the whole Kooperationsraum, if it has one."""
    return report_model.cooperation_ars(mart)


def report(mart: Mart, partner_id: str, year: int) -> report_model.CooperationReport:
    """The cooperation report for a partner (or ``region``) and year, cached per snapshot."""
    return _report(mart, partner_id, year)


@per_snapshot
def _report(mart: Mart, partner_id: str, year: int) -> report_model.CooperationReport:
    return report_model.build_report(mart, partner_id, year)


def report_years(mart: Mart) -> list[int]:
    return report_model.report_years(mart)


@st.cache_resource(ttl=CACHE_TTL, show_spinner=False)
def source_schedules() -> dict[str, str]:
    """Registry schedule per source id (parsed once per ten minutes)."""
    return {s.id: s.schedule for s in load_registry().sources}


def parquet_exports() -> list[Path]:
    """Parquet exports of the current snapshot (``published/parquet/<table>.parquet``), if the publisher writes them."""
    folder = settings.paths().published_dir / "parquet"
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []
