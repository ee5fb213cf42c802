"""The published snapshot's Parquet exports: ``published/exports/<snapshot>/`` and the ``published/parquet`` link.

The link is switched atomically (a new symlink renamed over it), so a reader following it sees one
snapshot's tables, never a mix. Folders that belong to no kept snapshot are removed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from regiohub.core.settings import Paths
from regiohub.store import layout


def point_parquet_at(data: Paths, snapshot_id: str) -> None:
    """Switch the ``published/parquet`` symlink atomically to that snapshot's exports."""
    link = layout.parquet_link(data)
    if link.is_dir() and not link.is_symlink():  # a copy of the data dir that resolved the link
        shutil.rmtree(link)
    tmp = link.with_name(f".{layout.PARQUET_LINK}-{uuid.uuid4().hex[:6]}")
    tmp.symlink_to(Path(layout.EXPORTS) / snapshot_id)
    os.replace(tmp, link)


def parquet_points_at(data: Paths) -> str | None:
    """The snapshot id the ``published/parquet`` link names (None: no link)."""
    link = layout.parquet_link(data)
    return link.readlink().name if link.is_symlink() else None


def has_exports(data: Paths, snapshot_id: str) -> bool:
    return layout.exports_dir(data, snapshot_id).exists()


def current_exports(data: Paths) -> list[Path]:
    """The Parquet files of the current snapshot (through the link), if there are any."""
    folder = layout.parquet_link(data)
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def remove_leftovers(data: Paths) -> None:
    """Half-written publishes, link switches and exports of killed runs."""
    for leftover in data.published_dir.glob(f"{layout.INCOMING}*"):
        leftover.unlink(missing_ok=True)
    half_done = list(data.published_dir.glob(f".{layout.PARQUET_LINK}-*"))
    for leftover in half_done + list(layout.exports_root(data).glob(".*.tmp")):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def drop_exports_except(data: Paths, keep: Iterable[str]) -> None:
    """Remove the export folders of every snapshot not in ``keep``."""
    keep = set(keep)
    for folder in layout.exports_root(data).glob("*"):
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def catalog_older_than_mart(data: Paths) -> bool:
    """``catalog.ttl`` is missing or older than the published file (a run killed after its swap, a rollback)."""
    catalog = layout.catalog_file(data)
    return not catalog.exists() or catalog.stat().st_mtime_ns < data.published.stat().st_mtime_ns
