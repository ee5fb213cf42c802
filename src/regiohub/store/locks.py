"""The one home of file locks: who may write where at the same time.

* ``state/.<source>.ingest.lock``: one load of a source at a time (scheduled poll vs. inbox drop);
* ``build/.build.lock``: one build of a candidate at a time;
* ``published/.publish.lock``: one publish, rollback or crash recovery at a time;
* ``runs/.run.lock``: one ``regiohub run`` at a time; it names its holder (run id, process, start), so a
  second run waits for it (``REGIOHUB_RUN_WAIT_S``, default 0) and is then refused with who holds it.

Advisory ``flock`` locks: released by the operating system when the holder dies, so a killed run never
leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from regiohub.core import settings
from regiohub.core.errors import PipelineError
from regiohub.store import layout


class RunBusyError(PipelineError):
    """Another run holds the run lock."""


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
    return exclusive_lock(layout.ingest_lock_file(data, source_id))


def build_lock(data: settings.Paths) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(layout.build_lock_file(data))


def publish_lock(data: settings.Paths) -> contextlib.AbstractContextManager[None]:
    return exclusive_lock(layout.publish_lock_file(data))


def run_wait_s() -> float:
    try:
        return max(0.0, float(os.environ.get("REGIOHUB_RUN_WAIT_S", "0")))
    except ValueError:
        return 0.0


@contextlib.contextmanager
def run_lock(data: settings.Paths, run_id: str, wait_s: float | None = None) -> Iterator[None]:
    """Hold ``runs/.run.lock`` for a whole run; wait up to ``wait_s`` for another, then raise :class:`RunBusyError`."""
    lock_file = layout.run_lock_file(data)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (run_wait_s() if wait_s is None else wait_s)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o640)
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunBusyError(f"another run is in progress ({_holder(fh)}); this run was not started — "
                                       "try again when it has finished") from None
                time.sleep(0.5)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps({"run_id": run_id, "pid": os.getpid(),
                                 "since": datetime.now(UTC).isoformat(timespec="seconds")}))
            fh.flush()
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _holder(fh) -> str:  # noqa: ANN001 - an open text file
    fh.seek(0)
    try:
        who = json.loads(fh.read(4096) or "{}")
    except ValueError:
        who = {}
    if not isinstance(who, dict) or not who.get("run_id"):
        return "holder unknown"
    return f"run {who.get('run_id')}, process {who.get('pid')}, since {who.get('since')}"
