"""A real API server (uvicorn in a subprocess, free port) over a private copy of the demo data dir."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from api_helpers import PARTNER_ORIGIN

from regiohub.core import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def api_data(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo data dir that the API server reads (tests may publish into it)."""
    target = tmp_path_factory.mktemp("api-data") / "data"
    shutil.copytree(demo_data_dir, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def api_server(api_data: Path) -> Iterator[str]:
    """``regiohub api`` as a child process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(api_data), "REGIOHUB_API_ORIGINS": PARTNER_ORIGIN,
           "REGIOHUB_API_RATE": "0", "REGIOHUB_API_BASE_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"API server did not start:\n{out}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
