"""The published mart as seen by the API: one read-only connection per request, a new snapshot without restart.

The publisher renames a new file over ``published/regiohub.duckdb``. Every request stats the path; when the
file's identity (inode, size, mtime) changed, a fresh in-memory DuckDB instance attaches the new file
read-only (DuckDB's instance cache would hand out the old file for the same path, an ``ATTACH`` does not).
Each request gets its own connection (a cursor) of the current instance; requests still running on the
old instance keep their snapshot until they finish.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from regiohub.core import duckdb_settings, settings
from regiohub.store.layout import data_of_published


class NoSnapshotError(Exception):
    """Nothing has been published yet (or nothing readable: see ``unreadable``)."""

    def __init__(self, text: str, unreadable: bool = False) -> None:
        super().__init__(text)
        self.unreadable = unreadable


@dataclass(frozen=True)
class Snapshot:
    """The published snapshot a request reads."""

    snapshot_id: str
    published_at: datetime
    identity: tuple[int, int, int]
    fallback: bool = False  # the published file cannot be opened: answering from the newest intact kept snapshot


class Session:
    """One request's read-only connection to one snapshot."""

    def __init__(self, con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> None:
        self.con = con
        self.snapshot = snapshot

    def rows(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Column names and rows of a parameterised query (SQL text is always a constant of this package)."""
        cursor = self.con.execute(sql, list(params))
        return [d[0] for d in cursor.description], cursor.fetchall()

    def records(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        names, rows = self.rows(sql, params)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.con.close()


def _attach(path: Path) -> tuple[duckdb.DuckDBPyConnection, tuple]:
    """A fresh in-memory instance with ``path`` attached read-only, and its (snapshot_id, published_at)."""
    base = duckdb_settings.connect(threads=1)
    try:
        base.execute("ATTACH ? AS mart (READ_ONLY)", [str(path)])
        base.execute("USE mart")
        row = base.execute("SELECT snapshot_id, published_at FROM meta_snapshot ORDER BY published_at DESC LIMIT 1")
        return base, tuple(row.fetchone())
    except BaseException:
        base.close()
        raise


class PublishedMart:
    """Opens the published file of a data dir, reattaching whenever the publisher swapped it."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings.paths().published
        self._data = data_of_published(self.path)
        self._lock = threading.Lock()
        self._base: duckdb.DuckDBPyConnection | None = None
        self._retired: list[duckdb.DuckDBPyConnection] = []  # kept open for requests still reading them
        self._snapshot: Snapshot | None = None

    def identity(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError as exc:
            raise NoSnapshotError(str(self.path)) from exc
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def current(self) -> Snapshot:
        """The snapshot now published (cheap: one ``stat`` unless it changed)."""
        identity = self.identity()
        snap = self._snapshot
        if snap is not None and snap.identity == identity:
            return snap
        with self._lock:
            if self._snapshot is None or self._snapshot.identity != identity:
                self._reopen(identity)
            assert self._snapshot is not None
            return self._snapshot

    def _reopen(self, identity: tuple[int, int, int]) -> None:
        fallback = False
        try:
            base, (snapshot_id, published_at) = _attach(self.path)
        except (duckdb.Error, TypeError):
            from regiohub.store.snapshot_store import readable_mart

            kept = readable_mart(self._data) if self._data is not None else None
            if kept is None or not kept.fallback:
                raise NoSnapshotError("published mart unreadable, no intact kept snapshot", unreadable=True) from None
            base, (snapshot_id, published_at) = _attach(kept.path)
            fallback = True
        # a file swapped between stat and attach is noticed by the next request (its identity differs again)
        if self._base is not None:
            self._retired = [*self._retired, self._base][-2:]  # requests take milliseconds; two generations suffice
        self._base, self._snapshot = base, Snapshot(snapshot_id, published_at, identity, fallback)

    def fallback_id(self) -> str | None:
        """The kept snapshot answered from while the published file cannot be opened, else None."""
        snap = self._snapshot
        return snap.snapshot_id if snap is not None and snap.fallback else None

    def session(self) -> Session:
        """A new read-only connection on the current snapshot (close it after the request)."""
        self.current()
        with self._lock:  # a DuckDB connection is not thread-safe, not even for creating cursors
            base, snap = self._base, self._snapshot
            assert base is not None and snap is not None
            con = base.cursor()
        con.execute("USE mart")
        return Session(con, snap)
