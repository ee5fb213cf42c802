"""A truncated published mart behind the real API server: answers come from the newest intact snapshot,
marked as such, with no path or stack trace; after a rollback the published file is read again."""

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

from regiohub.cli import main
from regiohub.core import settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def damaged_server(demo_data_dir: Path, tmp_path: Path, monkeypatch) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path / "data"
    shutil.copytree(demo_data_dir, data_dir, symlinks=True)
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data_dir))
    published = settings.paths(data_dir).published
    os.truncate(published, published.stat().st_size // 3)
    port = _free_port()
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir), "REGIOHUB_API_RATE": "0"}
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
                pytest.fail(f"API server did not start:\n{proc.stdout.read().decode() if proc.stdout else ''}")
            time.sleep(0.1)
        yield url, data_dir
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_answer_comes_from_the_newest_intact_snapshot(damaged_server) -> None:
    url, data_dir = damaged_server
    data = settings.paths(data_dir)
    (kept,) = sorted(p.stem for p in (data.published_dir / "snapshots").glob("*.duckdb"))
    with duckdb.connect(str(data.published_dir / "snapshots" / f"{kept}.duckdb"), read_only=True) as con:
        indicators = con.execute("select count(*) from dim_indicator").fetchall()[0][0]
    with httpx.Client(base_url=url, timeout=20) as api:
        for path in ("/v1/snapshot", "/v1/indicators", "/v1/regions", "/v1/values?limit=5", "/v1/targets"):
            answer = api.get(path)
            assert answer.status_code == 200, (path, answer.text[:300])
            assert answer.headers["X-Regiohub-Fallback"] == kept, path
            assert "Ersatzstand" in answer.headers["Warning"]
            assert str(data_dir) not in answer.text and "Traceback" not in answer.text
        assert api.get("/v1/snapshot").json()["items"][0]["snapshot_id"] == kept
        assert len(api.get("/v1/indicators").json()["items"]) == indicators

        assert main(["publish", "--rollback"]) == 0  # healed: the published file is read again, no banner
        answer = api.get("/v1/snapshot")
        assert answer.status_code == 200 and "X-Regiohub-Fallback" not in answer.headers
        assert answer.json()["items"][0]["snapshot_id"] == kept
