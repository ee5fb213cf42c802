"""The whole path: ingest every source → build a candidate → audit it → publish it.

The CLI and the Airflow DAGs call these functions; nothing here knows who called.
Mart builds never overlap (one lock per data dir): DuckDB takes one writer.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from regiohub import crashpoints, settings
from regiohub.errors import GateError, SourceError
from regiohub.ingest import IngestResult, ingest_source
from regiohub.publish import PublishResult, exclusive_lock, publish_candidate
from regiohub.publish import recover as publish_recover
from regiohub.registry import Registry, load_registry
from regiohub.runs import RunReport, recent_runs, record_run
from regiohub.transform import build_candidate

__all__ = ["RunReport", "build_and_publish", "ingest_all", "recent_runs", "record_run", "run"]

log = logging.getLogger(__name__)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def ingest_all(data: settings.Paths, registry: Registry, report: RunReport) -> list[IngestResult]:
    """Ingest every registered source; one source's failure does not stop the others."""
    results = []
    for source in registry.sources:
        try:
            result = ingest_source(source.id, data=data, registry=registry)
        except SourceError as exc:
            log.error("%s", exc)
            report.ingested.append({"source_id": source.id, "status": "failed", "error": str(exc), "rows": {}})
            crashpoints.reached("ingest:between-sources")
            continue
        results.append(result)
        report.ingested.append(
            {
                "source_id": result.source_id,
                "status": result.status,
                "rows": result.rows,
                "load_id": result.load_id,
                "quarantined": sum(n for reasons in result.quarantined.values() for n in reasons.values()),
                "notes": result.notes,
            }
        )
        crashpoints.reached("ingest:between-sources")
    return results


def build_and_publish(
    data: settings.Paths | None = None, registry: Registry | None = None, report: RunReport | None = None
) -> PublishResult:
    """Build a candidate mart, audit it (dbt tests ran in the build; then the GX checkpoint), publish it.

    Raises :class:`GateError` if the audit fails: the published mart is left untouched and the
    candidate is kept as ``build/failed-*.duckdb`` for inspection (the newest few are kept).
    """
    data = (data or settings.paths()).ensure()
    report = report or RunReport(new_run_id(), _now())
    with exclusive_lock(data.build / ".build.lock"):
        recover(data)
        t0 = time.monotonic()
        try:
            candidate = build_candidate(data, registry)
        finally:
            report.dbt_tests = dbt_test_counts(data)
        report.candidate = str(candidate)
        report.timings_s["build"] = round(time.monotonic() - t0, 2)
        crashpoints.reached("build:done")
        return audit_and_publish(candidate, data, report)


def audit_and_publish(candidate: Path, data: settings.Paths, report: RunReport) -> PublishResult:
    """The gate: validate ``candidate`` with the GX suites and publish it only if every expectation holds."""
    from regiohub.audit import validate_candidate

    t0 = time.monotonic()
    validation = validate_candidate(candidate, data)
    report.timings_s["validate"] = round(time.monotonic() - t0, 2)
    report.validation_results = str(validation.results_path)
    report.expectations = expectation_counts(validation.results_path)
    report.gate_warnings = validation.warnings
    crashpoints.reached("validate:done")
    if not validation.success:
        report.gate_failures = validation.failures
        report.candidate = str(keep_failed(candidate))
        raise GateError(validation.summary())
    t0 = time.monotonic()
    result = publish_candidate(candidate, data, run_id=report.run_id)
    report.timings_s["publish"] = round(time.monotonic() - t0, 2)
    report.snapshot_id = result.snapshot_id
    _remove(candidate)
    return result


def recover(data: settings.Paths) -> None:
    """Clean up what a killed run left behind; call while holding the build lock.

    Any ``candidate-*`` file is then stale (failed candidates are renamed ``failed-*``), as are
    half-written raw files and publish leftovers. The published mart itself is never touched.
    """
    for stale in data.build.glob("candidate-*.duckdb"):
        _remove(stale)
    for stale in data.raw.glob("*/*/*.parquet.tmp"):
        stale.unlink(missing_ok=True)
    publish_recover(data)


def keep_failed(candidate: Path, keep: int = 3) -> Path:
    """Rename a rejected candidate to ``failed-*`` and drop all but the newest ``keep`` of those."""
    failed = candidate.with_name(candidate.name.replace("candidate-", "failed-", 1))
    candidate.rename(failed)
    for old in sorted(candidate.parent.glob("failed-*.duckdb"))[:-keep]:
        _remove(old)
    return failed


def dbt_test_counts(data: settings.Paths) -> dict[str, int]:
    """Passed and failed dbt tests of the last build (from dbt's run_results.json)."""
    path = data.build / "dbt_target" / "run_results.json"
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


def run(
    data: settings.Paths | None = None, registry: Registry | None = None, *, force: bool = False
) -> RunReport:
    """Ingest all sources, then rebuild and publish — unless nothing changed and a mart is published."""
    data = (data or settings.paths()).ensure()
    registry = registry or load_registry()
    report = RunReport(new_run_id(), _now())
    try:
        t0 = time.monotonic()
        results = ingest_all(data, registry, report)
        report.timings_s["ingest"] = round(time.monotonic() - t0, 2)
        if not force and data.published.exists() and not any(r.changed for r in results):
            report.outcome = "unchanged"
            return report
        build_and_publish(data, registry, report)
        report.outcome = "published"
    except GateError as exc:
        report.outcome, report.error = "gate_failed", str(exc)
        raise
    except Exception as exc:
        report.outcome, report.error = "failed", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise
    finally:
        record_run(data, report)
    return report


def _remove(database: Path) -> None:
    for p in (database, Path(f"{database}.wal")):
        p.unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
