"""The one home of ids: loads, runs, candidates and snapshots all sort by the UTC time they were made.

``20261128T183259299776Z-801c`` — a UTC timestamp to the microsecond plus a random suffix, so ids of
one kind sort in the order they were made and never collide. A snapshot id must also sort after every
existing snapshot even when the clock was set back (:func:`next_snapshot_id`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

STAMP = "%Y%m%dT%H%M%S%fZ"
CANDIDATE_PREFIX = "candidate-"  # a candidate mart under build/; a rejected one is renamed failed-*


def stamp(now: datetime | None = None) -> str:
    """A sortable UTC timestamp (microseconds)."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime(STAMP)


def new_load_id() -> str:
    """A raw load: ``raw/<source>/<entity>/<load_id>.parquet``."""
    return f"{stamp()}-{uuid.uuid4().hex[:6]}"


def new_run_id() -> str:
    """A pipeline run in the run history."""
    return f"{stamp()}-{uuid.uuid4().hex[:6]}"


def new_candidate_name() -> str:
    """A candidate mart under ``build/``."""
    return f"{CANDIDATE_PREFIX}{stamp()}.duckdb"


def next_snapshot_id(now: datetime, existing: list[str]) -> str:
    """A new snapshot id that sorts after every existing one, even if the clock was set back since."""
    current = now.strftime(STAMP)
    newest = max((s.split("-")[0] for s in existing), default="")
    if current <= newest:
        current = (datetime.strptime(newest, STAMP) + timedelta(microseconds=1)).strftime(STAMP)
    return current + "-" + uuid.uuid4().hex[:4]


def time_of(any_id: str) -> datetime | None:
    """The UTC time encoded in an id (None if it carries none)."""
    try:
        return datetime.strptime(any_id.split("-")[0], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
