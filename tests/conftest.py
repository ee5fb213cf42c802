"""Shared fixtures: one full offline pipeline run per test session, reused read-only by many tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ops.pipeline import run

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir after `regiohub run --offline` on the shipped samples (treat as read-only)."""
    base = tmp_path_factory.mktemp("demo-data")
    with offline():
        report = run(settings.paths(base))
    assert report.outcome == "published", report
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
