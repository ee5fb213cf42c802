"""Run Airflow for this project as real processes: api-server, scheduler, dag-processor, triggerer.

Used by ``regiohub airflow`` (:mod:`regiohub.orchestration.launcher`) and by the integration tests.
Everything Airflow writes lives in its own ``AIRFLOW_HOME`` (default ``$REGIOHUB_DATA_DIR/airflow``).
Sized for a small machine: LocalExecutor with parallelism 4 and one API worker. There is no default
password: the simple auth manager's password for user ``regiohub`` comes from ``REGIOHUB_AIRFLOW_PASSWORD``
or is generated once and kept in ``AIRFLOW_HOME/passwords.json``. The metadata DB is ``REGIOHUB_AIRFLOW_DB``
(a SQLAlchemy URL), else ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN``, else SQLite in AIRFLOW_HOME (demo only).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from regiohub.core import settings
from regiohub.orchestration.instance import INSTANCE_ENV, instance_processes, terminate

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
ADMIN_USER = "regiohub"
DEFAULT_PORT = 8080
REDIS_CONN_ID = "regiohub_redis"
LOG_PORT_VARS = ("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT", "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT")
DEFAULT_LOG_PORTS = (8793, 8794)


def default_db_url() -> str | None:
    """``REGIOHUB_AIRFLOW_DB``, else ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` (compose), else None (SQLite)."""
    return os.environ.get("REGIOHUB_AIRFLOW_DB") or os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN") or None


def default_log_ports() -> tuple[int, int]:
    """The log server ports of the workers and the triggerer: from the environment, else Airflow's defaults."""
    return tuple(int(os.environ.get(var) or d) for var, d in zip(LOG_PORT_VARS, DEFAULT_LOG_PORTS, strict=True))


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _secret(path: Path) -> str:
    """A random secret kept in ``path`` (created once, readable by the owner only)."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass
class AirflowStack:
    """Configuration and processes of one local Airflow installation."""

    home: Path
    data_dir: Path
    # default: see default_db_url(); None: SQLite in AIRFLOW_HOME (demo only)
    db_url: str | None = field(default_factory=default_db_url)
    port: int = DEFAULT_PORT
    parallelism: int = 4
    redis_url: str = field(default_factory=lambda: os.environ.get("REGIOHUB_REDIS_URL", "redis://127.0.0.1:6379/0"))
    paused_at_creation: bool = True
    fast: bool = False  # short parse/poll intervals (tests)
    extra_env: dict[str, str] = field(default_factory=dict)
    # Log servers of the workers and the triggerer (see default_log_ports()).
    log_ports: tuple[int, int] = field(default_factory=default_log_ports)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def passwords_file(self) -> Path:
        return self.home / "passwords.json"

    def password(self) -> str:
        """The admin password (see :meth:`ensure_password`)."""
        return self.ensure_password()[0]

    def ensure_password(self) -> tuple[str, bool]:
        """``REGIOHUB_AIRFLOW_PASSWORD``, else the one generated on first use; and whether it was just generated."""
        self.home.mkdir(parents=True, exist_ok=True)
        wanted = os.environ.get("REGIOHUB_AIRFLOW_PASSWORD")
        generated = not wanted and not self.passwords_file.exists()
        if wanted or generated:
            self.passwords_file.write_text(json.dumps({ADMIN_USER: wanted or secrets.token_urlsafe(12)}))
            self.passwords_file.chmod(0o600)
        return json.loads(self.passwords_file.read_text())[ADMIN_USER], generated

    @property
    def sqlite(self) -> bool:
        return not self.db_url or self.db_url.startswith("sqlite")

    def env(self) -> dict[str, str]:
        """The environment every Airflow process of this installation runs with."""
        return {**os.environ, **self.settings(), INSTANCE_ENV: str(self.home)} | self.extra_env

    def settings(self) -> dict[str, str]:
        """This installation's own variables (what :func:`~.instance.write_airflow_cfg` writes to airflow.cfg)."""
        self.home.mkdir(parents=True, exist_ok=True)
        db_url = self.db_url or f"sqlite:///{self.home / 'airflow.db'}"
        env = {
            "AIRFLOW_HOME": str(self.home),
            "REGIOHUB_DATA_DIR": str(self.data_dir),
            "AIRFLOW__CORE__DAGS_FOLDER": str(settings.REPO_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": str(self.paused_at_creation),
            "AIRFLOW__CORE__AUTH_MANAGER": (
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db_url,
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API__SECRET_KEY": _secret(self.home / ".api_secret_key"),
            "AIRFLOW__API_AUTH__JWT_SECRET": _secret(self.home / ".jwt_secret"),
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
            "AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR": "True",
            f"AIRFLOW_CONN_{REDIS_CONN_ID.upper()}": self.redis_url,
            LOG_PORT_VARS[0]: str(self.log_ports[0]),
            LOG_PORT_VARS[1]: str(self.log_ports[1]),
        }
        if self.fast:
            env |= {
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "600",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
                "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
                "REGIOHUB_POKE_INTERVAL": "1",
            }
        return env

    def airflow(self, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        """Run an ``airflow`` CLI command with this installation's environment."""
        return subprocess.run(
            [sys.executable, "-m", "airflow", *args], env=self.env(), check=check, text=True, **kwargs
        )

    def migrate(self) -> None:
        """Create or upgrade the metadata database; create the mart's single-slot pool."""
        from regiohub.orchestration.executors import pool_command

        self.airflow("db", "migrate", capture_output=True)
        self.airflow(*pool_command(), capture_output=True)

    def start(self, *components: str) -> None:
        """Start the given components (default: all four) as child processes logging to AIRFLOW_HOME/logs."""
        logs = self.home / "logs" / "components"
        logs.mkdir(parents=True, exist_ok=True)
        for name in components or COMPONENTS:
            if name in self.processes and self.processes[name].poll() is None:
                continue
            args = [name] + (["--port", str(self.port)] if name == "api-server" else [])
            ends_with_us = [sys.executable, "-m", "regiohub.orchestration.child", str(os.getpid())]
            with open(logs / f"{name}.log", "ab") as log:
                self.processes[name] = subprocess.Popen(
                    [*ends_with_us, sys.executable, "-m", "airflow", *args],
                    env=self.env(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # stop() ends the component with its workers
                )

    def stop(self, *components: str, timeout: float = 30) -> None:
        """Stop components (default: all) with SIGTERM, then SIGKILL after ``timeout`` seconds.

        Stopping all also ends any other process of this installation still running afterwards (task
        processes run in process groups of their own).
        """
        names = components or tuple(self.processes)
        started = bool(names)
        for name in names:
            proc = self.processes.get(name)
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name in names:
            proc = self.processes.pop(name, None)
            if proc is None:
                continue
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if started and not components:
            terminate(instance_processes(self.home), timeout=10)

    def wait_until_healthy(self, timeout: float = 180) -> None:
        """Block until the API server answers and reports a healthy scheduler, dag-processor and triggerer."""
        import requests

        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"airflow {name} exited with {proc.returncode}; see {self.home}/logs")
            try:
                health = requests.get(f"{self.base_url}/api/v2/monitor/health", timeout=5).json()
                states = {k: (v or {}).get("status") for k, v in health.items()}
                if all(states.get(k) == "healthy" for k in ("metadatabase", "scheduler", "triggerer", "dag_processor")):
                    return
                last = str(states)
            except (requests.RequestException, ValueError) as exc:
                last = type(exc).__name__
            time.sleep(1)
        raise TimeoutError(f"Airflow did not become healthy within {timeout:.0f}s (last: {last})")

