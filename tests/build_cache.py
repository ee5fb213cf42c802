"""Build something once per test run and share it across pytest-xdist workers (each worker is its own session).

The first worker that asks builds under a file lock in the run's shared temporary folder; the others wait
for it and use the result. Treat the result as read-only: copy it where a test writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock


def shared_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder every xdist worker of this run sees (the session's own temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def build_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
               build: Callable[[Path], Path]) -> Path:
    """``build(folder)`` once per test run, whichever worker asks first; every worker gets its result (read-only)."""
    root = shared_dir(tmp_path_factory, worker_id)
    folder, done = root / name, root / f"{name}.ok"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed in another worker
            folder.mkdir(parents=True)
            done.write_text(str(build(folder)), encoding="utf-8")
    return Path(done.read_text(encoding="utf-8"))
