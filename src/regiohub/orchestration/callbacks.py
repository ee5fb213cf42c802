"""Task callbacks of the Regio.hub DAGs: record mart failures, notify operators of any final failure."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from regiohub.core import settings

log = logging.getLogger(__name__)


def _first_line(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def last_load(source_id: str, data: settings.Paths | None = None) -> dict[str, Any]:
    """The newest ingest log entry for ``source_id`` (load id, status, error), or {} (an operations record)."""
    from regiohub.store.records import last_ingest

    return last_ingest(data or settings.paths(), source_id)


def rerun_command(dag_id: str, task_id: str, logical_date: datetime) -> str:
    """``airflow tasks clear`` for exactly this task of exactly this run, its downstream tasks included.

    Airflow 3.3 matches ``-t`` as a substring of task ids (not as the regex its help names); no task id of
    ours contains another of its DAG, so the bare id selects exactly that task.
    """
    when = logical_date.isoformat()
    return f"airflow tasks clear {dag_id} -t {task_id} --start-date {when} --end-date {when} --downstream --yes"


def rerun_hint(dag_id: str, task_id: str, run_id: str, logical_date: datetime | None) -> str:
    """How to re-run the failed task of this run only (with what follows it), for the failure message.

    ``airflow tasks clear`` selects runs by logical date; runs started by an asset event have none, so for
    them the hint names the UI and the REST call that select the run by its id.
    """
    if logical_date is not None:
        return f"Re-run (this run only, downstream included): `{rerun_command(dag_id, task_id, logical_date)}`"
    body = json.dumps({"dag_run_id": run_id, "task_ids": [task_id], "include_downstream": True,
                       "only_failed": False, "dry_run": False})
    return (f"Re-run: run {run_id} has no logical date (started by an asset event), so `airflow tasks clear` "
            f"cannot select it: clear task {task_id} of that run in the UI (downstream included), or "
            f"POST /api/v2/dags/{dag_id}/clearTaskInstances with {body}")


def notify_task_failure(context: Any) -> None:
    """``on_failure_callback``: tell the operators which DAG, task, source and load failed, and why.

    Called once the task has finally failed (after its retries). Channels: :mod:`regiohub.ops.notify`.
    """
    from regiohub.ops.notify import notify

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
    body += "\n" + rerun_hint(ti.dag_id, ti.task_id, dag_run.run_id, getattr(dag_run, "logical_date", None))
    notify(subject, body, details)


def record_mart_failure(context: Any) -> None:
    """``on_failure_callback`` of the mart tasks: record the failed run where ``regiohub status`` shows it.

    Runs once the task has finally failed (not before a retry); a rejected candidate is ``gate_failed``.
    """
    from regiohub.core.errors import GateError
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
