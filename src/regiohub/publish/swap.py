"""Publish: copy the audited candidate's marts into a new file and swap it in atomically.

Readers (dashboards, analysts) only ever open ``published/regiohub.duckdb`` read-only. A publish
writes ``published/.incoming-<snapshot>.duckdb``, syncs it and renames it over the published file
(the commit point): a reader that has the old file open keeps its snapshot, a new connection sees
the new one, and nobody sees a half-written file. The file is written in DuckDB's v1.0.0 storage
format so that analysts' DuckDB 1.x tools open it too; table and column comments (the German
descriptions from dbt) are carried over.

Next to it:

* ``published/snapshots/<snapshot>.duckdb`` — the last N published files (real copies with a checksum,
  ``REGIOHUB_KEEP_SNAPSHOTS``, default 5), for :func:`rollback` and self-healing
  (:mod:`regiohub.store.snapshot_store`);
* ``published/parquet`` — a symlink to ``published/exports/<snapshot>/``, every mart table as
  Parquet, switched atomically with the snapshot.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from regiohub.core import duckdb_settings, settings
from regiohub.core.errors import PipelineError
from regiohub.core.ids import next_snapshot_id
from regiohub.publish.mart_file import MART_SCHEMA, STORAGE_VERSION, write_published_file
from regiohub.store import layout
from regiohub.store.exports import (
    catalog_older_than_mart,
    drop_exports_except,
    has_exports,
    parquet_points_at,
    point_parquet_at,
    remove_leftovers,
)
from regiohub.store.locks import publish_lock
from regiohub.store.snapshot_store import (
    drop_kept,
    heal_locked,
    keep_copy,
    list_snapshots,
    published_snapshot,
    restore_locked,
)
from regiohub.store.snapshots import candidate_base

__all__ = ["MART_SCHEMA", "STORAGE_VERSION", "PublishResult", "list_snapshots", "publish_candidate",
           "published_snapshot", "recover", "rollback"]


@dataclass
class PublishResult:
    snapshot_id: str
    published_at: str
    path: Path
    tables: dict[str, int]


def keep_snapshots() -> int:
    return max(1, int(os.environ.get("REGIOHUB_KEEP_SNAPSHOTS", "5")))


def publish_candidate(candidate: Path, data: settings.Paths | None = None, run_id: str | None = None,
                      keep_base: Callable[[Path, settings.Paths, str], None] | None = None) -> PublishResult:
    """Publish the mart tables of ``candidate``; the caller has audited it (``keep_base``: called once published)."""
    from regiohub.core import crashpoints

    data = (data or settings.paths()).ensure()
    published_at = datetime.now(UTC)
    with publish_lock(data):
        _recover_locked(data)
        current = published_snapshot(data)
        base = candidate_base(candidate)
        same = current and current.get("candidate") == candidate.name  # the same candidate again
        if current and not same and base is not None and base != current["snapshot_id"]:
            # e.g. a manual run and an Airflow run built concurrently: never go back in time. Compared by
            # snapshot, not by clock, so a clock set back never blocks publishing.
            raise PipelineError(
                f"{candidate.name} is older than the published mart: it was built on snapshot {base or 'none'}, "
                f"and {current['snapshot_id']} was published since; not published (build again)"
            )
        known = list_snapshots(data) + ([current["snapshot_id"]] if current else [])
        snapshot_id = next_snapshot_id(published_at, known)
        incoming = layout.incoming_file(data, snapshot_id)
        try:
            tables = write_published_file(candidate, incoming, snapshot_id, published_at, run_id)
            crashpoints.reached("publish:written")
            _export_parquet(incoming, layout.exports_dir(data, snapshot_id))
            crashpoints.reached("publish:before-swap")
            os.replace(incoming, data.published)  # the commit point
            _fsync(data.published_dir)
            keep_copy(data, snapshot_id)  # kept for rollback: a real copy, so damage to one spares the other
            crashpoints.reached("publish:swapped")
            point_parquet_at(data, snapshot_id)
            _prune(data)
            from regiohub.lineage.publish_hook import after_publish  # DCAT-AP.de catalogue, OpenLineage events

            after_publish(data, snapshot_id, candidate)
            if keep_base is not None:  # e.g. the build keeps the candidate as the next build's base
                keep_base(candidate, data, snapshot_id)
        except BaseException:
            _remove_partial(incoming, data)
            raise
        finally:
            incoming.unlink(missing_ok=True)
            Path(f"{incoming}.wal").unlink(missing_ok=True)
    return PublishResult(snapshot_id, published_at.isoformat(timespec="seconds"), data.published, tables)


def _remove_partial(incoming: Path, data: settings.Paths) -> None:
    """After a failed publish (disk full, …): drop the half-written file and exports at once."""
    for p in (incoming, Path(f"{incoming}.wal")):
        p.unlink(missing_ok=True)
    try:
        _recover_locked(data)
    except OSError:
        pass  # the next run's recovery tries again


def _export_parquet(database: Path, target: Path) -> None:
    """Every table of ``database`` as ``target/<table>.parquet`` (written to a temp dir, then renamed)."""
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with duckdb_settings.connect(database, read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        for name in names:
            out = str(tmp / f"{name}.parquet").replace("'", "''")
            con.execute(f"copy \"{name}\" to '{out}' (format parquet, compression zstd)").fetchall()
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


def rollback(data: settings.Paths | None = None, snapshot_id: str | None = None) -> str:
    """Make a kept snapshot the published mart again (default: the one before the current); return its id.

    If the published file cannot be opened, the default is the newest intact kept snapshot instead.
    """
    data = (data or settings.paths()).ensure()
    with publish_lock(data):
        healed = _recover_locked(data)
        if healed and snapshot_id in (None, healed):
            return healed
        kept = list_snapshots(data)
        current = (published_snapshot(data) or {}).get("snapshot_id")
        if snapshot_id is None:
            older = [s for s in kept if current is None or s < current]
            if not older:
                raise PipelineError("no earlier snapshot to roll back to")
            snapshot_id = older[-1]
        if snapshot_id not in kept:
            raise PipelineError(f"unknown snapshot {snapshot_id!r}; kept: {', '.join(kept) or 'none'}")
        restore_locked(data, snapshot_id)
        _fsync(data.published_dir)
        if not has_exports(data, snapshot_id):
            _export_parquet(data.published, layout.exports_dir(data, snapshot_id))
        point_parquet_at(data, snapshot_id)
        _refresh_catalog(data, snapshot_id)
    return snapshot_id


def recover(data: settings.Paths) -> None:
    """Clean up after a process that died while publishing (the published mart itself is always intact)."""
    with publish_lock(data):
        _recover_locked(data)


def _recover_locked(data: settings.Paths) -> str | None:
    """Leftovers of killed publishes removed; a published file that cannot be opened healed (its id returned)."""
    healed = heal_locked(data)
    remove_leftovers(data)
    current = published_snapshot(data)
    # exports of a run killed before its swap belong to no snapshot
    kept = set(list_snapshots(data)) | ({current["snapshot_id"]} if current else set())
    drop_exports_except(data, kept)
    if current and has_exports(data, current["snapshot_id"]):
        if parquet_points_at(data) != current["snapshot_id"]:
            point_parquet_at(data, current["snapshot_id"])
    elif current and healed:
        _export_parquet(data.published, layout.exports_dir(data, current["snapshot_id"]))
        point_parquet_at(data, current["snapshot_id"])
    if current:
        _refresh_catalog(data, current["snapshot_id"])
    return healed


def _refresh_catalog(data: settings.Paths, snapshot_id: str) -> None:
    """``catalog.ttl`` older than the published file (a run killed after its swap, a rollback): write it again."""
    if not catalog_older_than_mart(data):
        return
    from regiohub.lineage.publish_hook import refresh_catalog

    refresh_catalog(data, snapshot_id)


def _prune(data: settings.Paths) -> None:
    kept = list_snapshots(data)
    current = (published_snapshot(data) or {}).get("snapshot_id")
    drop = set(kept[: max(0, len(kept) - keep_snapshots())]) - {current}
    for snapshot_id in drop:
        drop_kept(data, snapshot_id)
    keep = (set(kept) - drop) | ({current} if current else set())
    drop_exports_except(data, keep)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


