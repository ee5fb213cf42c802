"""Shared fixtures: one full offline pipeline run per test session, reused read-only by many tests.

Under pytest-xdist every worker is its own session; the demo is built once for all of them, by the first
worker that needs it, under a file lock in the run's shared temporary folder. The others wait and read it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ops.pipeline import run

FIXTURES = Path(__file__).parent / "fixtures"


def shared_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder every xdist worker of this run sees (the session's own temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A data dir after `regiohub run --offline` on the shipped samples (treat as read-only)."""
    root = shared_dir(tmp_path_factory, worker_id)
    base, done = root / "demo-data", root / "demo-data.ok"
    with FileLock(str(root / "demo-data.lock")):
        if not done.exists():
            shutil.rmtree(base, ignore_errors=True)  # a build that failed in another worker
            with offline():
                report = run(settings.paths(base))
            assert report.outcome == "published", report
            done.touch()
    return base


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data dir, also set as REGIOHUB_DATA_DIR for code that reads the environment."""
    base = tmp_path / "data"
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(base))
    return base


@pytest.fixture
def published_copy(demo_data_dir: Path, data_dir: Path) -> Path:
    """A private, writable copy of the demo data dir (for tests that ingest or publish again)."""
    shutil.copytree(demo_data_dir, data_dir, symlinks=True)
    return data_dir
