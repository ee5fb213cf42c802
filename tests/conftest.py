"""Shared fixtures: one full offline pipeline run per test run, reused read-only by many tests.

Under pytest-xdist every worker is its own session; the demo is built once for all of them (see
``build_cache.py``) and copied by each test that writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from build_cache import build_once

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ops.pipeline import run

FIXTURES = Path(__file__).parent / "fixtures"


def _demo(folder: Path) -> Path:
    base = folder / "data"
    with offline():
        report = run(settings.paths(base))
    assert report.outcome == "published", report
    return base


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A data dir after `regiohub run --offline` on the shipped samples (treat as read-only)."""
    return build_once(tmp_path_factory, worker_id, "demo", _demo)


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
