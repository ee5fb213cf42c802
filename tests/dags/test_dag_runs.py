"""Real DAG runs with ``dag.test()`` against the replay server and temporary data dirs."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.ingest.replay import RECORDINGS_DIR, offline
from regiohub.ingest.source import ingest_source
from regiohub.ops.pipeline import recent_runs
from regiohub.orchestration.ingest_dag import build_ingest_dag
from regiohub.registry.model import load_registry
from regiohub.store.loads import published_loads, unpublished_loads

REGISTRY = load_registry()
SOURCE_ID = "pegelonline"
MART_URI = "regiohub://mart/published"


def _task_states(dag_run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


def _try_number(dag_run, task_id: str) -> int:
    [ti] = [ti for ti in dag_run.get_task_instances() if ti.task_id == task_id]
    return ti.try_number


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


def _raw_files(data: settings.Paths, source_id: str) -> list[Path]:
    return sorted((data.raw / source_id).glob("*/*.parquet"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- ingest DAGs ---------------------------------------------------------------------------------


def test_ingest_dag_emits_raw_asset_only_when_data_changed(airflow_db, dagbag, data_dir) -> None:
    data = settings.paths(data_dir)
    dag = dagbag.dags[f"ingest_{SOURCE_ID}"]
    uri = f"regiohub://raw/{SOURCE_ID}"
    _queued_for("build_mart", clear=True)

    with offline():
        first = dag.test()
        queued_after_first = _queued_for("build_mart", clear=True)
        files_after_first = _raw_files(data, SOURCE_ID)
        second = dag.test()

    assert first.state == "success"
    assert _task_states(first) == {"ingest": "success", "emit_raw_asset": "success"}
    load_id = json.loads((data.state / f"{SOURCE_ID}.json").read_text())["last_load_id"]
    assert files_after_first and {f.stem for f in files_after_first} == {load_id}
    with duckdb.connect() as con:
        rows = con.execute("select count(*) from read_parquet(?)", [[str(f) for f in files_after_first]]).fetchall()
    assert rows[0][0] > 0
    [event] = _asset_events(uri, first)
    assert event["load_id"] == load_id and sum(event["rows"].values()) == rows[0][0]
    assert queued_after_first == {uri}  # the mart DAG is due

    # Same payload again: the load is "unchanged", the emit task is skipped and no event is recorded.
    assert second.state == "success"
    assert _task_states(second) == {"ingest": "success", "emit_raw_asset": "skipped"}
    assert _asset_events(uri, second) == []
    assert _queued_for("build_mart") == set()
    assert _raw_files(data, SOURCE_ID) == files_after_first


def test_failed_ingest_emits_no_asset(airflow_db, data_dir, tmp_path) -> None:
    data = settings.paths(data_dir)
    dag = build_ingest_dag(REGISTRY.source(SOURCE_ID))
    dag.task_dict["ingest"].retries = 0  # fail at once instead of waiting for the backoff

    with offline(root=tmp_path / "no-recordings"):  # the publisher answers 404
        run = dag.test()

    assert run.state == "failed"
    assert _task_states(run) == {"ingest": "failed", "emit_raw_asset": "upstream_failed"}
    assert _asset_events(f"regiohub://raw/{SOURCE_ID}", run) == []
    assert _raw_files(data, SOURCE_ID) == []
    assert "404" in json.loads((data.state / f"{SOURCE_ID}.json").read_text())["last_error"]


# --- mart DAG ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published_by_dags(airflow_db, dagbag, tmp_path_factory) -> Iterator[tuple[settings.Paths, dict]]:
    """Every ingest DAG, then ``build_mart``, run once on an empty data dir (treat as read-only)."""
    data = settings.paths(tmp_path_factory.mktemp("dags-data"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REGIOHUB_DATA_DIR", str(data.data_dir))
        _queued_for("build_mart", clear=True)
        with offline():
            ingests = {s.id: dagbag.dags[f"ingest_{s.id}"].test() for s in REGISTRY.sources}
        queued = _queued_for("build_mart", clear=True)
        with _task_log("regiohub.build_mart") as mart_log:
            mart = dagbag.dags["build_mart"].test()
    yield data, {"ingests": ingests, "queued": queued, "mart": mart, "mart_log": mart_log}


@contextlib.contextmanager
def _task_log(logger: str) -> Iterator[list[str]]:
    """The messages a task logs through ``logger`` (what Airflow writes to the task log)."""
    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger(logger).addHandler(handler)
    try:
        yield lines
    finally:
        logging.getLogger(logger).removeHandler(handler)


def test_mart_dag_publishes_after_all_sources_are_ingested(published_by_dags) -> None:
    data, runs = published_by_dags
    assert {sid: _task_states(r)["emit_raw_asset"] for sid, r in runs["ingests"].items()} == {
        s.id: "success" for s in REGISTRY.sources
    }
    assert runs["queued"] == {f"regiohub://raw/{s.id}" for s in REGISTRY.sources}

    mart = runs["mart"]
    assert mart.state == "success", _task_states(mart)
    assert _task_states(mart) == {t: "success" for t in ("build_candidate", "validate_candidate", "publish_candidate")}
    assert data.published.is_file()
    with duckdb.connect(str(data.published), read_only=True) as con:
        [(snapshot_id, run_id)] = con.execute("select snapshot_id, run_id from meta_snapshot").fetchall()
        sources = {r[0] for r in con.execute("select source_id from dim_source").fetchall()}
    assert run_id == mart.run_id and sources == {s.id for s in REGISTRY.sources}
    [event] = _asset_events(MART_URI, mart)
    assert event["snapshot_id"] == snapshot_id and event["tables"]["fct_indicator_value"] > 0
    assert list(data.build.glob("candidate-*.duckdb")) == []  # the published candidate is removed
    last = recent_runs(data, limit=1)[0]
    assert (last["run_id"], last["outcome"], last["snapshot_id"]) == (mart.run_id, "published", snapshot_id)


def test_dbt_reports_every_node_in_the_task_log_and_keeps_a_log_per_build(published_by_dags) -> None:
    data, runs = published_by_dags
    nodes = [m.groups() for line in runs["mart_log"] if (m := re.fullmatch(r"dbt (\d+)/(\d+) (\w+) \S+", line))]
    by_total: dict[str, list[int]] = {}
    for done, total, _status in nodes:
        by_total.setdefault(total, []).append(int(done))
    assert len(by_total) == 2  # the models, then the tests
    for total, done in by_total.items():
        assert sorted(done) == list(range(1, int(total) + 1))  # every node of both dbt invocations, once
    [log] = (data.build / "logs").glob("*.dbt.log")  # this build's own log, not overwritten by the next
    text = log.read_text(encoding="utf-8")
    assert text.count("Finished running") == 2 and "fct_indicator_value" in text


def test_mart_dag_holds_back_the_source_the_gate_rejects(
    published_by_dags, dagbag, tmp_path, monkeypatch
) -> None:
    """An implausible water level passes ingestion but not the audit gate: the build task traces it to
    PEGELONLINE, builds again without that load and the DAG publishes the rest (issue 22)."""
    data = settings.paths(tmp_path / "data")
    shutil.copytree(published_by_dags[0].data_dir, data.data_dir)
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data.data_dir))
    before = published_loads(data)
    bad = tmp_path / "pegel"
    shutil.copytree(RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2", bad)
    measurements = next(bad.glob("stations/*/W/measurements.json"))
    series = json.loads(measurements.read_text())
    for item in series[-96:]:
        item["value"] = 2500  # cm: within the physical range checked at ingestion, above the gate's 1500
    measurements.write_text(json.dumps(series))
    assert ingest_source(SOURCE_ID, from_path=bad, data=data).status == "loaded"

    run = dagbag.dags["build_mart"].test()

    assert run.state == "success"
    assert set(_task_states(run).values()) == {"success"}
    assert published_loads(data)[SOURCE_ID] == before[SOURCE_ID]  # held back at its last published load
    assert SOURCE_ID in unpublished_loads(data)
    last = recent_runs(data, limit=1)[0]
    assert (last["run_id"], last["outcome"]) == (run.run_id, "published")
    [held] = last["source_failures"]
    assert held["source_id"] == SOURCE_ID and "expect_column_values_to_be_between" in held["line"]
