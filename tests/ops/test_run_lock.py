"""Two concurrent `regiohub run`s: the second waits for the first or is refused naming it; both end cleanly."""

from __future__ import annotations

import time

from crashpoints import held_at, kill, start_run

from regiohub.core import settings
from regiohub.store.runs import recent_runs


def test_a_second_run_is_refused_with_who_holds_the_lock(published_copy):
    data = settings.paths(published_copy)
    first = start_run(published_copy, crash_at="ingest:done")
    try:
        held_at(data, first, "ingest:done")
        second = start_run(published_copy)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 1, (out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: another run is in progress (run "), err
        assert f"process {first.pid}" in lines[0] and "Traceback" not in err
        assert [r["run_id"] for r in recent_runs(data) if r["outcome"] == "running"] != []  # the first, untouched
    finally:
        kill(data, first, "ingest:done")
    again = start_run(published_copy)  # the lock died with its holder
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    outcomes = [r["outcome"] for r in recent_runs(data, 3)]
    assert outcomes[:2] == ["unchanged", "failed"]  # the killed one recorded as interrupted, the new one ran


def test_a_waiting_run_starts_when_the_first_has_ended(published_copy):
    data = settings.paths(published_copy)
    first = start_run(published_copy, crash_at="ingest:done")
    held_at(data, first, "ingest:done")
    second = start_run(published_copy, wait_s="120")
    time.sleep(3)
    assert second.poll() is None  # waiting, not failed
    kill(data, first, "ingest:done")
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
