"""Where tasks may run: ingest on any Celery worker, the mart's tasks in a single-slot pool."""

from __future__ import annotations

import socket

from regiohub.orchestration.executors import MART_POOL, WORKER_NAME_ENV, celery_env, pool_command, worker_hostname


def test_the_mart_runs_in_its_pool_and_ingest_anywhere(dagbag) -> None:
    mart = dagbag.dags["build_mart"]
    assert {task.pool for task in mart.tasks} == {MART_POOL}
    assert len(mart.tasks) == 3
    ingest = [dag for dag_id, dag in dagbag.dags.items() if dag_id.startswith(("ingest_", "inbox_"))]
    assert len(ingest) >= 2
    for dag in ingest:
        for task in dag.tasks:
            assert task.pool == "default_pool" and task.queue == "default", (dag.dag_id, task.task_id)


def test_the_pool_has_a_single_slot() -> None:
    assert pool_command()[:4] == ["pools", "set", MART_POOL, "1"]


def test_a_worker_is_named_by_the_environment_or_the_machine(monkeypatch) -> None:
    monkeypatch.setenv(WORKER_NAME_ENV, "worker-7")
    assert worker_hostname() == "worker-7"
    monkeypatch.delenv(WORKER_NAME_ENV)
    assert worker_hostname() == socket.getfqdn()


def test_celery_settings() -> None:
    env = celery_env("redis://127.0.0.1:6379/3", "db+postgresql+psycopg2://x@y/z", key_prefix="it:", concurrency=2)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+postgresql+psycopg2://x@y/z"
    assert env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] == "2"
    assert env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX"] == "it:"
    assert env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] == "regiohub.orchestration.executors.worker_hostname"
    assert "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX" not in celery_env("redis://r", "db+p")
