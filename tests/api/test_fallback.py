"""A truncated published mart behind the real API server: answers come from the newest intact snapshot,
marked as such, with no path or stack trace; after a rollback the published file is read again."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from api_helpers import api_server_on

from regiohub.cli import main
from regiohub.core import settings


@pytest.fixture
def damaged_server(demo_data_dir: Path, tmp_path: Path, monkeypatch) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path / "data"
    shutil.copytree(demo_data_dir, data_dir, symlinks=True)
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data_dir))
    published = settings.paths(data_dir).published
    os.truncate(published, published.stat().st_size // 3)
    with api_server_on(data_dir) as url:
        yield url, data_dir


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
