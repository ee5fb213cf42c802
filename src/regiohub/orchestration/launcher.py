"""``regiohub airflow``: Airflow for this project as one service that starts, runs and stops as a whole.

Before anything starts it refuses, at once and with a clear message, a second launcher on the same
AIRFLOW_HOME, processes left behind by a launcher that was killed hard, and ports already taken. It then
writes its settings to ``AIRFLOW_HOME/airflow.cfg`` (so ``airflow …`` in any terminal with that
AIRFLOW_HOME sees this instance), migrates the metadata DB and starts the four components, each in a
process group of its own that also ends if the launcher dies. SIGTERM, SIGHUP and SIGINT (Ctrl+C)
stop every process it started.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import UTC, datetime
from types import FrameType

from regiohub.orchestration import instance
from regiohub.orchestration.local import ADMIN_USER, AirflowStack

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
SQLITE_WARNING = ("warning: the Airflow metadata DB is SQLite — for a demo only (one writer at a time; "
                  "parallel tasks fail with HTTP 500). For operation set REGIOHUB_AIRFLOW_DB to a PostgreSQL "
                  "URL, e.g. postgresql+psycopg2://airflow@127.0.0.1:5432/airflow")


class StopSignalError(Exception):
    """A stop signal arrived."""


def init(stack: AirflowStack) -> None:
    """Write airflow.cfg, migrate the metadata DB and make sure a password exists; print a generated one once."""
    if stack.sqlite:
        print(SQLITE_WARNING, file=sys.stderr)
    instance.write_airflow_cfg(stack.home, stack.settings())
    stack.migrate()
    password, generated = stack.ensure_password()
    if generated:
        print(f"Airflow user {ADMIN_USER}, generated password (shown once): {password}")
    else:
        print(f"Airflow user {ADMIN_USER}: password from REGIOHUB_AIRFLOW_PASSWORD or {stack.passwords_file}")


def db_label(stack: AirflowStack) -> str:
    """The metadata DB for messages: the URL without its password."""
    if stack.sqlite:
        return "SQLite (demo only)"
    from sqlalchemy.engine import make_url

    return make_url(stack.db_url or "").render_as_string(hide_password=True)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise StopSignalError(signal.Signals(signum).name)


def serve(stack: AirflowStack) -> int:
    """Check, configure, start, wait until healthy, run until a stop signal or a component ends."""
    lock = instance.InstanceLock(stack.home).acquire()
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
    try:
        instance.refuse_leftovers(stack.home)
        instance.refuse_busy_ports({"UI/API": stack.port, "worker log server": stack.log_ports[0],
                                    "triggerer log server": stack.log_ports[1]})
        info = {"launcher_pid": os.getpid(), "base_url": stack.base_url, "home": str(stack.home),
                "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
        lock.write(info)
        init(stack)
        stack.start()
        lock.write(info | {"components": {name: proc.pid for name, proc in stack.processes.items()}})
        stack.wait_until_healthy(timeout=600)  # a loaded small machine can take minutes
        print(f"Airflow is up on {stack.base_url} (AIRFLOW_HOME {stack.home}, data {stack.data_dir}, "
              f"metadata DB {db_label(stack)}); stop with Ctrl+C, `kill {os.getpid()}` or `regiohub airflow stop`",
              flush=True)
        while all(proc.poll() is None for proc in stack.processes.values()):
            time.sleep(1)
        failed = [name for name, proc in stack.processes.items() if proc.poll() is not None]
        print(f"error: airflow {', '.join(failed)} stopped; logs in {stack.home / 'logs' / 'components'}",
              file=sys.stderr)
        return 1
    except (StopSignalError, KeyboardInterrupt) as exc:
        print(f"stopping Airflow ({exc or 'SIGINT'}) …", file=sys.stderr, flush=True)
        return 0
    finally:
        for sig in STOP_SIGNALS:  # a second signal must not cut the stop short
            signal.signal(sig, signal.SIG_IGN)
        try:
            if stack.processes:
                stack.stop()
        finally:
            lock.release()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
