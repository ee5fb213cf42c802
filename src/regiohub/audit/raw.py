"""Frames for the raw-source suites: each entity's latest load, and per-source freshness against its schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd

from regiohub import settings
from regiohub.registry import Registry
from regiohub.state import read_state_or_empty as read_state

PREFIX = "raw__"  # suite / frame names: raw__<source>__<entity>
PRESETS = {"@hourly": 1, "@daily": 24, "@weekly": 24 * 7, "@monthly": 24 * 31, "@yearly": 24 * 366}


def raw_frames(data: settings.Paths, names: set[str]) -> dict[str, pd.DataFrame]:
    """The latest load of each wanted raw entity (``raw__<source>__<entity>``) as a DataFrame."""
    frames = {}
    for name in sorted(n for n in names if n.startswith(PREFIX)):
        source, entity = name.removeprefix(PREFIX).split("__", 1)
        files = sorted((data.raw / source / entity).glob("*.parquet"))
        if files:
            with duckdb.connect() as con:
                frames[name] = con.sql("select * from read_parquet(?)", params=[str(files[-1])]).to_arrow_table() \
                    .to_pandas()
    return frames


def schedule_hours(schedule: str) -> float:
    """Hours between two scheduled deliveries of a source (cron expression or Airflow preset)."""
    if schedule in PRESETS:
        return PRESETS[schedule]
    from croniter import croniter

    it = croniter(schedule, datetime(2026, 1, 5, tzinfo=UTC))
    first = it.get_next(datetime)
    return (it.get_next(datetime) - first) / timedelta(hours=1)


def source_freshness(data: settings.Paths, registry: Registry, now: datetime | None = None) -> pd.DataFrame:
    """Per source: hours since the last successful load and the allowance (3 schedule intervals + 1 h).

    ``overdue`` > 1 means the source has stopped delivering (or we stopped fetching it).
    """
    now = now or datetime.now(UTC)
    rows = []
    for source in registry.sources:
        loaded = read_state(data, source.id).get("last_loaded_at")
        hours = (now - datetime.fromisoformat(loaded)) / timedelta(hours=1) if loaded else float("inf")
        allowed = 3 * schedule_hours(source.schedule) + 1
        rows.append({"source_id": source.id, "hours_since_load": hours, "allowed_hours": allowed,
                     "overdue": hours / allowed})
    return pd.DataFrame(rows, columns=["source_id", "hours_since_load", "allowed_hours", "overdue"])
