"""Claimed and refused inbox files: platform folders beside the partners' inbox, out of their reach.

``inbox/<source>/`` belongs to the partner; ``inbox-claims/<source>/<claim_id>/`` (files being ingested) and
``inbox-rejected/<source>/<claim_id>/`` + ``<claim_id>.json`` (refused files and why) belong to the platform.
Every folder is opened from the data folder down without following links and every move or note goes
through folder descriptors (:mod:`regiohub.store.safe_fs`), so nothing a partner plants is written through.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.store import layout, safe_fs

MARKER = "READY"
INBOX = "inbox"


def claim_dir(source_id: str, claim_id: str, data: settings.Paths) -> Path:
    """Where a claim's files wait while they are ingested."""
    return layout.claim_dir(data, source_id, claim_id)


def rejected_dir(source_id: str, data: settings.Paths) -> Path:
    """Refused files (``<claim_id>/``) and their reasons (``<claim_id>.json``)."""
    return layout.rejected_dir(data, source_id)


def judge(st: os.stat_result | None) -> str | None:
    """Why an entry (its ``lstat``) must not be read, or None for a regular, non-empty, single-linked file."""
    if st is None:
        return "gone"
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link (refused without reading it; upload the file itself)"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device or special file"
        return f"{kind}, not a regular file (refused without reading it)"
    if st.st_nlink > 1:
        return "a hard link to another file (refused without reading it; upload the file itself)"
    if st.st_size == 0:
        return "empty (0 bytes): nothing to load; kept for inspection"
    return None


def refusal(path: Path) -> str | None:
    """:func:`judge` of a path, never following a link."""
    try:
        return judge(path.lstat())
    except FileNotFoundError:
        return "gone"


def open_below(data: settings.Paths, *parts: str, create: bool = False) -> int:
    """A folder below the data folder, opened without following links; a planted link is one clear line."""
    try:
        return safe_fs.open_dir(data.data_dir, *parts, create=create)
    except safe_fs.NotOurFolderError as exc:
        bad = "/".join(parts[: parts.index(exc.filename) + 1]) if exc.filename in parts else "/".join(parts)
        raise SourceError(parts[1] if len(parts) > 1 else parts[0], f"{bad} is not a folder of the platform "
                          "(a link?); remove it, nothing was claimed") from None


@contextlib.contextmanager
def opened_below(data: settings.Paths, *parts: str, create: bool = False) -> Iterator[int]:
    """:func:`open_below` as a context manager."""
    fd = open_below(data, *parts, create=create)
    try:
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def maybe_open(data: settings.Paths, *parts: str) -> Iterator[int | None]:
    """The folder's descriptor, or None if it does not exist (yet)."""
    try:
        fd = open_below(data, *parts)
    except FileNotFoundError:
        yield None
        return
    try:
        yield fd
    finally:
        os.close(fd)


def offered(fd: int) -> list[str]:
    """Entries a partner offered: not the marker, not hidden, not partial uploads, not folders."""
    names = []
    for name in os.listdir(fd):
        st = safe_fs.kind(fd, name)
        if name == MARKER or name.startswith(".") or name.endswith(".part") or (st and stat.S_ISDIR(st.st_mode)):
            continue
        names.append(name)
    return sorted(names)


def claim(data: settings.Paths, source_id: str, claim_id: str, only: str | None = None) -> list[Path]:
    """Move the ready files (or just ``only``) from the inbox into the claim folder; return the claim's files.

    A retry of the same claim gets the files its first try claimed again; a file taken by a concurrent
    run in the meantime is skipped. Entries are judged again after the move, out of the partner's reach.
    """
    target = claim_dir(source_id, claim_id, data)
    claimed = sorted(target.iterdir()) if target.is_dir() else []
    if only is not None:
        claimed = [p for p in claimed if p.name == only]
    with maybe_open(data, INBOX, source_id) as inbox_fd:
        if inbox_fd is None:
            return claimed
        names = [only] if only is not None else offered(inbox_fd)
        ready = [n for n in names if judge(safe_fs.kind(inbox_fd, n)) is None]
        if not ready:
            return claimed
        with opened_below(data, data.claims.name, source_id, claim_id, create=True) as fd:
            claimed += [target / n for n in ready if safe_fs.move(inbox_fd, n, fd)]
    return claimed


def release(claimed: list[Path]) -> None:
    """Remove claim folders whose files were ingested (the payload is kept under ``landing/``)."""
    for folder in {p.parent for p in claimed}:
        shutil.rmtree(folder, ignore_errors=True)  # rmtree never follows links (fd-based on Linux)


def reject(data: settings.Paths, source_id: str, claim_id: str, where: tuple[str, ...], name: str) -> None:
    """Move the entry ``name`` of the folder ``where`` (below the data folder), untouched, to the rejected claim."""
    src = open_below(data, *where)
    try:
        with opened_below(data, data.rejected.name, source_id, claim_id, create=True) as target:
            safe_fs.move(src, name, target)
    finally:
        os.close(src)


def write_reasons(data: settings.Paths, source_id: str, claim_id: str, reasons: dict[str, str]) -> None:
    """``inbox-rejected/<source>/<claim_id>.json``, written atomically (a planted link is replaced, not followed)."""
    note = json.dumps(reasons, indent=1, ensure_ascii=False).encode("utf-8")
    with opened_below(data, data.rejected.name, source_id, create=True) as fd:
        safe_fs.write_bytes(fd, f"{claim_id}.json", note)


def read_reasons(data: settings.Paths, source_id: str, claim_id: str) -> dict[str, str]:
    """The reasons an earlier try of the claim recorded (``{}`` if none)."""
    with maybe_open(data, data.rejected.name, source_id) as fd:
        raw = safe_fs.read_bytes(fd, f"{claim_id}.json") if fd is not None else None
    try:
        reasons = json.loads(raw.decode("utf-8")) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in reasons.items()} if isinstance(reasons, dict) else {}
