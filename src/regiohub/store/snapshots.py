"""Snapshots: their publish time, and the snapshot a candidate was built on (ids: :mod:`regiohub.core.ids`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from regiohub.core import duckdb_settings
from regiohub.core.ids import CANDIDATE_PREFIX, time_of
from regiohub.core.settings import Paths

BERLIN = ZoneInfo("Europe/Berlin")


def snapshot_time(snapshot_id: str) -> datetime | None:
    """The publish time encoded in a snapshot id (``20261128T183259299776Z-801c``), in Europe/Berlin."""
    when = time_of(snapshot_id)
    return when.astimezone(BERLIN) if when else None


def candidate_base(candidate: Path) -> str | None:
    """The snapshot the candidate was built on ('' if none was published; None if it does not say)."""
    with duckdb_settings.connect(candidate, read_only=True) as con:
        if not con.execute("select 1 from duckdb_tables() where table_name = 'meta_build'").fetchall():
            return None
        return con.execute("select coalesce(base_snapshot_id, '') from meta_build").fetchall()[0][0]


def candidates(data: Paths) -> list[Path]:
    """The candidate marts under ``build/``, oldest first (their names sort by time)."""
    return sorted(data.build.glob(f"{CANDIDATE_PREFIX}*.duckdb"))
