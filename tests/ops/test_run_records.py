"""The ingest log is the run history the operators' alerts read: the newest attempt of a source, through the store."""

from __future__ import annotations

from pathlib import Path

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ingest.source import ingest_source
from regiohub.orchestration.callbacks import last_load
from regiohub.store.layout import ingest_log


def test_the_alert_names_the_newest_attempt_of_that_source(data_dir: Path):
    data = settings.paths(data_dir).ensure()
    assert last_load("rki_inzidenz", data) == {}  # no run yet
    with offline():
        first = ingest_source("rki_inzidenz", data=data)
        ingest_source("pegelonline", data=data)
        again = ingest_source("rki_inzidenz", data=data)
    with open(ingest_log(data), "a", encoding="utf-8") as fh:
        fh.write('{"source_id": "rki_inzidenz", "load_id": "half-writ\n')  # a line cut off by a crash
    newest = last_load("rki_inzidenz", data)
    assert (first.status, again.status) == ("loaded", "unchanged")
    assert (newest["load_id"], newest["status"]) == (again.load_id, "unchanged")
    assert last_load("pegelonline")["source_id"] == "pegelonline"  # REGIOHUB_DATA_DIR when no data folder is given


def test_runs_started_in_the_same_second_come_newest_first(tmp_path: Path):
    """A run killed after a sub-second ingest and the next run share their start second: the later is newest."""
    from regiohub.core.ids import new_run_id
    from regiohub.store.runs import RunReport, recent_runs, record_run

    data = settings.paths(tmp_path / "data").ensure()
    killed, later = new_run_id(), new_run_id()
    second = "2026-12-08T02:35:29+00:00"
    for order in ((killed, later), (later, killed)):  # whichever was recorded last
        for run_id in order:
            record_run(data, RunReport(run_id, second, outcome="failed" if run_id == killed else "published"))
        assert [r["run_id"] for r in recent_runs(data, 2)] == [later, killed]
