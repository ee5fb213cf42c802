"""SIGKILL a run in every phase: the published mart stays readable and unchanged, the next run recovers."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.publish.swap import list_snapshots, published_snapshot
from regiohub.store.runs import recent_runs

# (kill point, how the test knows the run got there)
KILL_POINTS: list[tuple[str, Callable[[Path], bool]]] = [
    ("ingest:between-sources", lambda d: (d / "runs" / "crashpoint-ingest_between-sources").exists()),
    ("dbt build in progress", lambda d: any((d / "build").glob("candidate-*.duckdb"))),
    ("build:done", lambda d: (d / "runs" / "crashpoint-build_done").exists()),
    ("validate:done", lambda d: (d / "runs" / "crashpoint-validate_done").exists()),
    ("publish:written", lambda d: (d / "runs" / "crashpoint-publish_written").exists()),
    ("publish:before-swap", lambda d: (d / "runs" / "crashpoint-publish_before-swap").exists()),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start_run(data_dir: Path, crash_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    env.pop("REGIOHUB_CRASH_AT", None)
    if crash_at and ":" in crash_at:
        env["REGIOHUB_CRASH_AT"] = crash_at
    return subprocess.Popen(
        [sys.executable, "-m", "regiohub.cli", "run", "--offline", "--force"],
        env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def kill_when(proc: subprocess.Popen, reached: Callable[[Path], bool], data_dir: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not reached(data_dir):
        if proc.poll() is not None:
            pytest.fail(f"run ended before the kill point: {proc.communicate()}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("kill point not reached in time")
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: dbt runs as a child process
    proc.wait(timeout=30)


def test_sigkill_in_every_phase_leaves_the_published_mart_intact(published_copy):
    data = settings.paths(published_copy)
    before = sha256(data.published)
    snapshot = published_snapshot(data)["snapshot_id"]

    for point, reached in KILL_POINTS:
        for marker in (data.runs).glob("crashpoint-*"):
            marker.unlink()
        proc = start_run(published_copy, point)
        kill_when(proc, reached, published_copy)
        assert proc.returncode == -signal.SIGKILL, point
        assert sha256(data.published) == before, f"published mart changed by a run killed at {point}"
        with duckdb.connect(str(data.published), read_only=True) as con:
            assert con.execute("select count(*) from fct_indicator_value").fetchall()[0][0] > 0
        assert published_snapshot(data)["snapshot_id"] == snapshot

    for marker in data.runs.glob("crashpoint-*"):
        marker.unlink()
    proc = start_run(published_copy)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert published_snapshot(data)["snapshot_id"] != snapshot
    # nothing left over from the killed runs
    assert not list(data.build.glob("candidate-*"))
    assert not list(data.published_dir.glob(".incoming-*"))
    assert not list(data.raw.rglob("*.parquet.tmp"))
    current = published_snapshot(data)["snapshot_id"]
    assert (data.published_dir / "parquet").resolve().name == current
    assert list_snapshots(data)[-1] == current
    assert {p.name for p in (data.published_dir / "exports").iterdir()} <= set(list_snapshots(data))
    # every killed run is in the history, recorded as failed by the run that cleaned up after it
    runs = recent_runs(data, len(KILL_POINTS) + 1)
    assert runs[0]["outcome"] == "published"
    assert [r["outcome"] for r in runs[1:]] == ["failed"] * len(KILL_POINTS)
    assert all(r["error"].startswith("interrupted") for r in runs[1:])
