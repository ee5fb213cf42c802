"""The audit gate: Great Expectations suites run against a candidate mart before it is published.

``validate_candidate`` reads the mart tables of a candidate DuckDB file into pandas, validates each with the
reviewed expectation suite of the same name in ``great_expectations/expectations/`` through a real GX Checkpoint,
and returns a :class:`ValidationReport`. Great Expectations is imported only when a validation runs, so importing
this package stays cheap (e.g. for Airflow DAG parsing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from regiohub.audit.report import ValidationReport

if TYPE_CHECKING:
    from regiohub.core.settings import Paths
    from regiohub.registry.model import Registry
    from regiohub.store.runs import RunReport

__all__ = ["ValidationReport", "isolation_gate", "validate_candidate"]


def validate_candidate(
    candidate: Path,
    data: Paths,
    *,
    registry: Registry | None = None,
    suites_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate the candidate mart; see :func:`regiohub.audit.gate.validate_candidate`."""
    from regiohub.audit.gate import validate_candidate as _validate

    return _validate(candidate, data, registry=registry, suites_dir=suites_dir, progress=progress)


def isolation_gate(
    data: Paths, registry: Registry, report: RunReport, progress: Callable[[str], None] | None = None
) -> Callable[[Path], ValidationReport]:
    """The gate as the build step's isolation calls it on each candidate (:func:`regiohub.build.isolation.
    build_isolated`): its seconds add up in ``report.timings_s["validate"]``, and the verdict's file is kept in
    ``report.validation_results`` for the audit step (:func:`regiohub.audit.report.stored_verdict`)."""

    def gate(candidate: Path) -> ValidationReport:
        if progress is not None:
            progress("gate: expectation suites and content checks")
        t0 = time.monotonic()
        validation = validate_candidate(candidate, data, registry=registry, progress=progress)
        report.timings_s["validate"] = round(report.timings_s.get("validate", 0) + time.monotonic() - t0, 2)
        report.validation_results = str(validation.results_path)
        return validation

    return gate
