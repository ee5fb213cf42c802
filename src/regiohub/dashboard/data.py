"""Read-only access to the published mart, cached per published snapshot.

Every query opens its own read-only DuckDB connection (connections are not thread-safe and the
publisher replaces the file atomically). Results are cached with ``st.cache_data`` keyed by the
file's identity (inode, size, mtime), so a newly published snapshot is picked up on the next
rerun without restarting the app. All values reach SQL as parameters, never formatted into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from regiohub import settings

CACHE_TTL = timedelta(minutes=10)

DOMAIN_LABELS = {"population": "Bevölkerung", "mobility": "Mobilität", "water": "Wasser", "health": "Gesundheit"}
DOMAIN_ORDER = list(DOMAIN_LABELS)
# The indicator that represents a domain in the overview.
HEADLINE_INDICATORS = {
    "population": "bevoelkerung",
    "mobility": "ladepunkte",
    "water": "wasserstand_tagesmittel",
    "health": "inzidenz_7_tage",
}
WATER_PARTNER = "potsdam"  # the overview shows the water level at Potsdam's gauge


@dataclass(frozen=True)
class Mart:
    """The published mart file as of one snapshot; ``version`` changes with every publish."""

    path: Path
    version: str

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        return _query(str(self.path), self.version, sql, tuple(params))


def current_mart() -> Mart | None:
    """The published mart (``REGIOHUB_DATA_DIR``), or None if nothing has been published yet."""
    path = settings.paths().published
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return Mart(path, f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}")


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=512)
def _query(path: str, version: str, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    """Run one query on a fresh read-only connection; ``version`` only keys the cache."""
    del version
    with duckdb.connect(path, read_only=True) as con:
        return con.sql(sql, params=list(params)).to_arrow_table().to_pandas()


@dataclass(frozen=True)
class RegionFigure:
    """An indicator aggregated over the partner region's Kreis-level units at its latest period."""

    total: float | None
    low: float | None
    high: float | None
    period: str | None
    n_units: int
    is_sample: bool
    source_id: str | None


def snapshot(mart: Mart) -> dict[str, Any] | None:
    """The meta_snapshot row (snapshot_id, published_at, run_id), or None."""
    df = mart.query("SELECT snapshot_id, published_at, run_id FROM meta_snapshot ORDER BY published_at DESC LIMIT 1")
    return None if df.empty else df.iloc[0].to_dict()


def sources(mart: Mart) -> pd.DataFrame:
    """dim_source indexed by source_id."""
    df = mart.query(
        "SELECT source_id, name, domain, publisher, licence, licence_url, attribution, is_sample, last_loaded_at"
        " FROM dim_source ORDER BY source_id"
    )
    return df.set_index("source_id", drop=False)


def indicators(mart: Mart) -> pd.DataFrame:
    """dim_indicator indexed by indicator_id, ordered by domain then name."""
    df = mart.query(
        "SELECT indicator_id, name_de, domain, unit, definition_de, source_id, period_type, direction"
        " FROM dim_indicator ORDER BY indicator_id"
    )
    df["_order"] = df["domain"].map({d: i for i, d in enumerate(DOMAIN_ORDER)}).fillna(len(DOMAIN_ORDER))
    return df.sort_values(["_order", "name_de"]).drop(columns="_order").set_index("indicator_id", drop=False)


def partners(mart: Mart) -> pd.DataFrame:
    """The partners (from dim_region), each Gemeinde listed after its Kreis."""
    return mart.query(
        "SELECT partner_id, partner_name, ars, level, kreis_ars FROM dim_region WHERE is_partner"
        " ORDER BY coalesce(kreis_ars, ars), level <> 'kreis', partner_name"
    )


def region_figure(mart: Mart, indicator_id: str) -> RegionFigure:
    """Sum, minimum and maximum of an indicator over the partner region at its latest period.

    The partner region, as non-overlapping units, is the partners at Kreis level (Landkreise and
    kreisfreie Städte); partner Gemeinden lie inside them and are not counted again.
    """
    row = mart.query(
        """
        WITH units AS (SELECT ars FROM dim_region WHERE is_partner AND level = 'kreis'),
        v AS (
            SELECT f.* FROM fct_indicator_value f JOIN units u ON u.ars = f.region_ars WHERE f.indicator_id = ?
        )
        SELECT sum(value) AS total, min(value) AS low, max(value) AS high, any_value(period) AS period,
               count(*) AS n, coalesce(bool_or(is_sample), false) AS is_sample, any_value(source_id) AS source_id
        FROM v WHERE period_start = (SELECT max(period_start) FROM v)
        """,
        [indicator_id],
    ).iloc[0]
    if int(row["n"]) == 0:
        return RegionFigure(None, None, None, None, 0, False, None)
    return RegionFigure(
        total=float(row["total"]),
        low=float(row["low"]),
        high=float(row["high"]),
        period=str(row["period"]),
        n_units=int(row["n"]),
        is_sample=bool(row["is_sample"]),
        source_id=row["source_id"],
    )


_PARTNER_VALUES = """
    SELECT p.partner_id, p.partner_name, p.indicator_id, p.period, p.period_start, p.value, p.unit,
           p.measured_ars, p.measured_name, p.is_inherited, r.level AS measured_level, p.source_id, p.is_sample
    FROM fct_partner_indicator_value p LEFT JOIN dim_region r ON r.ars = p.measured_ars
"""


def partner_latest(mart: Mart, indicator_ids: list[str]) -> pd.DataFrame:
    """The latest value of each partner for each of the given indicators."""
    latest = (
        " WHERE list_contains(?, p.indicator_id)"
        " QUALIFY row_number() OVER (PARTITION BY p.partner_id, p.indicator_id ORDER BY p.period_start DESC) = 1"
    )
    return mart.query(_PARTNER_VALUES + latest, [list(indicator_ids)])


def partner_series(mart: Mart, indicator_id: str, partner_ids: list[str]) -> pd.DataFrame:
    """All values of one indicator for the given partners, oldest first."""
    return mart.query(
        _PARTNER_VALUES
        + " WHERE p.indicator_id = ? AND list_contains(?, p.partner_id) ORDER BY p.period_start, p.partner_name",
        [indicator_id, list(partner_ids)],
    )


def region_values_latest(mart: Mart, indicator_id: str | None, ars: list[str]) -> pd.DataFrame:
    """Values of one indicator for the given regions (12-digit ARS) at their common latest period.

    Without an indicator the result is empty (with the same columns).
    """
    return mart.query(
        """
        WITH v AS (
            SELECT region_ars, period, period_start, value, unit, source_id, is_sample
            FROM fct_indicator_value WHERE indicator_id = ? AND list_contains(?, region_ars)
        )
        SELECT * FROM v WHERE period_start = (SELECT max(period_start) FROM v) ORDER BY region_ars
        """,
        [indicator_id or "", list(ars) if indicator_id else []],
    )
