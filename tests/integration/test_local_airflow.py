"""``regiohub airflow``: its own AIRFLOW_HOME under the data dir, a small footprint, no default password."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from regiohub.orchestration.local import ADMIN_USER, AirflowStack


def _stack(tmp_path: Path) -> AirflowStack:
    return AirflowStack(home=tmp_path / "data" / "airflow", data_dir=tmp_path / "data", db_url=None)


def test_settings_for_a_small_machine(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    env = AirflowStack(home=tmp_path / "data" / "airflow", data_dir=tmp_path / "data").env()
    assert env["AIRFLOW_HOME"] == str(tmp_path / "data" / "airflow")
    assert env["REGIOHUB_DATA_DIR"] == str(tmp_path / "data")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == f"sqlite:///{tmp_path / 'data' / 'airflow' / 'airflow.db'}"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor" and env["AIRFLOW__CORE__PARALLELISM"] == "4"
    assert env["AIRFLOW__API__WORKERS"] == "1" and env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "True"
    assert "SimpleAuthManager" in env["AIRFLOW__CORE__AUTH_MANAGER"]
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == f"{ADMIN_USER}:admin"
    # the shared secrets are random per installation and kept private
    secret = tmp_path / "data" / "airflow" / ".jwt_secret"
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == secret.read_text() and len(secret.read_text()) >= 32
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert AirflowStack(home=tmp_path / "other", data_dir=tmp_path).env()["AIRFLOW__API_AUTH__JWT_SECRET"] != (
        env["AIRFLOW__API_AUTH__JWT_SECRET"]
    )


def test_a_generated_password_is_shown_once_and_kept_private(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("REGIOHUB_AIRFLOW_PASSWORD", raising=False)
    stack = _stack(tmp_path)

    first, generated = stack.ensure_password()
    again, generated_again = stack.ensure_password()

    assert generated and not generated_again and first == again and len(first) >= 16
    assert json.loads(stack.passwords_file.read_text()) == {ADMIN_USER: first}
    assert stat.S_IMODE(stack.passwords_file.stat().st_mode) == 0o600
    assert _stack(tmp_path / "elsewhere").password() != first  # no default password


def test_the_password_can_come_from_the_environment(tmp_path, monkeypatch) -> None:
    stack = _stack(tmp_path)
    stack.ensure_password()
    monkeypatch.setenv("REGIOHUB_AIRFLOW_PASSWORD", "chosen-by-the-operator")
    assert stack.ensure_password() == ("chosen-by-the-operator", False)
    assert json.loads(stack.passwords_file.read_text()) == {ADMIN_USER: "chosen-by-the-operator"}


def test_init_migrates_its_own_db_under_the_data_dir_and_prints_the_password_once(tmp_path, monkeypatch, capsys):
    from regiohub import cli

    for var in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "REGIOHUB_AIRFLOW_PASSWORD", "AIRFLOW_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(tmp_path / "data"))

    assert cli.main(["airflow", "init"]) == 0
    first = capsys.readouterr().out
    assert cli.main(["airflow", "init"]) == 0
    second = capsys.readouterr().out

    home = tmp_path / "data" / "airflow"
    password = json.loads((home / "passwords.json").read_text())[ADMIN_USER]
    assert (home / "airflow.db").stat().st_size > 100_000  # a migrated metadata DB
    assert f"generated password (shown once): {password}" in first
    assert password not in second


def test_postgres_from_regiohub_airflow_db_and_settings_in_airflow_cfg(tmp_path, monkeypatch) -> None:
    from regiohub.orchestration.instance import write_airflow_cfg

    url = "postgresql+psycopg2://airflow:p%40ss%word@127.0.0.1:5432/airflow"
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql://compose-default")
    monkeypatch.setenv("REGIOHUB_AIRFLOW_DB", url)
    stack = _stack(tmp_path)
    stack.db_url = AirflowStack(home=stack.home, data_dir=stack.data_dir).db_url
    assert stack.db_url == url and not stack.sqlite
    (stack.home / "airflow.cfg").parent.mkdir(parents=True, exist_ok=True)
    (stack.home / "airflow.cfg").write_text("[webserver]\nexpose_config = False\n[core]\nexecutor = Other\n")

    path = write_airflow_cfg(stack.home, stack.settings())

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_text()
    assert "sql_alchemy_conn = postgresql+psycopg2://airflow:p%%40ss%%word@" in written  # Airflow interpolates %
    assert "executor = LocalExecutor" in written and "expose_config = False" in written  # others kept
    monkeypatch.delenv("REGIOHUB_AIRFLOW_DB")
    assert AirflowStack(home=stack.home, data_dir=stack.data_dir).db_url == "postgresql://compose-default"
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    assert AirflowStack(home=stack.home, data_dir=stack.data_dir).sqlite


def test_a_component_ends_when_its_launcher_is_killed_hard(tmp_path) -> None:
    """``kill -9`` of the launcher: the kernel sends SIGTERM to each component (PR_SET_PDEATHSIG)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    launcher = subprocess.Popen([sys.executable, "-c", (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-m', 'regiohub.orchestration.child', str(os.getpid()),\n"
        "                          sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n")], stdout=subprocess.PIPE, text=True)
    component = psutil.Process(int(launcher.stdout.readline()))
    try:
        deadline = time.monotonic() + 60
        while "regiohub.orchestration.child" in " ".join(component.cmdline()):  # until it has become the command
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert os.getpgid(component.pid) == component.pid  # a process group of its own

        launcher.send_signal(signal.SIGKILL)
        launcher.wait(10)

        component.wait(30)  # raises TimeoutExpired if it outlives its launcher (it would sleep for 120 s)
        assert not component.is_running()
    finally:
        if component.is_running():
            component.kill()
