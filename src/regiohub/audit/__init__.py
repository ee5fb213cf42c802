"""The audit gate: Great Expectations suites run against a candidate mart before it is published.

``validate_candidate`` reads the mart tables of a candidate DuckDB file into pandas, validates each with the
reviewed expectation suite of the same name in ``great_expectations/expectations/`` through a real GX Checkpoint,
and returns a :class:`ValidationReport`. Great Expectations is imported only when a validation runs, so importing
this package stays cheap (e.g. for Airflow DAG parsing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from regiohub.audit.report import ValidationReport

if TYPE_CHECKING:
    from regiohub.core.settings import Paths
    from regiohub.registry.model import Registry

__all__ = ["ValidationReport", "validate_candidate"]


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
