"""Run the expectation suites against a candidate mart through one GX Checkpoint.

One ephemeral GX context per validation (nothing is written into the repository), one Checkpoint ``audit`` over
every suite, the rows read from DuckDB in bounded batches (:mod:`regiohub.audit.runner`); the results are
rendered once into ``<data>/runs/gx/data_docs``. The combined results go to
``<data>/runs/validations/<timestamp>.json``.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiohub.audit.blame import Tracer, index_columns, indicator_sources
from regiohub.audit.content import CHECKS, content_findings
from regiohub.audit.frames import suite_keys
from regiohub.audit.raw import PREFIX as RAW
from regiohub.audit.report import ValidationReport, candidate_stat, describe_failures, describe_parts
from regiohub.audit.runner import GxRun
from regiohub.audit.scope import candidate_connection, collect, suites_digest
from regiohub.audit.suites import load_suites
from regiohub.core import settings
from regiohub.core.errors import GateError
from regiohub.core.settings import Paths
from regiohub.registry.model import Registry, load_registry
from regiohub.store import layout

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite

log = logging.getLogger(__name__)

RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 20}


def validate_candidate(
    candidate: Path,
    data: Paths,
    *,
    registry: Registry | None = None,
    suites_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate every mart table of ``candidate`` with its suite; never modifies the candidate.

    Returns the report (``success`` False when any expectation fails or a table is missing). Raises
    :class:`~regiohub.core.errors.GateError` when the candidate does not exist or a suite file is invalid.
    """
    if not candidate.is_file():
        raise GateError(f"candidate mart not found: {candidate}")
    started = datetime.now(UTC)
    clock = time.perf_counter()
    registry = registry or load_registry()
    suites_dir = suites_dir or settings.GX_DIR / "expectations"

    _quiet_gx()
    docs_dir = layout.data_docs_dir(data)
    shutil.rmtree(docs_dir, ignore_errors=True)  # the site shows the latest validation; history is in the JSON
    keys = suite_keys(suites_dir)
    failures: list[str] = []
    warnings: list[str] = []
    traced: list[dict[str, Any]] = []
    checkpoints: list[dict[str, Any]] = []
    with candidate_connection(candidate, data) as con:
        scope = collect(con, candidate, data, registry, suites_dir)
        parameters = scope.parameters
        suites = load_suites(suites_dir, parameters)
        gx = GxRun(docs_dir, started, parameters)
        tracer = Tracer(registry, indicator_sources(scope.frames.get("dim_indicator")), layout.dbt_manifest(data))
        for n, suite in enumerate(suites, start=1):
            if progress is not None:
                progress(f"gate {n}/{len(suites)}: {suite.name}")
            rows = scope.frames.get(suite.name)
            rows = scope.rows.get(suite.name) if rows is None else rows
            if suite.name in scope.skipped:
                continue  # unchanged since the published snapshot, which passed the gate
            if rows is None and suite.name.startswith(RAW):
                continue  # a source without raw data yet: the transform step refuses to build without it
            if rows is None:
                failures.append(f"{suite.name}: table missing from the candidate (or a table it is derived from)")
                traced.append(_traced("gate", suite.name, "table missing", tracer.of(suite.name, {})))
                continue
            fmt = _result_format(suite, rows.columns, keys.get(suite.name, []))
            result, vacuous = gx.validate(suite, rows, con, fmt, changed=scope.mode == "changed")
            if scope.mode == "changed":  # only changed rows: expectations about other rows have nothing to check
                scope.vacuous[suite.name] = vacuous
            validation = result.to_json_dict()
            blocking, warning = _split_by_severity(validation["results"])
            failures += describe_failures(suite.name, blocking)
            warnings += describe_failures(suite.name, warning)
            for failed in (r for r in blocking if not r.get("success")):
                target, kind, detail = describe_parts(suite.name, failed)
                traced.append(_traced(f"gate {kind}", target, detail, tracer.of(suite.name, failed)))
    if gx.results:
        result = gx.checkpoint()
        checkpoints.append({"checkpoint": result.name, "success": result.success,
                            "validation_results": [r.to_json_dict() for r in result.run_results.values()]})

    if progress is not None:
        progress(f"gate: content checks {', '.join(CHECKS)}")
    findings = content_findings(candidate, data.published if data.published.is_file() else None)
    failures += [f.line for f in findings]
    traced += [_traced(f"gate check {f.check}", f.indicator_id, f.detail, set(f.sources)) for f in findings]
    content = [{"check": c, "success": not any(f.check == c for f in findings)} for c in CHECKS]

    success = not failures
    results_path = _write_results(
        layout.validations_dir(data),
        started,
        {
            "candidate": str(candidate),
            "candidate_stat": candidate_stat(candidate),
            "started_at": started.isoformat(),
            "duration_s": round(time.perf_counter() - clock, 3),
            "success": success,
            "failures": failures,
            "warnings": warnings,
            "parameters": {name: v if isinstance(v, int) else len(v) for name, v in parameters.items()},
            "scope": scope.as_dict(),
            "suites_digest": suites_digest(suites_dir),
            "checkpoints": checkpoints,
            "content_checks": content,
            "content_findings": [vars(f) for f in findings],
            "traced": traced,
        },
    )
    index = docs_dir / "index.html"
    report = ValidationReport(success, failures, results_path, index if index.is_file() else None, warnings, findings,
                              traced)
    log.info("%s", report.summary())
    return report


def _traced(check: str, model: str, rows: str, sources: set[str]) -> dict[str, Any]:
    return {"check": check, "model": model, "rows": rows, "sources": sorted(sources)}


def _result_format(suite: ExpectationSuite, columns: Iterable[str], key: list[str]) -> dict[str, Any]:
    """Summary results; GX names the failing rows by the suite's ``meta.row_keys`` (else its uniqueness key)
    and the columns that trace them to a source (:mod:`regiohub.audit.blame`)."""
    keys = index_columns((suite.meta or {}).get("row_keys") or key, columns)
    return {**RESULT_FORMAT, "unexpected_index_column_names": keys} if keys else RESULT_FORMAT


def _split_by_severity(results: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Results of critical expectations (they block the publish) and of warning/info ones (reported only)."""
    blocking, warning = [], []
    for result in results:
        severity = (result.get("expectation_config") or {}).get("severity") or "critical"
        (blocking if severity == "critical" else warning).append(result)
    return blocking, warning


def _quiet_gx() -> None:
    """GX logs its internals at INFO (dozens of lines on import); keep its warnings and errors only."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)


def _write_results(directory: Path, started: datetime, payload: dict[str, Any]) -> Path:
    """Write ``<directory>/<timestamp>.json`` (a suffix keeps two validations in the same second apart)."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{started:%Y%m%dT%H%M%SZ}"
    text = json.dumps(payload, indent=1, ensure_ascii=False, default=str) + "\n"
    for n in range(1, 1000):
        path = directory / (f"{stem}.json" if n == 1 else f"{stem}-{n}.json")
        try:
            with path.open("x", encoding="utf-8") as fh:  # "x": never overwrite an earlier result
                fh.write(text)
            return path
        except FileExistsError:
            continue
    raise GateError(f"cannot write validation results: too many files named {stem}*.json in {directory}")
