"""Task callbacks of the Regio.hub DAGs."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def record_mart_failure(context: Any) -> None:
    """``on_failure_callback`` of the mart tasks: record the failed run where ``regiohub status`` shows it.

    Runs once the task has finally failed (not before a retry); a rejected candidate is ``gate_failed``.
    """
    from regiohub.errors import GateError
    from regiohub.orchestration.mart import record

    exc = context.get("exception")
    outcome = "gate_failed" if isinstance(exc, GateError) else "failed"
    error = (str(exc).splitlines() or [type(exc).__name__])[0] if exc is not None else "unknown error"
    task_id = context["ti"].task_id
    log.error("mart run %s: %s failed: %s", context["run_id"], task_id, error)
    record(context["run_id"], context["dag_run"].start_date, outcome, error=f"{task_id}: {error}")
