"""The inbox DAG of one source: ``ingest_inbox`` → ``emit_raw_asset``, run when files are ready.

Scheduled on the source's inbox asset, which a ``FileDeleteTrigger`` on ``inbox/<source_id>/READY``
fires (a partner's file drop) and which external systems may post events on through the REST API
(``{"file": "<name>"}`` names exactly one file). The task claims the files (an atomic move, so each file
is ingested by exactly one run, also across retries) and ingests each like ``regiohub ingest --from``.

Every good file leads to one build: the raw asset is emitted for each new load, and a retry or a
cleared and re-run task emits it again for a file an earlier try loaded but no build took up
(:func:`regiohub.store.loads.never_built`). A file older than the data already loaded is kept and reported
(``superseded``), and emits nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import DAG, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from regiohub.orchestration.assets import inbox_asset, raw_asset
from regiohub.orchestration.callbacks import notify_task_failure
from regiohub.orchestration.defaults import OWNER, START_DATE
from regiohub.orchestration.reemit import unannounced
from regiohub.registry.model import Source

log = logging.getLogger(__name__)


def inbox_dag_id(source_id: str) -> str:
    return f"inbox_{source_id}"


def requested_files(events: list[Any]) -> list[str] | None:
    """File names named by REST events; ``None`` (= every ready file) if any event came from the marker."""
    names = [(getattr(e, "extra", None) or {}).get("file") for e in events]
    if not names or any(n is None for n in names):
        return None
    return sorted(set(names))


def ingest_inbox_files(source_id: str, claim_id: str, files: list[str] | None) -> dict[str, Any]:
    """Claim and ingest the ready files of ``inbox/<source_id>/``, each on its own; returns the loads for XCom."""
    from regiohub.core import settings
    from regiohub.ingest.inbox import ingest_drop
    from regiohub.ops.notify import notify_refused
    from regiohub.orchestration.ingest_dag import ingest_locked
    from regiohub.store.loads import never_built

    result = ingest_drop(source_id, claim_id, files, ingest=ingest_locked, on_refused=notify_refused)
    if not result.loads and not result.rejected:
        log.info("%s: inbox has no ready files (claimed by an earlier run)", source_id)
    again = never_built(settings.paths(), source_id, result.held_loads)
    if again:
        log.info("%s: load(s) %s hold files of this drop and are not built yet", source_id, again)
    superseded = {x["file"]: x["superseded_by"] for x in result.loads if x.get("superseded_by")}
    for name, by in superseded.items():
        log.warning("%s: inbox file %s is older than load %s: kept, not published", source_id, name, by)
    return {"loads": result.loads, "load_ids": result.load_ids, "never_built": again,
            "rejected": result.rejected, "superseded": superseded}


def build_inbox_dag(source: Source) -> DAG:
    """Create the DAG ``inbox_<source_id>`` scheduled on the source's inbox asset."""
    source_id = source.id
    raw = raw_asset(source_id)

    @dag(
        dag_id=inbox_dag_id(source_id),
        schedule=inbox_asset(source_id),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=["regiohub", "inbox", source.domain],
        doc_md=(
            f"### Inbox: {source.name}\n\nIngests files dropped into `inbox/{source_id}/` (data file first, then "
            f"the empty marker `READY`) or announced by a REST asset event on `regiohub://inbox/{source_id}` with "
            f'`{{"file": "<name>"}}`. Publisher {source.publisher}, licence {source.licence}. '
            f"Emits `{raw.uri}` when a file changed data."
        ),
        default_args={"owner": OWNER, "retries": 1, "on_failure_callback": notify_task_failure},
        params={"source_id": source_id},
    )
    def inbox_source_dag() -> None:
        @task
        def ingest_inbox(*, run_id=None, triggering_asset_events=None) -> dict[str, Any]:
            """
            #### Ingest the dropped files
            Claims the ready files (or the one a REST event names) and ingests each; payloads are kept in `landing/`.
            """
            events = [e for evs in (triggering_asset_events or {}).values() for e in evs]
            return ingest_inbox_files(source_id, run_id, requested_files(events))

        @task(outlets=[raw], inlets=[raw])
        def emit_raw_asset(result: dict[str, Any], *, outlet_events=None, inlet_events=None) -> None:
            """
            #### Emit the raw asset
            When a dropped file changed data, or (on a re-run) an earlier try loaded it but nothing announced it.
            """
            load_ids = sorted(set(result["load_ids"]) | set(unannounced(inlet_events[raw], result["never_built"])))
            if not load_ids:
                raise AirflowSkipException(f"{source_id}: no dropped file changed data")
            outlet_events[raw].extra = {"load_id": load_ids[-1], "load_ids": load_ids, "origin": "inbox"}

        emit_raw_asset(ingest_inbox())

    return inbox_source_dag()
