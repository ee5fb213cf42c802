"""The ingest DAG of one registered source: ``ingest`` → ``emit_raw_asset``.

``ingest`` loads the source (retried with exponential backoff). ``emit_raw_asset`` carries the
source's raw asset as outlet and skips itself when the load found the payload unchanged: Airflow
records asset events only for tasks that end in success, so the mart is triggered by changes only.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from regiohub.orchestration.assets import raw_asset
from regiohub.orchestration.defaults import INGEST_RETRIES, OWNER, START_DATE
from regiohub.registry import Source


def ingest_dag_id(source_id: str) -> str:
    return f"ingest_{source_id}"


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
    }
    table = "\n".join(f"| {key} | {_escape_cell(value)} |" for key, value in rows.items())
    doc = f"### Ingest: {source.name}\n\n{source.description}\n\n| | |\n|---|---|\n{table}"
    if source.sample_data:
        doc += "\n\n**Beispieldaten:** the shipped payloads hold plausible, not real, values."
    return doc


def _escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def build_ingest_dag(source: Source) -> DAG:
    """Create the ingest DAG of ``source`` (dag_id ``ingest_<source_id>``)."""
    source_id = source.id
    asset = raw_asset(source_id)
    tags = ["regiohub", "ingest", source.domain] + (["beispieldaten"] if source.sample_data else [])

    @dag(
        dag_id=ingest_dag_id(source_id),
        schedule=source.schedule,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=tags,
        doc_md=ingest_doc(source),
        default_args={"owner": OWNER},
    )
    def ingest_source_dag() -> None:
        @task(**INGEST_RETRIES)
        def ingest() -> dict[str, Any]:
            """
            #### Ingest
            Fetch the payload, keep it in `landing/`, write raw Parquet if it differs from the last load
            (`regiohub.ingest.ingest_source`). Returns status (`loaded` or `unchanged`), load id and row counts.
            """
            from regiohub.ingest import ingest_source

            result = ingest_source(source_id)
            return {"status": result.status, "load_id": result.load_id, "rows": result.rows}

        @task(outlets=[asset])
        def emit_raw_asset(result: dict[str, Any], *, outlet_events=None) -> None:
            """
            #### Emit the raw asset
            Succeeds, and so emits the source's raw asset, only when the load changed data;
            skipped when the payload was unchanged.
            """
            if result["status"] != "loaded":
                raise AirflowSkipException(f"{source_id}: payload unchanged, no asset event")
            outlet_events[asset].extra = {"load_id": result["load_id"], "rows": result["rows"]}

        emit_raw_asset(ingest())

    return ingest_source_dag()
