"""The one home of file locks: who may write where at the same time.

* ``state/.<source>.ingest.lock``: one load of a source at a time (scheduled poll vs. inbox drop);
* ``build/.build.lock``: one build of a candidate at a time;
* ``published/.publish.lock``: one publish, rollback or crash recovery at a time.

Advisory ``flock`` locks: released by the operating system when the holder dies, so a killed run never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from regiohub.core import settings


@contextlib.contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[None]:
    """An exclusive advisory lock held for the block (released by the OS if the process dies)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ingest_lock(data: settings.Paths, source_id: str) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(data.state / f".{source_id}.ingest.lock")


def build_lock(data: settings.Paths) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(data.build / ".build.lock")


def publish_lock(data: settings.Paths) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(data.published_dir / ".publish.lock")
