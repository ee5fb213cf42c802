"""Fixtures for the mart tests: the published demo mart (read-only) and a runner for the analysts' doc."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def mart(demo_data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published demo mart."""
    con = duckdb.connect(str(demo_data_dir / "published" / "regiohub.duckdb"), read_only=True)
    yield con
    con.close()

