"""Run history: what every run ingested, built, validated and published, with timings.

Kept in a small SQLite database (``runs/history.sqlite3``) so that CLI runs and Airflow tasks in
several processes can record at the same time; ``regiohub status`` and the dashboards read it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from regiohub.core import settings
from regiohub.store import layout

SCHEMA = """
create table if not exists runs (
    run_id text primary key,
    started_at text not null,
    finished_at text,
    outcome text not null,          -- published | unchanged | gate_failed | failed | running
    sources_changed integer,
    sources_failed integer,
    dbt_tests_passed integer,
    dbt_tests_failed integer,
    expectations_passed integer,
    expectations_failed integer,
    snapshot_id text,
    candidate text,
    validation_results text,
    error text,
    detail text not null            -- the whole report as JSON
);
create table if not exists run_sources (
    run_id text not null references runs (run_id),
    source_id text not null,
    status text not null,           -- loaded | unchanged | failed
    rows integer,
    quarantined integer,
    load_id text,
    error text,
    primary key (run_id, source_id)
);
"""


@dataclass
class RunReport:
    run_id: str
    started_at: str
    ingested: list[dict] = field(default_factory=list)
    outcome: str = "running"  # published | unchanged | gate_failed | failed
    candidate: str | None = None
    dbt_tests: dict[str, int] = field(default_factory=dict)  # {"passed": n, "failed": n}
    expectations: dict[str, int] = field(default_factory=dict)
    gate_failures: list[str] = field(default_factory=list)
    gate_warnings: list[str] = field(default_factory=list)
    validation_results: str | None = None
    snapshot_id: str | None = None
    error: str | None = None
    timings_s: dict[str, float] = field(default_factory=dict)
    source_failures: list[dict] = field(default_factory=list)  # sources held back: one line each (isolation)
    kind: str = "run"  # run | build (Airflow) | rollback
    pid: int = field(default_factory=os.getpid)

    @property
    def failed_sources(self) -> list[str]:
        return [i["source_id"] for i in self.ingested if i["status"] == "failed"]


def _connect(data: settings.Paths) -> sqlite3.Connection:
    data.runs.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(layout.run_history(data), timeout=30)
    con.execute("pragma journal_mode = wal")
    con.executescript(SCHEMA)
    return con


def record_run(data: settings.Paths, report: RunReport) -> None:
    """Insert or update the run (a run is recorded when it starts and again when it ends)."""
    detail = {**asdict(report), "finished_at": _now() if report.outcome != "running" else None}
    with closing(_connect(data)) as con, con:
        con.execute(
            """
            insert or replace into runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                report.run_id, report.started_at, detail["finished_at"], report.outcome,
                sum(1 for i in report.ingested if i["status"] == "loaded"),
                len(report.failed_sources),
                report.dbt_tests.get("passed"), report.dbt_tests.get("failed"),
                report.expectations.get("passed"), report.expectations.get("failed"),
                report.snapshot_id, report.candidate, report.validation_results, report.error,
                json.dumps(detail, ensure_ascii=False),
            ],
        )
        con.execute("delete from run_sources where run_id = ?", [report.run_id])
        con.executemany(
            "insert into run_sources values (?, ?, ?, ?, ?, ?, ?)",
            [
                [report.run_id, i["source_id"], i["status"], sum((i.get("rows") or {}).values()),
                 i.get("quarantined"), i.get("load_id"), i.get("error")]
                for i in report.ingested
            ],
        )


def recent_runs(data: settings.Paths, limit: int = 10) -> list[dict]:
    """The newest runs first, each as the report dict it was recorded with (opened read-only).

    On a read-only data mount SQLite cannot create the WAL index next to the file, so the history is
    then opened as immutable (no other process can write it there either).
    """
    history = layout.run_history(data)
    if not history.exists():
        return []
    # started_at has whole seconds; the run id (time-stamped to the microsecond) orders runs started in the same one
    query = "select detail from runs order by started_at desc, run_id desc limit ?"
    try:
        with closing(sqlite3.connect(f"{history.as_uri()}?mode=ro", uri=True, timeout=30)) as con:
            rows = con.execute(query, [limit]).fetchall()
    except sqlite3.OperationalError:  # read-only mount: no WAL index can be created
        with closing(sqlite3.connect(f"{history.as_uri()}?immutable=1", uri=True)) as con:
            rows = con.execute(query, [limit]).fetchall()
    return [json.loads(r[0]) for r in rows]


def load_run(data: settings.Paths, run_id: str) -> RunReport | None:
    """The recorded report of ``run_id`` (e.g. to carry it across Airflow tasks), or None."""
    history = layout.run_history(data)
    if not history.exists():
        return None
    with closing(sqlite3.connect(f"{history.as_uri()}?mode=ro", uri=True, timeout=30)) as con:
        row = con.execute("select detail from runs where run_id = ?", [run_id]).fetchone()
    if row is None:
        return None
    detail = json.loads(row[0])
    return RunReport(**{k: v for k, v in detail.items() if k in RunReport.__dataclass_fields__})


def mark_interrupted(data: settings.Paths) -> list[str]:
    """Record runs still 'running' whose process is gone (SIGKILL, power loss) as failed; return their ids."""
    if not (layout.run_history(data)).exists():
        return []
    ended = []
    live = _published_by(data)
    for run in recent_runs(data, 50):
        # Airflow runs span several task processes; their failures are recorded by a callback
        if run.get("outcome") == "running" and run.get("kind", "run") == "run" and not _alive(run.get("pid")):
            report = RunReport(**{k: v for k, v in run.items() if k in RunReport.__dataclass_fields__})
            if live and live[0] == report.run_id:  # killed after its swap: its snapshot is live, say so
                report.outcome, report.snapshot_id = "published", live[1]
                report.error = "the process ended after publishing (killed or crashed); the snapshot is live"
            else:
                report.outcome = "failed"
                report.error = "interrupted: the process ended before the run finished (killed or crashed); cleaned up"
            record_run(data, report)
            ended.append(report.run_id)
    return ended


def _published_by(data: settings.Paths) -> tuple[str, str] | None:
    """(run id, snapshot id) of the published snapshot, if it can be read."""
    from regiohub.store.snapshot_store import DamagedMartError, published_snapshot

    try:
        meta = published_snapshot(data) or {}
    except DamagedMartError:
        return None
    return (meta["run_id"], meta["snapshot_id"]) if meta.get("run_id") else None


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dbt_test_counts(data: settings.Paths) -> dict[str, int]:
    """Passed and failed dbt tests of the last build (from dbt's run_results.json)."""
    path = layout.dbt_run_results(data)
    if not path.exists():
        return {}
    results = json.loads(path.read_text(encoding="utf-8")).get("results", [])
    tests = [r for r in results if r.get("unique_id", "").startswith(("test.", "unit_test."))]
    return {
        "passed": sum(r.get("status") == "pass" for r in tests),
        "failed": sum(r.get("status") in ("fail", "error") for r in tests),
    }


def expectation_counts(results_path: Path) -> dict[str, int]:
    """Passed and failed expectations of a validation (from the gate's results file)."""
    doc = json.loads(results_path.read_text(encoding="utf-8"))
    stats = [v["statistics"] for c in doc.get("checkpoints", []) for v in c.get("validation_results", [])]
    return {
        "passed": sum(s["successful_expectations"] for s in stats),
        "failed": sum(s["unsuccessful_expectations"] for s in stats),
    }
