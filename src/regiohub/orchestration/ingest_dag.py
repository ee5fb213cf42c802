"""The ingest DAG of one registered source: ``ingest`` → ``emit_raw_asset``.

``ingest`` loads the source (retried with exponential backoff). ``emit_raw_asset`` carries the
source's raw asset as outlet and skips itself when the load found the payload unchanged: Airflow
records asset events only for tasks that end in success, so the mart is triggered by changes only.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.sdk import DAG, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from regiohub.orchestration.assets import raw_asset
from regiohub.orchestration.callbacks import last_load, notify_task_failure
from regiohub.orchestration.defaults import INGEST_RETRIES, OWNER, START_DATE
from regiohub.orchestration.reemit import unannounced
from regiohub.registry.model import Source

log = logging.getLogger(__name__)


def ingest_dag_id(source_id: str) -> str:
    return f"ingest_{source_id}"


def ingest_locked(source_id: str, **kwargs: Any) -> Any:
    """``ingest_source`` under the source's lock: the scheduled poll and an inbox load never interleave."""
    from regiohub.core import settings
    from regiohub.ingest.source import ingest_source
    from regiohub.store.locks import ingest_lock

    data = settings.paths().ensure()
    with ingest_lock(data, source_id):
        try:
            result = ingest_source(source_id, data=data, **kwargs)
        except Exception as exc:
            failed = last_load(source_id, data)
            log.error("%s: load %s failed: %s (payload kept in %s)", source_id, failed.get("load_id"), exc,
                      failed.get("payload_dir"))
            raise
    log.info("%s: load %s %s, rows %s", source_id, result.load_id, result.status, result.rows)
    return result


def history_range(source: Source, dag_run: Any, logical_date: Any, start: Any, end: Any) -> tuple | None:
    """The date range a backfill run fetches, None for a run that polls now; skips a source without history."""
    from regiohub.orchestration import history

    if dag_run is None or not history.is_history_run(dag_run.run_type, logical_date, source.schedule):
        return None
    win = history.window(source.schedule, logical_date, start, end)
    why = history.no_history(source, win)
    if why:
        log.warning("%s", why)
        raise AirflowSkipException(why)
    log.info("%s: backfill run %s fetches %s", source.id, dag_run.run_id, win)
    return win.as_range()


def ingest_doc(source: Source) -> str:
    """Markdown shown on the DAG's page: what is loaded, from whom, under which licence."""
    rows = {
        "Source id": f"`{source.id}`",
        "Domain": source.domain,
        "Publisher": source.publisher,
        "Licence": f"[{source.licence}]({source.licence_url})",
        "Attribution": source.attribution,
        "Schedule": f"`{source.schedule}`",
        "Emits": f"`{raw_asset(source.id).uri}` when a load changed data",
        "Owner": OWNER,
        "Retries": f"{INGEST_RETRIES['retries']}, exponential backoff from {INGEST_RETRIES['retry_delay']}",
        "Inbox": f"`inbox/{source.id}/` (data file, then `READY`) → DAG `inbox_{source.id}`",
    }
    table = "\n".join(f"| {key} | {_escape_cell(value)} |" for key, value in rows.items())
    doc = f"### Ingest: {source.name}\n\n{source.description}\n\n| | |\n|---|---|\n{table}"
    return doc


def _escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def build_ingest_dag(source: Source) -> DAG:
    """Create the ingest DAG of ``source`` (dag_id ``ingest_<source_id>``)."""
    source_id = source.id
    asset = raw_asset(source_id)
    tags = ["regiohub", "ingest", source.domain]

    @dag(
        dag_id=ingest_dag_id(source_id),
        schedule=source.schedule,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=tags,
        doc_md=ingest_doc(source),
        default_args={"owner": OWNER, "on_failure_callback": notify_task_failure},
        params={"source_id": source_id},
    )
    def ingest_source_dag() -> None:
        @task(**INGEST_RETRIES)
        def ingest(*, dag_run=None, logical_date=None, data_interval_start=None, data_interval_end=None) -> dict:
            """
            #### Ingest
            Fetch the payload, keep it in `landing/`, write raw Parquet if it differs from the last load
            (`regiohub.ingest.source.ingest_source`). Returns status (`loaded` or `unchanged`), load id and row counts.
            A backfill run fetches the days of its logical date where the source allows a range, and is
            skipped ("no history for …") where it does not (`regiohub.orchestration.history`).
            """
            from regiohub.core import settings
            from regiohub.store.loads import never_built

            backfill = history_range(source, dag_run, logical_date, data_interval_start, data_interval_end)
            result = ingest_locked(source_id, backfill=backfill)
            again = never_built(settings.paths(), source_id, [result.holds_load]) if result.holds_load else []
            return {"status": result.status, "load_id": result.load_id, "rows": result.rows,
                    "superseded_by": result.superseded_by, "never_built": again}

        @task(outlets=[asset], inlets=[asset])
        def emit_raw_asset(result: dict[str, Any], *, outlet_events=None, inlet_events=None) -> None:
            """
            #### Emit the raw asset
            Succeeds, and so emits the source's raw asset, only when the load changed data;
            skipped when the payload was unchanged.
            """
            if result.get("superseded_by"):
                raise AirflowSkipException(f"{source_id}: older version than load {result['superseded_by']}: "
                                           "kept, not published")
            again = unannounced(inlet_events[asset], result.get("never_built") or [])
            if again:  # a re-run: an earlier try loaded the payload, but no event announced it
                outlet_events[asset].extra = {"load_id": again[-1], "load_ids": again, "again": True}
                return
            if result["status"] != "loaded":
                raise AirflowSkipException(f"{source_id}: payload unchanged, no asset event")
            outlet_events[asset].extra = {"load_id": result["load_id"], "rows": result["rows"]}

        emit_raw_asset(ingest())

    return ingest_source_dag()
