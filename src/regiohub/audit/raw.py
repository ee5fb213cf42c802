"""Frames for the raw-source suites: each entity's latest load, and per-source freshness against its schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from regiohub.core import duckdb_settings, settings
from regiohub.registry.model import Registry
from regiohub.store.freshness import max_age
from regiohub.store.loads import raw_files
from regiohub.store.state import read_state_or_empty as read_state

PREFIX = "raw__"  # suite / frame names: raw__<source>__<entity>


def raw_frames(data: settings.Paths, names: set[str]) -> dict[str, pd.DataFrame]:
    """The latest load of each wanted raw entity (``raw__<source>__<entity>``) as a DataFrame."""
    frames = {}
    for name in sorted(n for n in names if n.startswith(PREFIX)):
        source, entity = name.removeprefix(PREFIX).split("__", 1)
        files = raw_files(data, source, entity)
        if files:
            with duckdb_settings.connect() as con:
                frames[name] = con.sql("select * from read_parquet(?)", params=[str(files[-1])]).to_arrow_table() \
                    .to_pandas()
    return frames


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
