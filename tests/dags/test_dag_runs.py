"""Real DAG runs with ``dag.test()`` against the replay server and a temporary data dir."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import duckdb
import pytest

from regiohub.orchestration.ingest_dag import build_ingest_dag
from regiohub.registry import load_registry
from regiohub.replay import offline

REGISTRY = load_registry()
SOURCE_ID = "pegelonline"


def _pipeline_missing() -> str | None:
    try:
        importlib.import_module("regiohub.pipeline").build_and_publish  # noqa: B018
    except (ImportError, AttributeError) as exc:
        return f"regiohub.pipeline.build_and_publish is not available yet ({exc})"
    return None


def _task_states(dag_run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


def _asset_events(uri: str, dag_run) -> list[dict]:
    """Extras of the events of asset ``uri`` emitted by ``dag_run``."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        query = (
            select(AssetEvent.extra)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .where(AssetModel.uri == uri, AssetEvent.source_run_id == dag_run.run_id)
        )
        return list(session.scalars(query))


def _queued_for(dag_id: str, *, clear: bool = False) -> set[str]:
    """URIs of the asset events waiting to trigger ``dag_id``; optionally empty the queue."""
    from airflow.models.asset import AssetDagRunQueue, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import delete, select

    with create_session() as session:
        query = (
            select(AssetModel.uri)
            .join(AssetDagRunQueue, AssetDagRunQueue.asset_id == AssetModel.id)
            .where(AssetDagRunQueue.target_dag_id == dag_id)
        )
        uris = set(session.scalars(query))
        if clear:
            session.execute(delete(AssetDagRunQueue).where(AssetDagRunQueue.target_dag_id == dag_id))
    return uris


def _raw_files(data_dir, source_id: str) -> list[Path]:
    return sorted((data_dir.raw / source_id).glob("*/*.parquet"))


def test_ingest_dag_emits_raw_asset_only_when_data_changed(airflow_db, dagbag, data_dir) -> None:
    dag = dagbag.dags[f"ingest_{SOURCE_ID}"]
    uri = f"regiohub://raw/{SOURCE_ID}"
    _queued_for("build_mart", clear=True)

    with offline():
        first = dag.test()
        queued_after_first = _queued_for("build_mart", clear=True)
        files_after_first = _raw_files(data_dir, SOURCE_ID)
        second = dag.test()

    assert first.state == "success"
    assert _task_states(first) == {"ingest": "success", "emit_raw_asset": "success"}
    load_id = json.loads((data_dir.state / f"{SOURCE_ID}.json").read_text())["last_load_id"]
    assert files_after_first and {f.stem for f in files_after_first} == {load_id}
    rows = duckdb.sql(f"select count(*) from read_parquet({[str(f) for f in files_after_first]!r})").fetchone()[0]
    assert rows > 0
    [event] = _asset_events(uri, first)
    assert event["load_id"] == load_id and sum(event["rows"].values()) == rows
    assert queued_after_first == {uri}  # the mart DAG is due

    # Same payload again: the load is "unchanged", the emit task is skipped and no event is recorded.
    assert second.state == "success"
    assert _task_states(second) == {"ingest": "success", "emit_raw_asset": "skipped"}
    assert _asset_events(uri, second) == []
    assert _queued_for("build_mart") == set()
    assert _raw_files(data_dir, SOURCE_ID) == files_after_first


def test_failed_ingest_emits_no_asset(airflow_db, data_dir, tmp_path) -> None:
    dag = build_ingest_dag(REGISTRY.source(SOURCE_ID))
    dag.task_dict["ingest"].retries = 0  # fail at once instead of waiting for the backoff

    with offline(root=tmp_path / "no-recordings"):  # the publisher answers 404
        run = dag.test()

    assert run.state == "failed"
    assert _task_states(run) == {"ingest": "failed", "emit_raw_asset": "upstream_failed"}
    assert _asset_events(f"regiohub://raw/{SOURCE_ID}", run) == []
    assert _raw_files(data_dir, SOURCE_ID) == []
    state = json.loads((data_dir.state / f"{SOURCE_ID}.json").read_text())
    assert "404" in state["last_error"]


@pytest.mark.skipif(_pipeline_missing() is not None, reason=_pipeline_missing() or "")
def test_mart_dag_publishes_after_all_sources_are_ingested(airflow_db, dagbag, data_dir) -> None:
    _queued_for("build_mart", clear=True)
    with offline():
        ingests = {s.id: dagbag.dags[f"ingest_{s.id}"].test() for s in REGISTRY.sources}
    assert {sid: _task_states(run)["emit_raw_asset"] for sid, run in ingests.items()} == {
        s.id: "success" for s in REGISTRY.sources
    }
    assert _queued_for("build_mart") == {f"regiohub://raw/{s.id}" for s in REGISTRY.sources}

    run = dagbag.dags["build_mart"].test()

    assert run.state == "success", _task_states(run)
    assert data_dir.published.is_file()
    with duckdb.connect(str(data_dir.published), read_only=True) as con:
        assert con.execute("select count(*) from meta_snapshot").fetchone()[0] == 1
        sources = {r[0] for r in con.execute("select source_id from dim_source").fetchall()}
    assert sources == {s.id for s in REGISTRY.sources}
    assert len(_asset_events("regiohub://mart/published", run)) == 1
