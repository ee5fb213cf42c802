"""Real Airflow for the integration tests: api-server, scheduler, dag-processor and triggerer as processes.

The metadata DB is a fresh PostgreSQL database (``regiohub_it_<random>`` on 127.0.0.1:5432, user
``postgres``), dropped afterwards; events go through the Redis on 127.0.0.1:6379 under a random key
namespace. Without PostgreSQL or Redis the tests are skipped with a message saying what to start.
The data dir starts as a copy of the session's offline demo run, so a mart can be built at once.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from regiohub.core import settings

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
# Unpaused for the tests; the scheduled ingest DAGs stay paused (they would poll the publishers).
EVENT_DAGS = ("build_mart", "ingest_water_level_sensors", "inbox_ladesaeulenregister", "inbox_rki_inzidenz")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _pg(dbname: str = "postgres"):
    import psycopg2

    con = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=5)
    con.autocommit = True
    return con


def _watched(db: str) -> int:
    """How many asset watchers the scheduler registered (the triggerer runs their triggers)."""
    with contextlib.closing(_pg(db)) as con, con.cursor() as cur:
        cur.execute("select count(*) from asset_watcher")
        return cur.fetchone()[0]


class AirflowApi:
    """A minimal client of Airflow's REST API (``/api/v2``) with a JWT from ``/auth/token``."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        response = requests.post(f"{base_url}/auth/token", json={"username": username, "password": password},
                                 timeout=30)
        response.raise_for_status()
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(method, f"{self.base_url}/api/v2{path}", timeout=30, **kwargs)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else None

    def asset_id(self, uri: str) -> int:
        assets = self.request("GET", "/assets", params={"uri_pattern": uri, "limit": 100})["assets"]
        [asset] = [a for a in assets if a["uri"] == uri]
        return asset["id"]

    def post_asset_event(self, uri: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.request("POST", "/assets/events", json={"asset_id": self.asset_id(uri), "extra": extra or {}})

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return self.request("GET", f"/dags/{dag_id}/dagRuns", params={"order_by": "run_after", "limit": 100})[
            "dag_runs"
        ]

    def consumed_events(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        return self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}/upstreamAssetEvents")["asset_events"]

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value") -> Any:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/{key}"
        return self.request("GET", path, params={"deserialize": True})["value"]

    def task_log(self, dag_id: str, run_id: str, task_id: str) -> str:
        """The task's log of its latest try, one line per entry."""
        base = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        try_number = self.request("GET", base)["try_number"]
        content = self.request("GET", f"{base}/logs/{try_number}", params={"full_content": True})["content"]
        return "\n".join(str(e.get("event", e)) if isinstance(e, dict) else str(e) for e in content)

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str]:
        tis = self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances")["task_instances"]
        return {ti["task_id"]: ti["state"] for ti in tis}

    def wait_for_runs(
        self, dag_id: str, count: int, *, after: set[str] = frozenset(), timeout: float = 240,
        done: bool = True,
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` runs not in ``after`` exist (and, with ``done``, have finished)."""
        deadline = time.monotonic() + timeout
        while True:
            runs = [r for r in self.runs(dag_id) if r["dag_run_id"] not in after]
            finished = [r for r in runs if r["state"] in ("success", "failed")]
            if len(finished if done else runs) >= count:
                return runs
            if time.monotonic() > deadline:
                have = [(r["dag_run_id"], r["state"]) for r in runs]
                have = [(r["dag_run_id"], r["state"]) for r in runs]
                raise TimeoutError(f"{dag_id}: expected {count} new runs, have {have}")
            time.sleep(1)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.5)
    return result


class Stack:
    """The running installation handed to the tests."""

    def __init__(self, airflow, api: AirflowApi, data: settings.Paths, redis) -> None:
        self.airflow, self.api, self.data, self.redis = airflow, api, data, redis
        self.wait_for = wait_for


@pytest.fixture(scope="session")
def services() -> None:
    """Skip unless PostgreSQL and Redis answer on their default local ports."""
    missing = [name for name, port in (("PostgreSQL", PG_PORT), ("Redis", 6379)) if not _reachable("127.0.0.1", port)]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not reachable on 127.0.0.1: start them (PostgreSQL 5432 with trust auth "
                    "for user postgres, Redis 6379) to run the Airflow integration tests")


@pytest.fixture(scope="session")
def airflow_stack(services, demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Airflow 3 on a fresh PostgreSQL DB with LocalExecutor, all four components, DAGs of ``dags/``."""
    from regiohub.ingest.replay import offline
    from regiohub.orchestration.local import AirflowStack, free_port

    base = tmp_path_factory.mktemp("airflow-it")
    data = settings.paths(base / "data")
    shutil.copytree(demo_data_dir, data.data_dir)
    db = f"regiohub_it_{uuid.uuid4().hex[:10]}"
    namespace = f"regiohub_it_{uuid.uuid4().hex[:8]}"
    with contextlib.closing(_pg()) as con:
        con.cursor().execute(f'create database "{db}"')
    previous_ns = os.environ.get("REGIOHUB_EVENTS_NAMESPACE")
    os.environ["REGIOHUB_EVENTS_NAMESPACE"] = namespace
    stack = AirflowStack(
        home=base / "airflow", data_dir=data.data_dir, port=free_port(), fast=True,
        log_ports=(free_port(), free_port()), redis_url=REDIS_URL,
        db_url=f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}",
    )
    import regiohub.ingest.sensor_stream as sensor_stream

    importlib.reload(sensor_stream)  # pick up the namespace
    redis = sensor_stream.client(REDIS_URL)
    try:
        with offline():  # the replay server's URL reaches the Airflow processes through their environment
            stack.migrate()
            stack.start()
            stack.wait_until_healthy()
            api = AirflowApi(stack.base_url, "regiohub", stack.password())
            wait_for(lambda: {d["dag_id"] for d in api.request("GET", "/dags", params={"limit": 100})["dags"]}
                     >= set(EVENT_DAGS), 120, "the DAGs to be parsed")
            for dag_id in EVENT_DAGS:
                api.request("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
            # Airflow registers asset watchers only for unpaused DAGs, when it parses their file: parse again.
            for fileloc_token in {api.request("GET", f"/dags/{d}/details")["file_token"] for d in EVENT_DAGS}:
                api.request("PUT", f"/parseDagFile/{fileloc_token}")
            wait_for(lambda: len(api.request("GET", "/assets", params={"limit": 100, "uri_pattern": "regiohub://"})[
                "assets"]) and _watched(db) >= 3, 120, "the asset watchers to be registered")
            yield Stack(stack, api, data, redis)
    finally:
        stack.stop()
        for key in redis.keys(f"{namespace}:*"):
            redis.delete(key)
        if previous_ns is None:
            os.environ.pop("REGIOHUB_EVENTS_NAMESPACE", None)
        else:
            os.environ["REGIOHUB_EVENTS_NAMESPACE"] = previous_ns
        importlib.reload(sensor_stream)
        with contextlib.closing(_pg()) as con:
            con.cursor().execute(f'drop database if exists "{db}" with (force)')
