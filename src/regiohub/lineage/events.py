"""OpenLineage RunEvents for one published snapshot: ingest (publisher URL → raw), dbt build (raw → mart),
publish (mart → published file and Parquet exports).

The events are emitted by :func:`emit_snapshot_lineage` right after each publish, reconstructed from what
the published snapshot records (its loads in ``dim_load``, read as the API and the dashboard read them, its
tables, the candidate); run ids are derived from load id, candidate and snapshot id, so the same step always
has the same run id. Transport:
``REGIOHUB_OPENLINEAGE_URL`` (HTTP, e.g. Marquez), else a JSON-lines file ``REGIOHUB_OPENLINEAGE_FILE``
(default ``runs/openlineage.jsonl``); ``REGIOHUB_OPENLINEAGE=off`` disables it.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import dataset_version_dataset

from regiohub.core import duckdb_settings, settings
from regiohub.lineage.loads import load_provenance
from regiohub.store.layout import openlineage_log

NAMESPACE = "regiohub"
PRODUCER = "https://github.com/regiohub/regiohub"
RUN_NS = uuid.UUID("6f1c2f7e-7a34-4c55-9a41-2f0d1f4e9b10")


def client(data: settings.Paths) -> OpenLineageClient | None:
    if os.environ.get("REGIOHUB_OPENLINEAGE", "").lower() == "off":
        return None
    url = os.environ.get("REGIOHUB_OPENLINEAGE_URL")
    if url:
        return OpenLineageClient(config={"transport": {"type": "http", "url": url}})
    path = Path(os.environ.get("REGIOHUB_OPENLINEAGE_FILE") or openlineage_log(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    return OpenLineageClient(config={"transport": {"type": "file", "log_file_path": str(path), "append": True}})


def _version(value: str) -> dict:
    return {"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=value)}


def raw_dataset(source_id: str, entity: str) -> tuple[str, str]:
    return "file://regiohub", f"raw/{source_id}/{entity}"


def _pair(job: str, run_id: str, start: datetime, end: datetime, inputs: list[InputDataset],
          outputs: list[OutputDataset]) -> list[RunEvent]:
    run, job_ = Run(runId=run_id), Job(namespace=NAMESPACE, name=job)
    return [RunEvent(eventType=RunState.START, eventTime=start.isoformat(), run=run, job=job_, producer=PRODUCER,
                     inputs=inputs, outputs=[]),
            RunEvent(eventType=RunState.COMPLETE, eventTime=end.isoformat(), run=run, job=job_, producer=PRODUCER,
                     inputs=inputs, outputs=outputs)]


def _origin_dataset(load: dict) -> InputDataset:
    """Where a load came from: the publisher's URL for a fetch (live, or replayed from a recording of that URL);
    an operator's file (``--from``, inbox) is that file — never the live URL it did not come from."""
    facets = _version(load.get("payload_sha256") or "")
    if load.get("origin") == "operator":
        name = load.get("operator_file") or load.get("payload_sha256") or load["load_id"]
        return InputDataset(namespace=f"file://operator/{load['source_id']}", name=name, facets=facets)
    url = urlsplit(load.get("publisher_url") or f"unknown://{load['source_id']}")
    return InputDataset(namespace=f"{url.scheme}://{url.netloc}", name=url.path or "/", facets=facets)


def snapshot_events(data: settings.Paths, snapshot_id: str, candidate: Path) -> list[RunEvent]:
    """The events connecting publisher → raw → mart → published for the published ``snapshot_id``."""
    with duckdb_settings.connect(data.published, read_only=True) as con:
        published_at = con.execute("SELECT published_at FROM meta_snapshot").fetchone()[0]
        last = [r[0] for r in con.execute("SELECT last_load_id FROM dim_source WHERE last_load_id IS NOT NULL")
                .fetchall()]
        loads = [load for load in load_provenance(con, last) if load["source_id"] is not None]
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    events, raw_inputs = [], []
    for load in loads:
        source_id, load_id = load["source_id"], load["load_id"]
        outputs = []
        for entity in sorted(load["rows"]):
            ns, name = raw_dataset(source_id, entity)
            outputs.append(OutputDataset(namespace=ns, name=name, facets=_version(load_id)))
            raw_inputs.append(InputDataset(namespace=ns, name=name, facets=_version(load_id)))
        fetched = load["fetched_at"] or published_at  # the ledger records when, not how long
        events += _pair(f"ingest.{source_id}", str(uuid.uuid5(RUN_NS, load_id)), fetched, fetched,
                        [_origin_dataset(load)], outputs)
    built = datetime.fromtimestamp(candidate.stat().st_mtime, UTC) if candidate.exists() else published_at
    mart = [OutputDataset(namespace="duckdb://regiohub/build", name=f"main.{t}", facets=_version(candidate.name))
            for t in tables if t != "meta_snapshot"]
    events += _pair("dbt.build", str(uuid.uuid5(RUN_NS, candidate.name)), min(built, published_at), built,
                    raw_inputs, mart)
    published = [OutputDataset(namespace="duckdb://regiohub/published", name=f"main.{t}", facets=_version(snapshot_id))
                 for t in tables]
    published += [OutputDataset(namespace="file://regiohub", name=f"published/exports/{snapshot_id}/{t}.parquet")
                  for t in tables]
    events += _pair("publish", str(uuid.uuid5(RUN_NS, snapshot_id)), published_at, published_at,
                    [InputDataset(namespace=d.namespace, name=d.name, facets=d.facets) for d in mart], published)
    return events


def emit_snapshot_lineage(data: settings.Paths, snapshot_id: str, candidate: Path) -> int:
    """Emit the snapshot's events on the configured transport; returns how many were emitted."""
    ol = client(data)
    if ol is None:
        return 0
    events = snapshot_events(data, snapshot_id, candidate)
    for event in events:
        ol.emit(event)
    return len(events)
