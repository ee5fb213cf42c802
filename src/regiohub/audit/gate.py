"""Run the expectation suites against a candidate mart through GX Checkpoints.

One ephemeral GX context per validation (nothing is written into the repository): a pandas datasource with one
dataframe asset per suite, one Checkpoint per suite (a dataframe is passed per run as a batch parameter, and a
Checkpoint run takes one set of batch parameters); the results are rendered once, after the last Checkpoint, into
``<data>/runs/gx/data_docs`` (an ``UpdateDataDocsAction`` per Checkpoint re-rendered the site every time). The
combined results go to ``<data>/runs/validations/<timestamp>.json``.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiohub.audit.blame import Tracer, index_columns, indicator_sources
from regiohub.audit.content import CHECKS, content_findings
from regiohub.audit.frames import suite_keys
from regiohub.audit.raw import PREFIX as RAW
from regiohub.audit.report import ValidationReport, candidate_stat, describe_failures, describe_parts
from regiohub.audit.scope import collect, suites_digest
from regiohub.audit.suites import applicable, load_suites
from regiohub.core import settings
from regiohub.core.errors import GateError
from regiohub.core.settings import Paths
from regiohub.registry.model import Registry, load_registry
from regiohub.store import layout

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.checkpoint.checkpoint import CheckpointResult
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context import AbstractDataContext

log = logging.getLogger(__name__)

DOCS_SITE = "regiohub_audit"
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

    scope = collect(candidate, data, registry, suites_dir)
    frames, parameters = scope.frames, scope.parameters

    _quiet_gx()
    suites = load_suites(suites_dir, parameters)
    docs_dir = layout.data_docs_dir(data)
    shutil.rmtree(docs_dir, ignore_errors=True)  # the site shows the latest validation; history is in the JSON
    context = _context(docs_dir)
    source = context.data_sources.add_pandas("regiohub_candidate")  # one datasource, one asset per suite
    run_id = _run_id(started)

    keys = suite_keys(suites_dir)
    tracer = Tracer(registry, indicator_sources(frames.get("dim_indicator")), layout.dbt_manifest(data))
    failures: list[str] = []
    warnings: list[str] = []
    traced: list[dict[str, Any]] = []
    checkpoints: list[dict[str, Any]] = []
    for n, suite in enumerate(suites, start=1):
        if progress is not None:
            progress(f"gate {n}/{len(suites)}: {suite.name}")
        frame = frames.get(suite.name)
        if suite.name in scope.skipped:
            continue  # unchanged since the published snapshot, which passed the gate
        if frame is None and suite.name.startswith(RAW):
            continue  # a source without raw data yet: the transform step refuses to build without it
        if frame is None:
            failures.append(f"{suite.name}: table missing from the candidate (or a table it is derived from)")
            traced.append(_traced("gate", suite.name, "table missing", tracer.of(suite.name, {})))
            continue
        if scope.mode == "changed":  # only changed rows: expectations about other rows have nothing to check
            suite, scope.vacuous[suite.name] = applicable(suite, frame)
        result = _run_checkpoint(context, source, suite, frame, parameters, run_id, keys.get(suite.name, []))
        validations = [r.to_json_dict() for r in result.run_results.values()]
        for validation in validations:
            blocking, warning = _split_by_severity(validation["results"])
            failures += describe_failures(suite.name, blocking)
            warnings += describe_failures(suite.name, warning)
            for failed in (r for r in blocking if not r.get("success")):
                target, kind, detail = describe_parts(suite.name, failed)
                traced.append(_traced(f"gate {kind}", target, detail, tracer.of(suite.name, failed)))
        checkpoints.append({"checkpoint": result.name, "success": result.success, "validation_results": validations})

    if checkpoints:
        context.build_data_docs(site_names=[DOCS_SITE])
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


def _result_format(suite: ExpectationSuite, frame: pd.DataFrame, key: list[str]) -> dict[str, Any]:
    """Summary results; GX names the failing rows by the suite's ``meta.row_keys`` (else its uniqueness key)
    and the columns that trace them to a source (:mod:`regiohub.audit.blame`)."""
    keys = index_columns((suite.meta or {}).get("row_keys") or key, frame.columns)
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


def _context(docs_dir: Path) -> AbstractDataContext:
    """An in-memory GX context whose only Data Docs site is ``docs_dir``; no progress bars, no analytics."""
    from great_expectations.data_context import get_context
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return get_context(project_config=config, mode="ephemeral")


def _run_id(started: datetime) -> Any:
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=f"audit-{started:%Y%m%dT%H%M%SZ}", run_time=started)


def _run_checkpoint(
    context: AbstractDataContext,
    source: Any,
    suite: ExpectationSuite,
    frame: pd.DataFrame,
    parameters: dict[str, list[str]],
    run_id: Any,
    key: list[str],
) -> CheckpointResult:
    from great_expectations.checkpoint import Checkpoint
    from great_expectations.core.validation_definition import ValidationDefinition

    batch = source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("whole_table")
    definition = context.validation_definitions.add(
        ValidationDefinition(name=suite.name, data=batch, suite=context.suites.add(suite))
    )
    checkpoint = context.checkpoints.add(
        Checkpoint(
            name=f"audit_{suite.name}",
            validation_definitions=[definition],
            actions=[],
            result_format=_result_format(suite, frame, key),
        )
    )
    return checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters, run_id=run_id)


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
