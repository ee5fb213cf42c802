"""The whole path: ingest every source → build a candidate → audit it → publish it.

The CLI and the Airflow DAGs call these functions; nothing here knows who called.
Mart builds never overlap (one lock per data dir): DuckDB takes one writer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from regiohub.audit import isolation_gate
from regiohub.audit.content import content_findings
from regiohub.audit.report import stored_verdict
from regiohub.build.incremental import keep_base
from regiohub.build.isolation import build_isolated, carry_forward, known_bad
from regiohub.core import crashpoints, settings
from regiohub.core.errors import GateError, PipelineError, SourceError
from regiohub.core.ids import new_run_id
from regiohub.ingest.source import IngestResult, ingest_source
from regiohub.ops.run_errors import ERROR_LIMIT
from regiohub.ops.run_errors import first_line as _first_line
from regiohub.ops.run_errors import os_error as _os_error
from regiohub.publish.swap import PublishResult, publish_candidate
from regiohub.publish.swap import recover as publish_recover
from regiohub.registry.model import Registry, load_registry
from regiohub.store.loads import raw_temp_files, unpublished_loads
from regiohub.store.locks import build_lock, run_lock
from regiohub.store.runs import (
    RunReport,
    dbt_test_counts,
    expectation_counts,
    mark_interrupted,
    recent_runs,
    record_run,
)
from regiohub.store.snapshots import candidates as candidate_marts

Progress = Callable[[str], None]

__all__ = ["ERROR_LIMIT", "RunReport", "audit_step", "build_and_publish", "build_step", "ingest_all", "publish_step",
           "recent_runs", "record_run", "run"]

log = logging.getLogger(__name__)


def ingest_all(
    data: settings.Paths, registry: Registry, report: RunReport, progress: Progress | None = None
) -> list[IngestResult]:
    """Ingest every registered source; one source's failure does not stop the others."""
    results = []
    for n, source in enumerate(registry.sources, start=1):
        _say(progress, f"ingest {n}/{len(registry.sources)}: {source.id}")
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
                "superseded_by": result.superseded_by,
            }
        )
        crashpoints.reached("ingest:between-sources")
    return results


def build_and_publish(
    data: settings.Paths | None = None,
    registry: Registry | None = None,
    report: RunReport | None = None,
    progress: Progress | None = None,
) -> PublishResult:
    """Build a candidate mart (isolating broken sources), audit it, publish it: the three steps in one.

    Raises :class:`GateError` if the audit fails: the published mart is left untouched and the
    candidate is kept as ``build/failed-*.duckdb`` for inspection (the newest few are kept).
    """
    data = (data or settings.paths()).ensure()
    report = report or RunReport(new_run_id(), _now())
    candidate = build_step(data, registry, report, progress)
    try:
        audit_step(candidate, data, report, progress)
        return publish_step(candidate, data, report, progress)
    except GateError:
        raise  # the rejected candidate is kept as failed-* for inspection
    except BaseException:
        _remove(candidate)  # e.g. a full disk: never leave a candidate filling it
        report.candidate = None
        raise


def build_step(
    data: settings.Paths, registry: Registry | None, report: RunReport, progress: Progress | None = None
) -> Path:
    """Recover from killed runs, then build a candidate under the build lock (see :mod:`regiohub.build.isolation`)."""
    registry = registry or load_registry()
    with build_lock(data):
        recover(data)
        t0 = time.monotonic()
        report.timings_s.pop("validate", None)
        try:
            gate = isolation_gate(data, registry, report, progress)
            candidate = build_isolated(data, registry, report, progress, known_bad(_last_finished(data)), gate,
                                       content_findings)
        finally:
            report.dbt_tests = dbt_test_counts(data)
            gate_s = report.timings_s.get("validate", 0)  # the gate ran on each candidate (isolation)
            report.timings_s["build"] = round(time.monotonic() - t0 - gate_s, 2)
        report.candidate = str(candidate)
    crashpoints.reached("build:done")
    return candidate


def audit_step(candidate: Path, data: settings.Paths, report: RunReport, progress: Progress | None = None) -> None:
    """The gate: GX suites and content checks; a rejected candidate is kept as ``failed-*`` and GateError raised.

    The build step already gated its final candidate (isolation); that verdict is used while the file is the same.
    """
    from regiohub.audit import validate_candidate

    validation = stored_verdict(report.validation_results, candidate)
    if validation is None:
        _say(progress, "gate: expectation suites and content checks")
        t0 = time.monotonic()
        validation = validate_candidate(candidate, data, progress=progress)
        report.timings_s["validate"] = round(time.monotonic() - t0, 2)
    report.validation_results = str(validation.results_path)
    report.expectations = expectation_counts(validation.results_path)
    report.gate_warnings = validation.warnings
    crashpoints.reached("validate:done")
    if not validation.success:
        report.gate_failures = validation.failures
        report.candidate = str(keep_failed(candidate))
        raise GateError(validation.summary())


def publish_step(
    candidate: Path, data: settings.Paths, report: RunReport, progress: Progress | None = None
) -> PublishResult:
    """Publish the audited candidate atomically and remove it."""
    _say(progress, "publish: writing the snapshot and its Parquet exports")
    t0 = time.monotonic()
    result = publish_candidate(candidate, data, run_id=report.run_id, keep_base=keep_base)
    report.timings_s["publish"] = round(time.monotonic() - t0, 2)
    report.snapshot_id = result.snapshot_id
    _remove(candidate)
    return result


def audit_and_publish(candidate: Path, data: settings.Paths, report: RunReport) -> PublishResult:
    """Audit ``candidate`` and publish it only if the gate passes."""
    audit_step(candidate, data, report)
    return publish_step(candidate, data, report)


def recover(data: settings.Paths) -> None:
    """Clean up what a killed run left behind; call while holding the build lock.

    Any ``candidate-*`` file no running run names is then stale (failed candidates are renamed ``failed-*``), as are
    half-written raw files and publish leftovers; runs still marked 'running' whose process is gone
    are recorded as failed. The published mart itself is never touched.
    """
    mark_interrupted(data)
    in_use = {r.get("candidate") for r in recent_runs(data, 50) if r.get("outcome") == "running"}
    for stale in candidate_marts(data):
        if str(stale) not in in_use:  # an Airflow run between its build and its gate keeps its candidate
            _remove(stale)
    for stale in raw_temp_files(data):
        stale.unlink(missing_ok=True)
    publish_recover(data)


def keep_failed(candidate: Path, keep: int = 3) -> Path:
    """Rename a rejected candidate to ``failed-*`` and drop all but the newest ``keep`` of those."""
    failed = candidate.with_name(candidate.name.replace("candidate-", "failed-", 1))
    candidate.rename(failed)
    for old in sorted(candidate.parent.glob("failed-*.duckdb"))[:-keep]:
        _remove(old)
    return failed


def run(
    data: settings.Paths | None = None,
    registry: Registry | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
    report: RunReport | None = None,
) -> RunReport:
    """Ingest all sources, then build and publish every load the published snapshot does not include yet.

    Nothing is built when every raw load is published (or is a known-bad load still held back) —
    unless ``force``. One run at a time (:func:`regiohub.store.locks.run_lock`: a second one waits, then is
    refused naming the holder). A published mart that cannot be opened is healed first. The run is
    recorded when it starts and when it ends; a full disk or a read-only data folder is one line.
    """
    data = data or settings.paths()
    report = report or RunReport(new_run_id(), _now())
    try:
        with run_lock(data.ensure(), report.run_id):
            return _run_locked(data, registry or load_registry(), force, progress, report)
    except OSError as exc:
        raise PipelineError(report.error or _os_error(exc, data)) from None


def _run_locked(data: settings.Paths, registry: Registry, force: bool, progress: Progress | None,
                report: RunReport) -> RunReport:
    report.started_at = report.started_at or _now()
    mark_interrupted(data)
    record_run(data, report)
    try:
        publish_recover(data)  # a published mart that cannot be opened: the newest intact snapshot again
        t0 = time.monotonic()
        ingest_all(data, registry, report, progress)
        report.timings_s["ingest"] = round(time.monotonic() - t0, 2)
        crashpoints.reached("ingest:done")
        previous = known_bad(_last_finished(data))
        pending = {s: loads for s, loads in unpublished_loads(data).items()
                   if loads[-1] != (previous.get(s) or {}).get("bad_load")}
        if not force and data.published.exists() and not pending:
            report.outcome = "unchanged"
            carry_forward(report, previous)
            return report
        build_and_publish(data, registry, report, progress)
        report.outcome = "published"
    except GateError as exc:
        report.outcome, report.error = "gate_failed", str(exc)
        raise
    except OSError as exc:
        report.outcome, report.error = "failed", _os_error(exc, data)
        raise PipelineError(report.error) from None
    except BaseException as exc:
        report.outcome, report.error = "failed", _first_line(exc)
        raise
    finally:
        record_run(data, report)
    return report


def _last_finished(data: settings.Paths) -> dict | None:
    return next((r for r in recent_runs(data, 20) if r.get("outcome") not in ("running", None)), None)


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _remove(database: Path) -> None:
    for p in (database, Path(f"{database}.wal")):
        p.unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
