"""Publish: copy the audited candidate's marts into a new file and swap it in atomically.

Readers (dashboards, analysts) only ever open ``published/regiohub.duckdb`` read-only. A publish
writes ``published/.incoming-<snapshot>.duckdb``, syncs it to disk and renames it over the published
file: a reader that has the old file open keeps reading its snapshot, a new connection sees the
new one, and nobody ever sees a half-written file. The file is written in DuckDB's v1.0.0
storage format so analysts' DuckDB 1.x tools can open it too.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from regiohub import settings
from regiohub.errors import PipelineError

MART_SCHEMA = "main"
STORAGE_VERSION = "v1.0.0"


@dataclass
class PublishResult:
    snapshot_id: str
    published_at: str
    path: Path
    tables: dict[str, int]


@contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[None]:
    """An exclusive advisory lock held for the block (released by the OS if the process dies)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish_candidate(candidate: Path, data: settings.Paths | None = None, run_id: str | None = None) -> PublishResult:
    """Publish the mart tables of ``candidate``; the caller has audited it."""
    data = (data or settings.paths()).ensure()
    published_at = datetime.now(UTC)
    snapshot_id = published_at.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    incoming = data.published_dir / f".incoming-{snapshot_id}.duckdb"
    tables: dict[str, int] = {}
    with exclusive_lock(data.published_dir / ".publish.lock"):
        current = published_snapshot(data)
        if current and (current.get("candidate") or "") > candidate.name:
            # e.g. a manual run and an Airflow run built concurrently: never go back in time
            raise PipelineError(
                f"{candidate.name} is older than the published mart (built from {current['candidate']}); not published"
            )
        try:
            with duckdb.connect() as con:
                con.execute("attach ? as candidate (read_only)", [str(candidate)]).fetchall()
                con.execute(
                    f"attach ? as incoming (storage_version '{STORAGE_VERSION}')", [str(incoming)]
                ).fetchall()
                names = [
                    r[0]
                    for r in con.execute(
                        "select table_name from duckdb_tables() where database_name = 'candidate' "
                        "and schema_name = ? order by table_name",
                        [MART_SCHEMA],
                    ).fetchall()
                ]
                for name in names:
                    con.execute(f'create table incoming.main."{name}" as from candidate.main."{name}"').fetchall()
                    tables[name] = con.execute(f'select count(*) from incoming.main."{name}"').fetchall()[0][0]
                con.execute(
                    "create table incoming.main.meta_snapshot as select ?::varchar as snapshot_id, "
                    "?::timestamptz as published_at, ?::varchar as run_id, ?::varchar as candidate",
                    [snapshot_id, published_at, run_id, candidate.name],
                ).fetchall()
                con.execute("detach incoming").fetchall()
            _fsync(incoming)
            os.replace(incoming, data.published)
            _fsync(data.published_dir)
        finally:
            incoming.unlink(missing_ok=True)
            Path(f"{incoming}.wal").unlink(missing_ok=True)
    return PublishResult(snapshot_id, published_at.isoformat(timespec="seconds"), data.published, tables)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def published_snapshot(data: settings.Paths | None = None) -> dict | None:
    """The published snapshot's id, time, run and candidate, or None if nothing is published yet."""
    data = data or settings.paths()
    if not data.published.exists():
        return None
    with duckdb.connect(str(data.published), read_only=True) as con:
        cursor = con.execute("select * from meta_snapshot")
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchall()[0], strict=True))
