"""Task callbacks of the Regio.hub DAGs: record mart failures, notify operators of any final failure."""

from __future__ import annotations

import json
import logging
from typing import Any

from regiohub import settings

log = logging.getLogger(__name__)


def _first_line(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def last_load(source_id: str, data: settings.Paths | None = None) -> dict[str, Any]:
    """The newest entry of ``runs/ingest_log.jsonl`` for ``source_id`` (load id, status, error), or {}."""
    path = (data or settings.paths()).runs / "ingest_log.jsonl"
    if not path.exists():
        return {}
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        entry = json.loads(line)
        if entry.get("source_id") == source_id:
            return entry
    return {}


def notify_task_failure(context: Any) -> None:
    """``on_failure_callback``: tell the operators which DAG, task, source and load failed, and why.

    Called once the task has finally failed (after its retries). Channels: :mod:`regiohub.notify`.
    """
    from regiohub.notify import notify

    ti, dag_run = context["ti"], context["dag_run"]
    source_id = (context.get("params") or {}).get("source_id")
    details: dict[str, Any] = {
        "dag_id": ti.dag_id, "task_id": ti.task_id, "run_id": dag_run.run_id,
        "try_number": ti.try_number, "error": _first_line(context.get("exception")),
    }
    if source_id:
        entry = last_load(source_id)
        details |= {"source_id": source_id, "load_id": entry.get("load_id"), "payload_dir": entry.get("payload_dir")}
    subject = f"Regio.hub: {ti.dag_id}.{ti.task_id} failed" + (f" (source {source_id})" if source_id else "")
    body = "\n".join(f"{key}: {value}" for key, value in details.items() if value is not None)
    body += f"\nRe-run: clear the task in the Airflow UI, or `airflow tasks clear {ti.dag_id} -t {ti.task_id}`."
    notify(subject, body, details)


def record_mart_failure(context: Any) -> None:
    """``on_failure_callback`` of the mart tasks: record the failed run where ``regiohub status`` shows it.

    Runs once the task has finally failed (not before a retry); a rejected candidate is ``gate_failed``.
    """
    from regiohub.errors import GateError
    from regiohub.orchestration.mart import record

    exc = context.get("exception")
    outcome = "gate_failed" if isinstance(exc, GateError) else "failed"
    error = _first_line(exc)
    task_id = context["ti"].task_id
    log.error("mart run %s: %s failed: %s", context["run_id"], task_id, error)
    record(context["run_id"], context["dag_run"].start_date, outcome, error=f"{task_id}: {error}")


def mart_failure(context: Any) -> None:
    """Both mart callbacks: record the run, then notify."""
    record_mart_failure(context)
    notify_task_failure(context)
