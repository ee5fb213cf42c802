"""The CLI prints times in Europe/Berlin with the zone shown; what it stores stays UTC ISO."""

from __future__ import annotations

import duckdb

from regiohub.cli import main
from regiohub.core import settings
from regiohub.ops.status import local_time
from regiohub.store.runs import RunReport, recent_runs, record_run


def test_local_time_is_berlin_with_its_zone():
    assert local_time("2026-11-28T20:05:00+00:00") == "2026-11-28 21:05:00 CET"
    assert local_time("2026-07-01T10:00:00") == "2026-07-01 12:00:00 CEST"  # naive: stored as UTC
    assert local_time(None) == "-"


def test_status_prints_berlin_times_and_stores_utc(tmp_path, monkeypatch, capsys):
    paths = settings.paths(tmp_path / "data").ensure()
    paths.published_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.published)) as con:  # the meta_snapshot row regiohub.publish.swap writes
        con.execute("create table meta_snapshot as select ?::varchar as snapshot_id, ?::timestamptz as published_at,"
                    " ?::varchar as run_id, ?::varchar as candidate",
                    ["20261128T200500000000Z-ab12", "2026-11-28 20:05:00+00", "r-1", "candidate.duckdb"])
    record_run(paths, RunReport("r-summer", "2026-07-01T10:00:00+00:00", outcome="published"))
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(paths.data_dir))

    assert main(["status"]) == 0
    out = capsys.readouterr().out

    assert "published: snapshot 20261128T200500000000Z-ab12 at 2026-11-28 21:05:00 CET" in out
    run_line = next(line for line in out.splitlines() if line.startswith("r-summer"))
    assert "2026-07-01 12:00:00 CEST" in run_line
    assert "UTC" not in out and "+00:00" not in out
    assert [r["started_at"] for r in recent_runs(paths)] == ["2026-07-01T10:00:00+00:00"]  # stored: UTC ISO
