"""Writes below the data folder that no planted link, race or pre-created folder can redirect.

Every folder is opened from the data folder down, one name at a time, with ``O_NOFOLLOW`` (``openat``
through ``dir_fd``); files are created with ``O_EXCL | O_NOFOLLOW`` under a temporary name and renamed into
place inside the same folder descriptor, so a symbolic link (or a folder swapped for one) is refused or
replaced, never followed. The data folder itself is the operator's setting and trusted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class NotOurFolderError(OSError):
    """A path component below the data folder is a link or not a folder: refused, nothing written."""


def plain_name(name: str) -> str:
    """``name`` if it is one plain path component (no separator, not ``.``/``..``, no NUL); else ValueError."""
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    return name


def open_dir(root: Path, *parts: str, create: bool = False) -> int:
    """A descriptor of ``root/parts…`` walked without following links (``create``: make missing folders)."""
    if create:
        root.mkdir(parents=True, exist_ok=True)  # the data folder itself: the operator's setting
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            plain_name(part)
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o750, dir_fd=fd)
            try:
                child = os.open(part, DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise NotOurFolderError(exc.errno, f"{part} is a link or not a folder (refused)", part) from None
                raise
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def opened(root: Path, *parts: str, create: bool = False) -> Iterator[int]:
    """:func:`open_dir` as a context manager."""
    fd = open_dir(root, *parts, create=create)
    try:
        yield fd
    finally:
        os.close(fd)


def kind(dir_fd: int, name: str) -> os.stat_result | None:
    """``lstat`` of ``name`` in the folder (never following a link), or None if it is gone."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def write_bytes(dir_fd: int, name: str, payload: bytes) -> None:
    """Write ``name`` atomically: a fresh temporary file (never a link), synced, renamed over the old entry."""
    with _fresh(dir_fd, name) as fh:
        fh.write(payload)


def copy_in(dir_fd: int, name: str, source: Path) -> None:
    """Copy ``source`` (a file of the caller's) to ``name`` in the folder, atomically (see :func:`write_bytes`)."""
    with open(source, "rb") as src, _fresh(dir_fd, name) as fh:
        shutil.copyfileobj(src, fh, 1 << 20)


@contextlib.contextmanager
def _fresh(dir_fd: int, name: str) -> Iterator:
    plain_name(name)
    tmp = f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    fd = os.open(tmp, NEW_FILE, 0o640, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)  # replaces a planted link, never follows it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise


def read_bytes(dir_fd: int, name: str, limit: int = 1 << 20) -> bytes | None:
    """The content of a regular file ``name`` (None if absent, a link or not a regular file); at most ``limit``."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except (FileNotFoundError, OSError):
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        return fh.read(limit)


def move(src_fd: int, name: str, dst_fd: int, new_name: str | None = None) -> bool:
    """Rename the entry itself (a link is moved as a link, never followed); False if it is gone."""
    try:
        os.rename(plain_name(name), plain_name(new_name or name), src_dir_fd=src_fd, dst_dir_fd=dst_fd)
    except FileNotFoundError:
        return False
    return True


def touch(dir_fd: int, name: str) -> None:
    """Create an empty ``name`` if absent; a link in its place is refused (``ELOOP``), not followed."""
    os.close(os.open(plain_name(name), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o640, dir_fd=dir_fd))
