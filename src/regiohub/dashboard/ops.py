"""Operational facts for the Datenqualität page, read from ``$REGIOHUB_DATA_DIR`` (runs, state, quarantine).

Small functions over the files the pipeline writes; every reader tolerates missing files and fields,
because the run history is being extended (gate results, changes) while the dashboards read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from regiohub.core import duckdb_settings, settings
from regiohub.store import layout
from regiohub.store.freshness import allowed_age, is_overdue, last_success, schedule_interval
from regiohub.store.records import data_docs_index
from regiohub.store.runs import recent_runs

STATUS_OK, STATUS_LATE, STATUS_NEVER, STATUS_ERROR = "aktuell", "überfällig", "nie geladen", "Fehler"


def _parse_time(value: object) -> datetime | None:
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Freshness:
    """One source's freshness against its schedule."""

    source_id: str
    schedule: str
    interval: timedelta | None
    last_checked_at: datetime | None
    last_loaded_at: datetime | None
    status: str
    last_error: str | None


def source_state(data: settings.Paths, source_id: str) -> dict[str, Any]:
    """``state/<source>.json`` (empty if absent or unreadable)."""
    try:
        return json.loads(layout.state_file(data, source_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def freshness(data: settings.Paths, schedules: dict[str, str], now: datetime | None = None) -> list[Freshness]:
    """Per source: last check and load, judged by the one freshness rule of
    :mod:`regiohub.orchestration.freshness` (the gate's and the freshness DAG's): late when the last
    successful poll is older than the allowed age (three schedule intervals unless configured)."""
    now = now or datetime.now(UTC)
    out = []
    for source_id, schedule in schedules.items():
        state = source_state(data, source_id)
        checked = _parse_time(state.get("last_checked_at") or state.get("last_loaded_at"))
        loaded = _parse_time(state.get("last_loaded_at"))
        last = _parse_time(last_success(state))
        if state.get("last_error"):
            status = STATUS_ERROR
        elif last is None:
            status = STATUS_NEVER
        elif is_overdue(last, allowed_age(source_id, schedule, now), now):
            status = STATUS_LATE
        else:
            status = STATUS_OK
        interval = schedule_interval(schedule, now)
        out.append(Freshness(source_id, schedule, interval, checked, loaded, status, state.get("last_error")))
    return out


def runs(data: settings.Paths, limit: int = 20) -> list[dict[str, Any]]:
    """The last runs, newest first, from the run history."""
    return recent_runs(data, limit)


def last_published_run(data: settings.Paths) -> dict[str, Any] | None:
    """The newest run that published a snapshot."""
    return next((r for r in runs(data, limit=200) if r.get("outcome") == "published"), None)


def gate_summary(run: dict[str, Any]) -> tuple[int | None, int | None, list[str]]:
    """(passed, failed, failure texts) of a run's audit gate, from its validation results file where present."""
    failures = [str(f) for f in run.get("gate_failures") or []]
    gate = run.get("expectations") if isinstance(run.get("expectations"), dict) else {}
    passed, failed = gate.get("passed"), gate.get("failed")
    path = run.get("validation_results")
    if passed is None and path and Path(path).exists():
        try:
            results = json.loads(Path(path).read_text(encoding="utf-8"))
        except ValueError:
            results = {}
        flags = [
            bool(r.get("success"))
            for cp in results.get("checkpoints", [])
            for vr in cp.get("validation_results", [])
            for r in vr.get("results", [])
        ]
        passed, failed = sum(flags), len(flags) - sum(flags)
        failures = failures or [str(f) for f in results.get("failures", [])]
    return passed, failed if failed is not None else (len(failures) if failures else None), failures


def changes(run: dict[str, Any]) -> list[dict[str, Any]]:
    """What a run ingested, per source: status (loaded/unchanged/failed), rows, quarantined rows."""
    out = []
    for item in run.get("ingested") or []:
        rows = item.get("rows") or {}
        out.append({
            "source_id": item.get("source_id"),
            "status": item.get("status"),
            "rows": sum(v for v in rows.values() if isinstance(v, int | float)) if isinstance(rows, dict) else rows,
            "quarantined": item.get("quarantined"),
            "error": item.get("error"),
        })
    return out


def quarantine_counts(data: settings.Paths) -> dict[tuple[str, str], int]:
    """Quarantined rows per (source, reason) from ``quarantine/<source>/<entity>/<load_id>.parquet``."""
    root = layout.quarantine_root(data)
    if not root.is_dir():
        return {}
    out: dict[tuple[str, str], int] = {}
    for source_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        files = [str(f) for f in sorted(source_dir.rglob("*.parquet"))]
        if not files:
            continue
        with duckdb_settings.connect() as con:
            try:
                rows = con.execute(
                    "SELECT coalesce(CAST(_reason AS VARCHAR), 'ohne Angabe'), count(*)"
                    " FROM read_parquet(?, union_by_name = true) GROUP BY ALL ORDER BY 1",
                    [files],
                ).fetchall()
            except duckdb.BinderException:  # files without a _reason column
                rows = con.execute("SELECT 'ohne Angabe', count(*) FROM read_parquet(?, union_by_name = true)",
                                   [files]).fetchall()
        out.update({(source_dir.name, reason): n for reason, n in rows})
    return out


def data_docs(data: settings.Paths) -> Path | None:
    """The Great Expectations Data Docs index, if built."""
    return data_docs_index(data)
