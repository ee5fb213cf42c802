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

from regiohub.core import duckdb_settings, settings
from regiohub.presentation.labels import DOMAIN_ORDER
from regiohub.registry.model import load_registry
from regiohub.reports import build
from regiohub.reports.model import REGION
from regiohub.reports.reader import table_columns
from regiohub.store.exports import current_exports

__all__ = ["REGION", "Mart", "current_mart", "per_snapshot"]

CACHE_TTL = timedelta(minutes=10)

@dataclass(frozen=True)
class Mart:
    """The published mart file as of one snapshot; ``version`` changes with every publish."""

    path: Path
    version: str
    fallback: bool = False  # the published file cannot be opened: the newest intact kept snapshot is shown

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        return _query(str(self.path), self.version, sql, tuple(params))

    def columns(self, table: str) -> frozenset[str]:
        """Columns of a mart table (empty if absent): lets pages use columns other issues are adding."""
        return _columns(self, table)


def current_mart() -> Mart | None:
    """The published mart (``REGIOHUB_DATA_DIR``), or None if nothing has been published yet.

    While the published file cannot be opened, the newest intact kept snapshot (``fallback``; see
    :func:`regiohub.store.snapshot_store.readable_mart`, shared with the API).
    """
    from regiohub.store.snapshot_store import readable_mart

    readable = readable_mart(settings.paths())
    if readable is None:
        return None
    try:
        stat = readable.path.stat()
    except FileNotFoundError:
        return None
    return Mart(readable.path, f"{stat.st_ino}-{stat.st_size}-{stat.st_mtime_ns}", readable.fallback)


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
    con = duckdb_settings.connect(path, read_only=True)
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


@per_snapshot
def target_status(mart: Mart) -> pd.DataFrame:
    """fct_target_progress (progress towards each target), shared per snapshot."""
    return build.targets(mart)


@per_snapshot
def data_until(mart: Mart) -> dict[str, str]:
    """Per source: its newest period in the mart as shown ("Daten bis 15.11.2026", "2026"), not its fetch time."""
    from regiohub.presentation.fmt import fmt_period

    if "source_id" not in mart.columns("fct_indicator_value"):  # a mart from before values named their source
        return {}
    df = mart.query("SELECT v.source_id, arg_max(v.period, v.period_start) AS period,"
                    " arg_max(i.period_type, v.period_start) AS period_type FROM fct_indicator_value v"
                    " JOIN dim_indicator i USING (indicator_id) GROUP BY v.source_id")
    return {r.source_id: fmt_period(r.period, r.period_type) for r in df.itertuples()}


@st.cache_resource(ttl=CACHE_TTL, show_spinner=False)
def source_schedules() -> dict[str, str]:
    """Registry schedule per source id (parsed once per ten minutes)."""
    return {s.id: s.schedule for s in load_registry().sources}


@st.cache_resource(ttl=CACHE_TTL, show_spinner=False)
def source_names() -> dict[str, str]:
    """Registry name per source id: pages show names, never ids."""
    return {s.id: s.name for s in load_registry().sources}


def parquet_exports() -> list[Path]:
    """Parquet exports of the current snapshot (``published/parquet/<table>.parquet``), if the publisher writes them."""
    return current_exports(settings.paths())
