"""Beyond one machine on Airflow's own engine: the CeleryExecutor settings and the mart's single-slot pool.

The LocalExecutor (:mod:`regiohub.orchestration.local`) runs every task on the scheduler's machine. With
the CeleryExecutor the scheduler puts task instances on a Redis queue and any number of
``airflow celery worker`` processes, on any machine, run them; the workers talk to the api-server's
execution API (``[core] execution_api_server_url``), results go to PostgreSQL (``[celery] result_backend``).
Ingest tasks run on any worker (the default queue); the mart's three tasks share :data:`MART_POOL` with a
single slot, so only one of them runs at a time in the whole installation. See ``docs/scaling.md``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regiohub.orchestration.local import AirflowStack

# One slot: build, gate and publish of the mart never run side by side, whichever worker takes them.
MART_POOL = "regiohub_mart"
MART_POOL_SLOTS = 1
MART_POOL_DESCRIPTION = "build_mart: one task at a time (one writer of build/ and published/)"
# The name a worker reports as task instance ``hostname``; unset: the machine's name (one worker per machine).
WORKER_NAME_ENV = "REGIOHUB_WORKER_NAME"


def worker_hostname() -> str:
    """``[core] hostname_callable``: ``$REGIOHUB_WORKER_NAME``, else the machine's fully qualified name."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()


def celery_env(broker_url: str, result_backend: str, *, key_prefix: str = "", concurrency: int = 1) -> dict[str, str]:
    """Airflow settings of a CeleryExecutor installation (for ``AirflowStack.extra_env`` or compose).

    ``broker_url``: Redis (``redis://[:password@]host:port/db``); ``result_backend``: PostgreSQL
    (``db+postgresql+psycopg2://…``); ``key_prefix`` keeps the broker's keys apart from other users of
    the same Redis database.
    """
    env = {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": result_backend,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(concurrency),
        # Redis redelivers a task not acknowledged within this time: above the longest task (build_mart, 1 h),
        # so a running task is never handed to a second worker.
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "7200",
        # Wait for a busy api-server instead of retrying after 5 s: a retried "start" of a task that the
        # server did start fails the task (seen with one API worker on a loaded 2-core machine).
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "60",
    }
    if key_prefix:
        env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX"] = key_prefix
    return env


def pool_command() -> list[str]:
    """The ``airflow`` CLI arguments that create (or reset) the mart's pool."""
    return ["pools", "set", MART_POOL, str(MART_POOL_SLOTS), MART_POOL_DESCRIPTION]


def start_worker(stack: AirflowStack, name: str, *, concurrency: int = 1, log_port: int | None = None,
                 queues: str = "default") -> subprocess.Popen:
    """Start ``airflow celery worker`` named ``name`` as one of ``stack``'s processes (stopped with the rest).

    Several workers on one machine need their own ``name`` (Celery node and task instance ``hostname``),
    pid file and log-server port.
    """
    logs = Path(stack.home) / "logs" / "components"
    logs.mkdir(parents=True, exist_ok=True)
    env = stack.env() | {WORKER_NAME_ENV: name}
    if log_port:
        env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(log_port)
    args = ["celery", "worker", "--celery-hostname", name, "--concurrency", str(concurrency), "--queues", queues,
            "--pid", str(Path(stack.home) / f"worker-{name}.pid"), "--without-mingle", "--without-gossip"]
    with open(logs / f"worker-{name}.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "airflow", *args], env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    stack.processes[f"worker-{name}"] = proc
    return proc
