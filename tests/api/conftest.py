"""A real API server (uvicorn in a subprocess, free port) over a private copy of the demo data dir."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from api_helpers import PARTNER_ORIGIN, api_server_on

from regiohub.core import settings


@pytest.fixture(scope="session")
def api_data(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo data dir that the API server reads (tests may publish into it)."""
    target = tmp_path_factory.mktemp("api-data") / "data"
    shutil.copytree(demo_data_dir, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def api_server(api_data: Path) -> Iterator[str]:
    """``regiohub api`` as a child process; yields its base URL."""
    with api_server_on(api_data, REGIOHUB_API_ORIGINS=PARTNER_ORIGIN) as url:
        yield url


@pytest.fixture
def api(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=10) as client:
        yield client


@pytest.fixture
def published(api_data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to what the server currently publishes (open per test: snapshots change)."""
    con = duckdb.connect(str(settings.paths(api_data).published), read_only=True)
    yield con
    con.close()
