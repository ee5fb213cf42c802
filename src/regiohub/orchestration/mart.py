"""The steps of the mart DAG: build a candidate, audit it, publish it — each one Airflow task.

The same step functions as ``regiohub run`` (:func:`regiohub.ops.pipeline.build_step`, ``audit_step``,
``publish_step``: crash recovery, build lock, isolation of broken sources, keeping rejected candidates,
dbt/GX counts), with the run report carried between the tasks through the run history (keyed by the
Airflow run id). The library is imported inside the functions so that parsing the DAG file stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiohub.core import settings

if TYPE_CHECKING:
    from regiohub.store.runs import RunReport

log = logging.getLogger("regiohub.build_mart")


def build(run_id: str | None = None, started_at: datetime | None = None, data: settings.Paths | None = None) -> Path:
    """Recover from killed runs, then build a candidate with broken sources held back (the CLI's build step).

    dbt's node-by-node progress goes to the task log; the run is recorded (outcome ``running``).
    """
    from regiohub.ops.pipeline import build_step

    data = (data or settings.paths()).ensure()
    report = _report(data, run_id, started_at)
    candidate = build_step(data, None, report, progress=log.info)
    _save(data, report)
    return candidate


def waiting_for(data: settings.Paths | None = None) -> str | None:
    """Why the mart cannot be built yet — the registered sources without any raw load — or None.

    The dbt models read every source (an empty raw folder is an error in DuckDB), so the first build
    waits until each source has delivered once; each first load's raw asset event starts a new try.
    """
    from regiohub.build.transform import missing_raw_sources
    from regiohub.registry.model import load_registry

    data = data or settings.paths()
    registry = load_registry()
    missing = missing_raw_sources(registry, data)
    if not missing:
        return None
    have = len(registry.sources) - len(missing)
    return (f"waiting for the first load of {', '.join(missing)} ({have} of {len(registry.sources)} sources "
            "have raw data): the mart is built once every source has delivered; trigger or unpause "
            f"{', '.join('ingest_' + s for s in missing)} (or drop their files into the inbox)")


def validate(candidate: Path, run_id: str | None = None, data: settings.Paths | None = None) -> Path:
    """Run the gate (the CLI's audit step); raise :class:`GateError` if it rejects the candidate."""
    from regiohub.ops.pipeline import audit_step

    data = data or settings.paths()
    report = _report(data, run_id, None)
    try:
        audit_step(candidate, data, report, progress=log.info)
    finally:
        _save(data, report)
    return Path(report.validation_results or "")


def publish(candidate: Path, run_id: str, data: settings.Paths | None = None) -> dict[str, Any]:
    """Publish the audited candidate atomically (the CLI's publish step); return a JSON-safe summary."""
    from regiohub.ops.pipeline import publish_step

    data = data or settings.paths()
    report = _report(data, run_id, None)
    result = publish_step(candidate, data, report, progress=log.info)
    report.outcome = "published"
    _save(data, report)
    return summary(result)


def record(run_id: str, started_at: datetime | None, outcome: str, **details: Any) -> None:
    """Record the final outcome of this Airflow run, keeping what its steps recorded before."""
    data = settings.paths().ensure()
    report = _report(data, run_id, started_at)
    report.outcome = outcome
    for key, value in details.items():
        setattr(report, key, value)
    _save(data, report)


def _report(data: settings.Paths, run_id: str | None, started_at: datetime | None) -> RunReport:
    from regiohub.core.ids import new_run_id
    from regiohub.store.runs import RunReport, load_run

    run_id = run_id or new_run_id()
    started = (started_at or datetime.now(UTC)).isoformat(timespec="seconds")
    return load_run(data, run_id) or RunReport(run_id, started, kind="build")


def _save(data: settings.Paths, report: RunReport) -> None:
    from regiohub.store.runs import record_run

    record_run(data, report)


def summary(result: object) -> dict[str, Any]:
    """A JSON-safe dict of a result dataclass, for XCom and asset event extras."""
    data = dataclasses.asdict(result) if dataclasses.is_dataclass(result) and not isinstance(result, type) else result
    return json.loads(json.dumps(data, default=str))


def included_loads(data: settings.Paths | None = None) -> dict[str, dict[str, Any]]:
    """Per source: how many raw load files exist and the newest load id — what a build starting now reads.

    Load ids sort by time and raw files are never removed, so every load with an id up to ``newest`` is in.
    """
    from regiohub.store.loads import raw_loads, raw_sources

    data = data or settings.paths()
    out: dict[str, dict[str, Any]] = {}
    for source_id in raw_sources(data):
        if ids := raw_loads(data, source_id):
            out[source_id] = {"loads": len(ids), "newest": ids[-1]}
    return out
