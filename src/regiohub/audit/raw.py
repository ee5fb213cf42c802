"""Frames for the raw-source suites: each entity's latest load, and per-source freshness against its schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd

from regiohub.audit.batches import Rows
from regiohub.core import settings
from regiohub.registry.model import Registry
from regiohub.store.freshness import max_age
from regiohub.store.loads import raw_files
from regiohub.store.state import read_state_or_empty as read_state

PREFIX = "raw__"  # suite / frame names: raw__<source>__<entity>


def raw_rows(con: duckdb.DuckDBPyConnection, data: settings.Paths, names: set[str]) -> dict[str, Rows]:
    """The latest load of each wanted raw entity (``raw__<source>__<entity>``), read in batches through Arrow."""
    rows = {}
    for name in sorted(n for n in names if n.startswith(PREFIX)):
        source, entity = name.removeprefix(PREFIX).split("__", 1)
        files = raw_files(data, source, entity)
        if files:
            path = str(files[-1])
            columns = tuple(d[0] for d in con.execute("select * from read_parquet(?) limit 0", [path]).description)
            rows[name] = Rows(columns, "read_parquet(?, file_row_number = true) t", (path,),
                              order="t.file_row_number", arrow=True)
    return rows


def source_freshness(data: settings.Paths, registry: Registry, now: datetime | None = None) -> pd.DataFrame:
    """Per source: hours since the last successful load and the allowance (the one freshness rule of
    :func:`regiohub.orchestration.freshness.max_age`: three schedule intervals, or the source's override).

    ``overdue`` > 1 means the source has stopped delivering (or we stopped fetching it).
    """
    now = now or datetime.now(UTC)
    rows = []
    for source in registry.sources:
        loaded = read_state(data, source.id).get("last_loaded_at")
        hours = (now - datetime.fromisoformat(loaded)) / timedelta(hours=1) if loaded else float("inf")
        allowed = max_age(source, now) / timedelta(hours=1)
        rows.append({"source_id": source.id, "hours_since_load": hours, "allowed_hours": allowed,
                     "overdue": hours / allowed})
    return pd.DataFrame(rows, columns=["source_id", "hours_since_load", "allowed_hours", "overdue"])
