"""A candidate built once from the demo data, copied per test to inject faults into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from build_cache import build_once

from regiohub.build.transform import build_candidate
from regiohub.core import settings


@pytest.fixture(scope="session")
def built_candidate(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A freshly built (unpublished) candidate of the demo data, kept outside any data dir (once per test run)."""

    def build(work: Path) -> Path:
        shutil.copytree(demo_data_dir, work / "data")
        # a full build, not one from the kept build of the published snapshot: every table is rebuilt; the
        # gate validates the rows that differ from the published snapshot (the faults change rows)
        shutil.rmtree(work / "data" / "build" / "incremental", ignore_errors=True)
        return build_candidate(settings.paths(work / "data"))

    return build_once(tmp_path_factory, worker_id, "candidate-build", build)


@pytest.fixture
def candidate(built_candidate: Path, published_copy: Path) -> Path:
    """A private copy of the built candidate inside the test's data dir (its published mart is the demo's)."""
    target = published_copy / "build" / built_candidate.name
    shutil.copy(built_candidate, target)
    return target
