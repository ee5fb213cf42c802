"""The kept snapshots of the published mart: real, checksummed copies; the newest readable one; self-healing.

``published/snapshots/<snapshot>.duckdb`` is a copy of each published file (never a hard link: a damaged
published file must not take its rollback target with it), with ``<snapshot>.sha256`` beside it. A published
mart that cannot be opened (a truncated copy, a broken disk) is detected here: :func:`heal_locked` puts the
newest kept snapshot that is intact (checksum and ``meta_snapshot`` readable) back in its place, and
:func:`readable_mart` tells readers (API, dashboards, reports) which file to read meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from regiohub.core import duckdb_settings, settings
from regiohub.core.errors import PipelineError
from regiohub.store import layout

log = logging.getLogger(__name__)

KEPT = layout.KEPT


class DamagedMartError(PipelineError):
    """The published mart exists but cannot be opened."""


kept_dir = layout.kept_dir
kept_path = layout.kept_file


def list_snapshots(data: settings.Paths) -> list[str]:
    """Snapshot ids that can be rolled back to, oldest first."""
    folder = kept_dir(data)
    return sorted(p.stem for p in folder.glob("*.duckdb")) if folder.exists() else []


def read_meta(path: Path) -> dict:
    """``meta_snapshot`` of a mart file; raises ``duckdb.Error``/``OSError`` if it cannot be opened."""
    with duckdb_settings.connect(path, read_only=True) as con:
        cursor = con.execute("select * from meta_snapshot")
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchall()[0], strict=True))


def damage(path: Path) -> str | None:
    """Why a mart file cannot be opened (one line, no path), or None if DuckDB opens it and reads its catalogue."""
    try:
        with duckdb_settings.connect(path, read_only=True) as con:
            con.execute("select count(*) from duckdb_tables()").fetchall()
    except (duckdb.Error, OSError) as exc:
        text = " ".join(str(exc).replace(str(path), path.name).split())
        return f"{type(exc).__name__}: {text[:160]}"
    return None


def published_snapshot(data: settings.Paths | None = None) -> dict | None:
    """The published snapshot's id, time, run and candidate; None if nothing (or a file without one) is published.

    Raises :class:`DamagedMartError` (one line) if the published file exists but cannot be opened.
    """
    data = data or settings.paths()
    if not data.published.exists():
        return None
    try:
        return read_meta(data.published)
    except (duckdb.Error, OSError, IndexError):
        if damage(data.published) is None:
            return None  # it opens but names no snapshot (not written by the publisher): nothing to heal
        raise DamagedMartError(damaged_line(data)) from None


def damaged_line(data: settings.Paths) -> str:
    good = newest_intact(data)
    fix = (f"`regiohub publish --rollback` (or the next `regiohub run`) restores snapshot {good}" if good
           else "no intact kept snapshot: `regiohub run --force` builds a new one")
    return f"the published mart cannot be opened ({damage(data.published)}); {fix}"


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def keep_copy(data: settings.Paths, snapshot_id: str) -> None:
    """Copy the published file to ``snapshots/<id>.duckdb`` (temp file, fsync, rename) with its checksum."""
    folder = kept_dir(data)
    folder.mkdir(exist_ok=True)
    tmp = folder / f".{snapshot_id}.duckdb.tmp"
    try:
        shutil.copyfile(data.published, tmp)
        digest = checksum(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        (folder / f".{snapshot_id}.sha256.tmp").write_text(digest + "\n", encoding="ascii")
        os.replace(folder / f".{snapshot_id}.sha256.tmp", folder / f"{snapshot_id}.sha256")
        os.replace(tmp, kept_path(data, snapshot_id))
    finally:
        tmp.unlink(missing_ok=True)


def intact(data: settings.Paths, snapshot_id: str) -> bool:
    """The kept file matches its checksum (if it has one) and opens with its snapshot table."""
    path = kept_path(data, snapshot_id)
    sidecar = path.with_suffix(".sha256")
    if sidecar.is_file() and sidecar.read_text(encoding="ascii").strip() != checksum(path):
        return False
    try:
        read_meta(path)
    except (duckdb.Error, OSError, IndexError):
        return False
    return True


def newest_intact(data: settings.Paths) -> str | None:
    return next((s for s in reversed(list_snapshots(data)) if intact(data, s)), None)


def drop_kept(data: settings.Paths, snapshot_id: str) -> None:
    kept_path(data, snapshot_id).unlink(missing_ok=True)
    kept_path(data, snapshot_id).with_suffix(".sha256").unlink(missing_ok=True)


def restore_locked(data: settings.Paths, snapshot_id: str) -> None:
    """Publish a kept snapshot again: a fresh copy of it renamed over the published file (hold the publish lock)."""
    incoming = layout.rollback_incoming_file(data, snapshot_id)
    try:
        shutil.copyfile(kept_path(data, snapshot_id), incoming)
        with open(incoming, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(incoming, data.published)
    finally:
        incoming.unlink(missing_ok=True)


def heal_locked(data: settings.Paths) -> str | None:
    """If the published file cannot be opened, restore the newest intact snapshot; return its id (else None).

    Without an intact snapshot the damaged file is kept aside as ``regiohub.duckdb.damaged-<time>`` and
    nothing is published. Call while holding the publish lock.
    """
    if not data.published.exists() or damage(data.published) is None:
        return None
    why = damage(data.published)
    good = newest_intact(data)
    if good is None:
        aside = data.published.with_name(f"{data.published.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        os.replace(data.published, aside)
        log.error("published mart cannot be opened (%s) and no kept snapshot is intact: kept aside as %s",
                  why, aside.name)
        return None
    restore_locked(data, good)
    log.warning("published mart could not be opened (%s): snapshot %s restored", why, good)
    return good


@dataclass(frozen=True)
class Readable:
    """The file readers should open: the published mart, or (``fallback``) the newest intact kept snapshot."""

    path: Path
    fallback: bool


_seen: dict[Path, tuple[tuple, Readable | None]] = {}


def readable_mart(data: settings.Paths | None = None) -> Readable | None:
    """The mart readers should open now; None if nothing is published (or nothing readable is kept).

    Cheap when nothing changed: one ``stat`` of the published file and of the snapshot folder.
    """
    data = data or settings.paths()
    try:
        st = os.stat(data.published)
    except FileNotFoundError:
        return None
    with contextlib.suppress(FileNotFoundError):
        kept = os.stat(kept_dir(data)).st_mtime_ns
    identity = (st.st_ino, st.st_size, st.st_mtime_ns, locals().get("kept"))
    hit = _seen.get(data.published)
    if hit and hit[0] == identity:
        return hit[1]
    choice: Readable | None = None
    if damage(data.published) is None:
        choice = Readable(data.published, False)
    else:
        with contextlib.suppress(OSError):
            good = newest_intact(data)
            choice = Readable(kept_path(data, good), True) if good else None
    _seen[data.published] = (identity, choice)
    return choice
