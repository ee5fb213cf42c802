"""Two concurrent `regiohub run`s: the second waits for the first or is refused naming it; both end cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.store.runs import recent_runs


def start(data_dir: Path, *, crash_at: str | None = None, wait_s: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    for key in ("REGIOHUB_CRASH_AT", "REGIOHUB_RUN_WAIT_S"):
        env.pop(key, None)
    if crash_at:
        env["REGIOHUB_CRASH_AT"] = crash_at  # the run stops there (holding its lock) until killed
    if wait_s:
        env["REGIOHUB_RUN_WAIT_S"] = wait_s
    return subprocess.Popen([sys.executable, "-m", "regiohub.cli", "run", "--offline"], env=env,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def held_at(data: settings.Paths, proc: subprocess.Popen, point: str = "ingest_done", timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not (data.runs / f"crashpoint-{point}").exists():
        if proc.poll() is not None:
            pytest.fail(f"first run ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("first run did not get there in time")
        time.sleep(0.05)


def test_a_second_run_is_refused_with_who_holds_the_lock(published_copy):
    data = settings.paths(published_copy)
    first = start(published_copy, crash_at="ingest:done")
    try:
        held_at(data, first)
        second = start(published_copy)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 1, (out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: another run is in progress (run "), err
        assert f"process {first.pid}" in lines[0] and "Traceback" not in err
        assert [r["run_id"] for r in recent_runs(data) if r["outcome"] == "running"] != []  # the first, untouched
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    (data.runs / "crashpoint-ingest_done").unlink()
    again = start(published_copy)  # the lock died with its holder
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    outcomes = [r["outcome"] for r in recent_runs(data, 3)]
    assert outcomes[:2] == ["unchanged", "failed"]  # the killed one recorded as interrupted, the new one ran


def test_a_waiting_run_starts_when_the_first_has_ended(published_copy):
    data = settings.paths(published_copy)
    first = start(published_copy, crash_at="ingest:done")
    held_at(data, first)
    second = start(published_copy, wait_s="120")
    time.sleep(3)
    assert second.poll() is None  # waiting, not failed
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    (data.runs / "crashpoint-ingest_done").unlink()
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert [r["outcome"] for r in recent_runs(data, 2)] == ["unchanged", "failed"]


def test_recovery_keeps_the_candidate_an_airflow_run_is_gating(data_dir):
    from regiohub.ops.pipeline import recover
    from regiohub.store.runs import RunReport, record_run

    data = settings.paths(data_dir).ensure()
    gating, stale = data.build / "candidate-20261207T100000Z.duckdb", data.build / "candidate-20261207T090000Z.duckdb"
    for path in (gating, stale):
        path.write_bytes(b"candidate")
    record_run(data, RunReport("manual__2026-12-07", "2026-12-07T10:00:00+00:00", kind="build", candidate=str(gating)))
    recover(data)
    assert gating.exists() and not stale.exists()
