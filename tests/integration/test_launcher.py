"""``regiohub airflow`` as a service: one real start on a fresh PostgreSQL DB, shared by the assertions.

Slow by nature (a real start: migrate + four components until healthy, then the stop): about one to two
minutes on a loaded 2-core machine. The tests run in file order; the last one stops the launcher.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from regiohub.orchestration.instance import INSTANCE_ENV, PID_FILE, instance_processes
from regiohub.orchestration.local import free_port

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB_PASSWORD = "not-for-any-log-7f3a"  # trust auth ignores it; it must appear in no output


def _pg_admin(sql: str) -> None:
    import psycopg2

    con = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    con.autocommit = True
    with contextlib.closing(con), con.cursor() as cur:
        cur.execute(sql)


def _env(data: Path, **extra: str) -> dict[str, str]:
    """A terminal's environment without any Airflow setting of the test session."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "REGIOHUB_"))}
    return env | {"REGIOHUB_DATA_DIR": str(data)} | extra


def _regiohub(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regiohub.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@dataclass
class Launched:
    proc: subprocess.Popen
    home: Path
    port: int
    env: dict[str, str]
    db_url: str
    output: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.output)


@pytest.fixture(scope="module")
def launched(services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    base = tmp_path_factory.mktemp("launcher")
    db = f"regiohub_launcher_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'create database "{db}"')
    db_url = f"postgresql+psycopg2://{PG['user']}:{DB_PASSWORD}@{PG['host']}:{PG['port']}/{db}"
    env = _env(base / "data", REGIOHUB_AIRFLOW_DB=db_url,
               AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
               AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()))
    home, port = base / "data" / "airflow", free_port()
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "airflow", "--offline", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    run = Launched(proc, home, port, env, db_url)
    threading.Thread(target=lambda: run.output.extend(iter(proc.stdout.readline, "")), daemon=True).start()
    try:
        deadline = time.monotonic() + 600  # under heavy load a start took 230 s
        while "Airflow is up" not in run.text():
            assert proc.poll() is None, f"launcher ended with {proc.returncode}:\n{run.text()}"
            assert time.monotonic() < deadline, f"no start within 600 s:\n{run.text()}"
            time.sleep(0.5)
        yield run
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(120)
        for leftover in instance_processes(home):  # never leave processes behind, even if a test failed
            with contextlib.suppress(psutil.Error):
                leftover.kill()
        _pg_admin(f'drop database if exists "{db}" with (force)')


def test_airflow_cfg_serves_airflow_commands_in_another_terminal(launched: Launched) -> None:
    cfg = launched.home / "airflow.cfg"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    terminal = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "REGIOHUB_"))}
    terminal["AIRFLOW_HOME"] = str(launched.home)

    done = subprocess.run([sys.executable, "-m", "airflow", "config", "get-value", "database", "sql_alchemy_conn"],
                          env=terminal, capture_output=True, text=True, timeout=180)  # one call: ~10-50 s each
    assert done.returncode == 0 and done.stdout.strip() == launched.db_url, done.stderr
    written = configparser.ConfigParser(interpolation=None)
    written.read(cfg)
    assert written["core"]["executor"] == "LocalExecutor" and written["api"]["port"] == str(launched.port)
    assert written["core"]["dags_folder"].endswith("/dags") and written["core"]["auth_manager"].endswith("AuthManager")
    # the secret of the DB URL is in the private file only, never in what the launcher printed or logged
    assert DB_PASSWORD not in launched.text() and "metadata DB postgresql+psycopg2://postgres:***@" in launched.text()
    for log in (launched.home / "logs" / "components").glob("*.log"):
        assert DB_PASSWORD not in log.read_text(errors="replace"), log.name
    assert "SQLite" not in launched.text()


def test_offline_the_components_fetch_from_the_replay_server(launched: Launched) -> None:
    import requests

    from regiohub.core.http import OFFLINE_ENV

    scheduler = next(p for p in psutil.Process(launched.proc.pid).children() if "scheduler" in " ".join(p.cmdline()))
    base = scheduler.environ()[OFFLINE_ENV]
    assert base.startswith("http://127.0.0.1:")
    answer = requests.get(f"{base}/opendata.potsdam.de/api/explore/v2.1/catalog/datasets/einwohner-nach-stadtteilen/"
                          "exports/json", timeout=30)
    assert answer.status_code == 200 and answer.json()  # the shipped recording, served by the launcher


def test_a_second_start_is_refused_at_once(launched: Launched, tmp_path: Path) -> None:
    again = _regiohub("airflow", "--port", str(free_port()), env=launched.env)
    assert again.returncode == 1
    assert f"error: Airflow is already running for AIRFLOW_HOME {launched.home} (launcher PID {launched.proc.pid}, "\
        f"UI http://127.0.0.1:{launched.port}" in again.stderr
    assert "Airflow user" not in again.stdout  # refused before touching the DB

    elsewhere = _regiohub("airflow", "--port", str(launched.port), "--home", str(tmp_path / "other"),
                          env=launched.env)
    assert elsewhere.returncode == 1
    assert elsewhere.stderr.startswith(f"error: port {launched.port} (UI/API)")
    assert "is in use by another program (another Airflow?)" in elsewhere.stderr


def test_sigterm_stops_every_process_it_started(launched: Launched) -> None:
    started = psutil.Process(launched.proc.pid).children(recursive=True)
    names = " ".join(" ".join(p.cmdline()) for p in started).replace("_", "-")  # titles: "airflow api_server …"
    assert len(started) >= 5 and all(f"airflow {c}" in names for c in ("api-server", "scheduler", "triggerer"))

    launched.proc.send_signal(signal.SIGTERM)

    assert launched.proc.wait(120) == 0
    gone, alive = psutil.wait_procs(started, timeout=5)
    assert not alive, [p.cmdline() for p in alive]
    assert instance_processes(launched.home) == []
    assert not (launched.home / PID_FILE).exists()
    assert "stopping Airflow (SIGTERM)" in launched.text()


def test_processes_left_behind_are_reported_and_stopped(tmp_path: Path) -> None:
    """A launcher killed hard (SIGKILL) can leave processes: the next start names them instead of starting."""
    home = tmp_path / "airflow"
    env = _env(tmp_path / "data")
    leftover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                                env=env | {INSTANCE_ENV: str(home)}, start_new_session=True)
    try:
        refused = _regiohub("airflow", "--home", str(home), "--port", str(free_port()), env=env)
        assert refused.returncode == 1
        assert (f"1 Airflow process(es) of an earlier start are still running for AIRFLOW_HOME {home}"
                in refused.stderr)
        assert f"{leftover.pid} (" in refused.stderr and "regiohub airflow stop" in refused.stderr
        assert leftover.poll() is None  # refusing does not kill anything

        stopped = _regiohub("airflow", "stop", "--home", str(home), env=env)
        assert stopped.returncode == 0 and "stopped 1 leftover Airflow process(es)" in stopped.stdout
        assert leftover.wait(10) == -signal.SIGTERM
    finally:
        if leftover.poll() is None:
            leftover.kill()
