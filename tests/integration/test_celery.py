"""Beyond one machine: Airflow's CeleryExecutor with two real workers, Redis as broker, PostgreSQL as backend.

Scheduler, api-server, dag-processor, triggerer and two ``airflow celery worker`` processes (concurrency 1
each, their own names) on a fresh PostgreSQL metadata DB; the broker's keys live in their own Redis
database under a random prefix, so concurrent test sessions do not share queues. The ingest DAGs run
offline against the replay server. Slow: an Airflow start-up of its own (the other integration tests run
on the LocalExecutor), ten ingest runs and one mart build (17.5 min on the 2-core machine at load 30).
"""

from __future__ import annotations

import contextlib
import shutil
import time
import uuid
from collections.abc import Iterator

import duckdb
import pytest

from regiohub.core import settings
from regiohub.orchestration.executors import MART_POOL, celery_env, start_worker
from regiohub.registry.model import load_registry

from .conftest import PG_HOST, PG_PORT, PG_USER, AirflowApi, Stack, _pg, wait_for

BROKER_DB = 13  # the broker's own Redis database (other tests use database 0)
SOURCES = tuple(s.id for s in load_registry().sources)


def _worker_ready(stack, name: str) -> bool:
    log = stack.home / "logs" / "components" / f"worker-{name}.log"
    return log.exists() and f"{name} ready" in log.read_text(errors="replace")


@pytest.fixture(scope="module")
def celery_stack(services, demo_data_dir, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Airflow with the CeleryExecutor and two workers over a copy of the offline demo data dir."""
    import redis as redis_lib

    from regiohub.ingest.replay import offline
    from regiohub.orchestration.local import AirflowStack, free_port

    base = tmp_path_factory.mktemp("airflow-celery")
    data = settings.paths(base / "data")
    shutil.copytree(demo_data_dir, data.data_dir)
    token = uuid.uuid4().hex[:8]
    db, prefix = f"regiohub_it_{token}", f"regiohub_it_{token}:"
    broker = redis_lib.Redis(host="127.0.0.1", port=6379, db=BROKER_DB)
    with contextlib.closing(_pg()) as con:
        con.cursor().execute(f'create database "{db}"')
    db_url = f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}"
    stack = AirflowStack(
        home=base / "airflow", data_dir=data.data_dir, port=free_port(), fast=True,
        log_ports=(free_port(), free_port()), db_url=db_url,
        extra_env=celery_env(f"redis://127.0.0.1:6379/{BROKER_DB}", f"db+{db_url}", key_prefix=prefix),
    )
    workers = (f"a-{token}", f"b-{token}")
    try:
        with offline():  # the replay server's URL reaches the workers through their environment
            stack.migrate()
            stack.start()
            for name in workers:
                start_worker(stack, name, log_port=free_port())
            stack.wait_until_healthy()
            wait_for(lambda: all(_worker_ready(stack, n) for n in workers), 120, "both Celery workers")
            api = AirflowApi(stack.base_url, "regiohub", stack.password())
            wanted = {"build_mart", *(f"ingest_{s}" for s in SOURCES)}
            wait_for(lambda: {d["dag_id"] for d in api.request("GET", "/dags", params={"limit": 100})["dags"]}
                     >= wanted, 120, "the DAGs to be parsed")
            result = Stack(stack, api, data, broker)
            result.db, result.workers = db, workers
            yield result
    finally:
        stack.stop()
        for key in broker.scan_iter(f"{prefix}*"):
            broker.delete(key)
        with contextlib.closing(_pg()) as con:
            con.cursor().execute(f'drop database if exists "{db}" with (force)')


def _task_instances(db: str, dag_prefix: str) -> list[dict]:
    with contextlib.closing(_pg(db)) as con, con.cursor() as cur:
        cur.execute(
            "select dag_id, run_id, task_id, state, hostname, pool, queue, try_number, start_date, end_date "
            "from task_instance where dag_id like %s order by start_date", [f"{dag_prefix}%"],
        )
        names = [c.name for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def _runs(db: str, dag_prefix: str) -> dict[str, list[tuple[str, str]]]:
    """``dag_id`` → ``[(run_id, state)]`` of the DAGs starting with ``dag_prefix``, from the metadata DB."""
    with contextlib.closing(_pg(db)) as con, con.cursor() as cur:
        cur.execute("select dag_id, run_id, state from dag_run where dag_id like %s order by id", [f"{dag_prefix}%"])
        out: dict[str, list[tuple[str, str]]] = {}
        for dag_id, run_id, state in cur.fetchall():
            out.setdefault(dag_id, []).append((run_id, state))
        return out


def _all_finished(db: str, dag_ids: set[str]) -> dict[str, list[tuple[str, str]]]:
    runs = {dag_id: r for dag_id, r in _runs(db, "").items() if dag_id in dag_ids}
    done = set(runs) == dag_ids and all(state in ("success", "failed") for r in runs.values() for _, state in r)
    return runs if done else {}


def test_ingest_spreads_over_both_workers_and_the_mart_is_published_once(celery_stack) -> None:
    stack, api = celery_stack, celery_stack.api
    ingest_dags = {f"ingest_{s}" for s in SOURCES}
    for dag_id in sorted(ingest_dags):  # unpaused, each source's DAG runs once at once (its latest interval)
        api.request("PATCH", f"/dags/{dag_id}", json={"is_paused": False})

    ingest_runs = stack.wait_for(lambda: _all_finished(stack.db, ingest_dags), 600, "the ingest runs")
    api.request("PATCH", "/dags/build_mart", json={"is_paused": False})
    build_run = api.request("POST", "/dags/build_mart/dagRuns", json={"logical_date": None})["dag_run_id"]
    stack.wait_for(lambda: _all_finished(stack.db, {"build_mart"}), 600, "the mart build")
    time.sleep(5)  # a second build (started by an asset event of the ingests) would be queued by now
    states = {dag_id: [state for _, state in runs] for dag_id, runs in ingest_runs.items()}
    ingest_runs = {dag_id: runs[0][0] for dag_id, runs in ingest_runs.items()}

    assert {state for runs in states.values() for state in runs} == {"success"}, states
    ingest = [ti for ti in _task_instances(stack.db, "ingest_") if ti["run_id"] == ingest_runs[ti["dag_id"]]]
    assert {ti["task_id"] for ti in ingest} >= {"ingest", "emit_raw_asset"}
    per_worker = {name: sorted(ti["dag_id"] for ti in ingest if ti["task_id"] == "ingest" and ti["hostname"] == name)
                  for name in stack.workers}
    print("ingest tasks per worker:", {name: len(dags) for name, dags in per_worker.items()})
    assert all(per_worker.values()), per_worker  # both workers took ingest tasks …
    assert sum(map(len, per_worker.values())) == len(SOURCES)  # … and nothing else ran them
    assert {ti["queue"] for ti in ingest} == {"default"}

    mart = _task_instances(stack.db, "build_mart")
    assert [r["dag_run_id"] for r in api.runs("build_mart")] == [build_run]  # unchanged payloads start no build
    assert {ti["pool"] for ti in mart} == {MART_POOL} and {ti["state"] for ti in mart} == {"success"}
    assert {ti["hostname"] for ti in mart} <= set(stack.workers)
    [publish] = [ti for ti in mart if ti["task_id"] == "publish_candidate"]  # exactly one publish …
    assert publish["try_number"] == 1
    mart.sort(key=lambda ti: ti["start_date"])
    for before, after in zip(mart, mart[1:]):  # … and the mart's tasks one after another
        assert after["start_date"] >= before["end_date"], (before, after)
    with duckdb.connect(str(stack.data.published), read_only=True) as con:
        assert con.execute("select run_id from meta_snapshot").fetchall() == [(build_run,)]
    published = api.request("GET", "/assets/events", params={"source_dag_id": "build_mart", "limit": 100})
    assert [e["source_run_id"] for e in published["asset_events"]] == [build_run]
    with contextlib.closing(_pg(stack.db)) as con, con.cursor() as cur:
        cur.execute("select slots from slot_pool where pool = %s", [MART_POOL])
        assert cur.fetchall() == [(1,)]
