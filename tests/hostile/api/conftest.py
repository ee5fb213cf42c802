"""A real ``regiohub api`` process over a small published mart with two kept snapshots, for the hostile tests.

``api_process(**env)`` starts one per call (extra environment), ``shared_api`` one per module for tests that
change nothing; ``two_snapshots`` is the data dir (the newer snapshot published, the older kept for rollback).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import pytest

from regiohub.core import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _snapshot(path: Path, snapshot_id: str, published_at: datetime) -> None:
    """A small published mart: its snapshot row and one partner."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table meta_snapshot as select ?::varchar as snapshot_id, ?::timestamptz as "
                    "published_at, 'run-x'::varchar as run_id, 'c.duckdb'::varchar as candidate",
                    [snapshot_id, published_at])
        con.execute("create table dim_region as select 'potsdam' as partner_id, 'Potsdam' as partner_name, "
                    "'120540000000' as ars, 'kreisfreie_stadt' as level, '12054' as kreis_ars, true as is_partner")


OLD, NEW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC), datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _two_snapshots(data_dir: Path) -> settings.Paths:
    data = settings.paths(data_dir).ensure()
    kept = data.published_dir / "snapshots"
    kept.mkdir(parents=True, exist_ok=True)
    _snapshot(kept / "20261101T080000Z.duckdb", "20261101T080000Z", OLD)
    _snapshot(kept / "20261201T080000Z.duckdb", "20261201T080000Z", NEW)
    os.link(kept / "20261201T080000Z.duckdb", data.published)
    return data


@pytest.fixture
def two_snapshots(data_dir: Path) -> settings.Paths:
    """Two kept snapshots (as the publisher keeps them), the newer one published."""
    return _two_snapshots(data_dir)


@contextlib.contextmanager
def _api_processes(data: settings.Paths) -> Iterator[Callable[..., str]]:
    procs: list[subprocess.Popen] = []

    def start(**env: str) -> str:
        port = free_port()
        full = {**os.environ, "REGIOHUB_DATA_DIR": str(data.data_dir), "REGIOHUB_API_RATE": "0", **env}
        proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=full,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/v1/snapshot", timeout=1).status_code in (200, 429):
                    return url
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "API server did not start"
            time.sleep(0.1)

    try:
        yield start
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def api_process(two_snapshots: settings.Paths) -> Iterator[Callable[..., str]]:
    """``start(**env)`` runs ``regiohub api`` with extra environment; returns its base URL."""
    with _api_processes(two_snapshots) as start:
        yield start


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One default ``regiohub api`` for the tests that change nothing."""
    with _api_processes(_two_snapshots(tmp_path_factory.mktemp("api") / "data")) as start:
        yield start()
