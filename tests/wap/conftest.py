"""A candidate built once from the demo data, copied per test to inject faults into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from regiohub.build.transform import build_candidate
from regiohub.core import settings


@pytest.fixture(scope="session")
def built_candidate(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly built (unpublished) candidate of the demo data, kept outside any data dir."""
    work = tmp_path_factory.mktemp("candidate-build")
    shutil.copytree(demo_data_dir, work / "data")
    # a full build, not one from the kept build of the published snapshot: every table is rebuilt; the
    # gate validates the rows that differ from the published snapshot (the faults change rows)
    shutil.rmtree(work / "data" / "build" / "incremental", ignore_errors=True)
    candidate = build_candidate(settings.paths(work / "data"))
    return candidate


@pytest.fixture
def candidate(built_candidate: Path, published_copy: Path) -> Path:
    """A private copy of the built candidate inside the test's data dir (its published mart is the demo's)."""
    target = published_copy / "build" / built_candidate.name
    shutil.copy(built_candidate, target)
    return target
