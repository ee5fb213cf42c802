"""The steps of the mart DAG: build a candidate, audit it, publish it — each one Airflow task.

Thin wrappers over :mod:`regiohub.transform`, :mod:`regiohub.audit` and :mod:`regiohub.publish` that add
what an Airflow run needs: the build lock, a :class:`~regiohub.errors.GateError` for a rejected candidate,
and a run record in the run history (what ``regiohub status`` lists). The library is imported inside
the functions so that parsing the DAG file stays fast.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from regiohub import settings


def build(data: settings.Paths | None = None) -> Path:
    """``dbt build`` of a new candidate under ``build/``; one build per data dir at a time."""
    from regiohub.publish import exclusive_lock
    from regiohub.transform import build_candidate

    data = (data or settings.paths()).ensure()
    with exclusive_lock(data.build / ".build.lock"):
        return build_candidate(data)


def validate(candidate: Path, data: settings.Paths | None = None) -> Path:
    """Run the audit gate; raise :class:`GateError` if the candidate fails. Returns the results file."""
    from regiohub.audit import validate_candidate
    from regiohub.errors import GateError

    report = validate_candidate(candidate, data or settings.paths())
    if not report.success:
        raise GateError(report.summary())
    return report.results_path


def publish(candidate: Path, run_id: str, data: settings.Paths | None = None) -> dict[str, Any]:
    """Publish the audited candidate atomically, remove it, and return a JSON-safe summary."""
    from regiohub.publish import publish_candidate

    result = publish_candidate(candidate, data or settings.paths(), run_id=run_id)
    for path in (candidate, Path(f"{candidate}.wal")):
        path.unlink(missing_ok=True)
    return summary(result)


def record(run_id: str, started_at: datetime | None, outcome: str, **details: Any) -> None:
    """Record this Airflow run in the run history next to the CLI's runs."""
    from regiohub.pipeline import RunReport, record_run

    started = started_at.isoformat(timespec="seconds") if started_at else ""
    record_run(settings.paths().ensure(), RunReport(run_id, started, outcome=outcome, **details))


def summary(result: object) -> dict[str, Any]:
    """A JSON-safe dict of a result dataclass, for XCom and asset event extras."""
    data = dataclasses.asdict(result) if dataclasses.is_dataclass(result) and not isinstance(result, type) else result
    return json.loads(json.dumps(data, default=str))


def included_loads(data: settings.Paths | None = None) -> dict[str, dict[str, Any]]:
    """Per source: how many raw load files exist and the newest load id — what a build starting now reads.

    Load ids sort by time and raw files are never removed, so every load with an id up to ``newest`` is in.
    """
    data = data or settings.paths()
    out: dict[str, dict[str, Any]] = {}
    for source_dir in sorted(p for p in data.raw.glob("*") if p.is_dir()):
        ids = {f.stem for f in source_dir.glob("*/*.parquet")}
        if ids:
            out[source_dir.name] = {"loads": len(ids), "newest": max(ids)}
    return out
