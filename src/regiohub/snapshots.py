"""Snapshot ids: new ones that always sort last, their publish time, and the base a candidate was built on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

BERLIN = ZoneInfo("Europe/Berlin")


def snapshot_time(snapshot_id: str) -> datetime | None:
    """The publish time encoded in a snapshot id (``20261128T183259299776Z-801c``), in Europe/Berlin."""
    try:
        return datetime.strptime(snapshot_id.split("-")[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC).astimezone(BERLIN)
    except ValueError:
        return None


def next_snapshot_id(now: datetime, existing: list[str]) -> str:
    """A new snapshot id that sorts after every existing one, even if the clock was set back since."""
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    newest = max((s.split("-")[0] for s in existing), default="")
    if stamp <= newest:
        bumped = datetime.strptime(newest, "%Y%m%dT%H%M%S%fZ") + timedelta(microseconds=1)
        stamp = bumped.strftime("%Y%m%dT%H%M%S%fZ")
    return stamp + "-" + uuid.uuid4().hex[:4]


def candidate_base(candidate: Path) -> str | None:
    """The snapshot the candidate was built on ('' if none was published; None if it does not say)."""
    with duckdb.connect(str(candidate), read_only=True) as con:
        if not con.execute("select 1 from duckdb_tables() where table_name = 'meta_build'").fetchall():
            return None
        return con.execute("select coalesce(base_snapshot_id, '') from meta_build").fetchall()[0][0]
