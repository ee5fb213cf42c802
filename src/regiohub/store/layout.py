"""The layout of the data folder: every file and folder name below its roots, spelled once.

The roots (``landing/``, ``raw/``, ``state/``, ``build/``, ``published/``, ``runs/``, ``inbox*/``) are
:class:`regiohub.core.settings.Paths`; everything below them is named here. Modules outside
:mod:`regiohub.store` ask these functions (or the store functions that read and write the files) for a
place; they never join a name onto a data-folder path themselves::

    landing/<source>/<load>/                  payloads as fetched
    raw/<source>/<entity>/<load>.parquet      parsed rows, one file per load
    raw/<source>/_loads/<load>.json           the load ledger (provenance)
    quarantine/<source>/<entity>/<load>.parquet
    state/<source>.json                       per-source state
    build/<candidate>.duckdb, build/raw_view/, build/registry/, build/dbt_target/, build/incremental/
    published/regiohub.duckdb, published/snapshots/, published/exports/<snapshot>/, published/parquet,
      published/catalog.ttl
    runs/history.sqlite3, runs/ingest_log.jsonl, runs/validations/, runs/gx/data_docs/, runs/alerts/
    outbox/, spool/mqtt/<source>/, reference/regions.csv
"""

from __future__ import annotations

from pathlib import Path

from regiohub.core.settings import Paths

LEDGER = "_loads"  # beside a source's entity folders in raw/: not an entity
RAW_VIEW = "raw_view"
KEPT = "snapshots"
EXPORTS = "exports"
INCOMING = ".incoming-"  # a publish being written
PARQUET_LINK = "parquet"


# --- landing, raw, quarantine, state -------------------------------------------------------------------


def landing_dir(data: Paths, source_id: str, load_id: str) -> Path:
    return data.landing / source_id / load_id


def raw_source_dir(data: Paths, source_id: str) -> Path:
    return data.raw / source_id


def raw_entity_dir(data: Paths, source_id: str, entity: str) -> Path:
    return data.raw / source_id / entity


def raw_file(data: Paths, source_id: str, entity: str, load_id: str) -> Path:
    return raw_entity_dir(data, source_id, entity) / f"{load_id}.parquet"


def ledger_dir(data: Paths, source_id: str) -> Path:
    return data.raw / source_id / LEDGER


def quarantine_root(data: Paths) -> Path:
    return data.data_dir / "quarantine"


def quarantine_file(data: Paths, source_id: str, entity: str, load_id: str) -> Path:
    return quarantine_root(data) / source_id / entity / f"{load_id}.parquet"


def state_file(data: Paths, source_id: str) -> Path:
    return data.state / f"{source_id}.json"


def ingest_lock_file(data: Paths, source_id: str) -> Path:
    return data.state / f".{source_id}.ingest.lock"


def inbox_dir(data: Paths, source_id: str) -> Path:
    """A partner's drop folder (the partner writes here, the platform claims from it)."""
    return data.inbox / source_id


def claim_dir(data: Paths, source_id: str, claim_id: str) -> Path:
    return data.claims / source_id / claim_id


def rejected_dir(data: Paths, source_id: str) -> Path:
    return data.rejected / source_id


def spool_dir(data: Paths, source_id: str) -> Path:
    return data.data_dir / "spool" / "mqtt" / source_id


def regions_reference(data: Paths) -> Path:
    return data.data_dir / "reference" / "regions.csv"


# --- build -----------------------------------------------------------------------------------------------


def candidate_file(data: Paths, name: str) -> Path:
    return data.build / name


def build_lock_file(data: Paths) -> Path:
    return data.build / ".build.lock"


def raw_view_dir(data: Paths) -> Path:
    return data.build / RAW_VIEW


def registry_export_dir(data: Paths) -> Path:
    return data.build / "registry"


def dbt_target_dir(data: Paths) -> Path:
    return data.build / "dbt_target"


def dbt_manifest(data: Paths) -> Path:
    """dbt's manifest of the newest build."""
    return dbt_target_dir(data) / "manifest.json"


def dbt_run_results(data: Paths) -> Path:
    return dbt_target_dir(data) / "run_results.json"


def dbt_log_dir(data: Paths) -> Path:
    return data.build / "dbt_logs"


def build_log_dir(data: Paths) -> Path:
    return data.build / "logs"


def incremental_dir(data: Paths) -> Path:
    return data.build / "incremental"


def full_build_marker(data: Paths) -> Path:
    return data.build / "full-build-requested"


def dbt_candidate_link(data: Paths) -> Path:
    return data.build / "dbt_candidate.duckdb"


# --- published -------------------------------------------------------------------------------------------


def incoming_file(data: Paths, snapshot_id: str) -> Path:
    return data.published_dir / f"{INCOMING}{snapshot_id}.duckdb"


def rollback_incoming_file(data: Paths, snapshot_id: str) -> Path:
    return data.published_dir / f"{INCOMING}rollback-{snapshot_id}.duckdb"


def publish_lock_file(data: Paths) -> Path:
    return data.published_dir / ".publish.lock"


def kept_dir(data: Paths) -> Path:
    return data.published_dir / KEPT


def kept_file(data: Paths, snapshot_id: str) -> Path:
    return kept_dir(data) / f"{snapshot_id}.duckdb"


def exports_root(data: Paths) -> Path:
    return data.published_dir / EXPORTS


def exports_dir(data: Paths, snapshot_id: str) -> Path:
    """Every table of one snapshot as ``<table>.parquet``."""
    return exports_root(data) / snapshot_id


def parquet_link(data: Paths) -> Path:
    """``published/parquet``: a symlink to the current snapshot's exports."""
    return data.published_dir / PARQUET_LINK


def catalog_file(data: Paths) -> Path:
    return data.published_dir / "catalog.ttl"


# --- runs and other outputs ------------------------------------------------------------------------------


def run_history(data: Paths) -> Path:
    return data.runs / "history.sqlite3"


def run_lock_file(data: Paths) -> Path:
    return data.runs / ".run.lock"


def ingest_log(data: Paths) -> Path:
    """One JSON line per ingest attempt."""
    return data.runs / "ingest_log.jsonl"


def validations_dir(data: Paths) -> Path:
    """One JSON file per gate run (``<timestamp>.json``)."""
    return data.runs / "validations"


def data_docs_dir(data: Paths) -> Path:
    return data_docs_in(data.runs)


def data_docs_in(runs_dir: Path) -> Path:
    """The Great Expectations Data Docs folder of a runs folder."""
    return runs_dir / "gx" / "data_docs"


def alerts_dir(data: Paths) -> Path:
    return data.runs / "alerts"


def freshness_file(data: Paths) -> Path:
    return data.runs / "freshness.json"


def deliveries_ledger(data: Paths) -> Path:
    return data.runs / "deliveries.sqlite3"


def openlineage_log(data: Paths) -> Path:
    return data.runs / "openlineage.jsonl"


def crashpoint_marker(data: Paths, point: str) -> Path:
    return data.runs / f"crashpoint-{point.replace(':', '_')}"


def outbox_dir(data: Paths) -> Path:
    return data.data_dir / "outbox"
