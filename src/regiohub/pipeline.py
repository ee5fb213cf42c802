"""The whole path: ingest every source → build a candidate → audit it → publish it.

The CLI and the Airflow DAGs call these functions; nothing here knows who called.
Mart builds never overlap (one lock per data dir): DuckDB takes one writer.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from regiohub import settings
from regiohub.errors import GateError, SourceError
from regiohub.ingest import IngestResult, ingest_source
from regiohub.publish import PublishResult, exclusive_lock, publish_candidate
from regiohub.registry import Registry, load_registry
from regiohub.transform import build_candidate

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    run_id: str
    started_at: str
    ingested: list[dict] = field(default_factory=list)
    outcome: str = "running"  # published | unchanged | gate_failed | failed
    candidate: str | None = None
    gate_failures: list[str] = field(default_factory=list)
    validation_results: str | None = None
    snapshot_id: str | None = None
    error: str | None = None
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def failed_sources(self) -> list[str]:
        return [i["source_id"] for i in self.ingested if i["status"] == "failed"]


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
            continue
        results.append(result)
        report.ingested.append(
            {"source_id": result.source_id, "status": result.status, "rows": result.rows, "load_id": result.load_id}
        )
    return results


def build_and_publish(
    data: settings.Paths | None = None, registry: Registry | None = None, report: RunReport | None = None
) -> PublishResult:
    """Build a candidate mart, audit it (dbt tests ran in the build; then the GX checkpoint), publish it.

    Raises :class:`GateError` if the audit fails: the published mart is left untouched and the
    candidate is kept under ``build/`` for inspection.
    """
    from regiohub.audit import validate_candidate

    data = (data or settings.paths()).ensure()
    report = report or RunReport(new_run_id(), _now())
    with exclusive_lock(data.build / ".build.lock"):
        t0 = time.monotonic()
        candidate = build_candidate(data, registry)
        report.candidate = str(candidate)
        report.timings_s["build"] = round(time.monotonic() - t0, 2)
        t0 = time.monotonic()
        validation = validate_candidate(candidate, data)
        report.timings_s["validate"] = round(time.monotonic() - t0, 2)
        report.validation_results = str(validation.results_path)
        if not validation.success:
            report.gate_failures = validation.failures
            raise GateError(
                f"audit gate failed ({len(validation.failures)} expectations): "
                + "; ".join(validation.failures[:3])
                + (" …" if len(validation.failures) > 3 else "")
            )
        t0 = time.monotonic()
        result = publish_candidate(candidate, data, run_id=report.run_id)
        report.timings_s["publish"] = round(time.monotonic() - t0, 2)
        report.snapshot_id = result.snapshot_id
        _remove_candidate(candidate)
    return result


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


def record_run(data: settings.Paths, report: RunReport) -> None:
    entry = {**asdict(report), "finished_at": _now()}
    with open(data.runs / "runs.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def recent_runs(data: settings.Paths, limit: int = 10) -> list[dict]:
    path = data.runs / "runs.jsonl"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in reversed(lines)]


def _remove_candidate(candidate: Path) -> None:
    for p in (candidate, Path(f"{candidate}.wal")):
        p.unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
