"""One ``regiohub airflow`` per AIRFLOW_HOME: lock and PID file, free ports, leftovers, ``airflow.cfg``.

The launcher holds an exclusive ``flock`` on ``AIRFLOW_HOME/regiohub-airflow.pid`` while it runs (the kernel
releases it when the launcher dies, however it dies). Every process it starts carries
``REGIOHUB_AIRFLOW_INSTANCE=<AIRFLOW_HOME>`` in its environment, inherited by workers and task processes,
so processes left behind by a launcher that was killed hard are found without trusting stale PIDs.
"""

from __future__ import annotations

import configparser
import contextlib
import fcntl
import json
import os
import signal
import socket
import time
from pathlib import Path

from regiohub.core.errors import RegiohubError

INSTANCE_ENV = "REGIOHUB_AIRFLOW_INSTANCE"
PID_FILE = "regiohub-airflow.pid"


class InstanceError(RegiohubError):
    """Another instance, a leftover process or a busy port stands in the way."""


class InstanceLock:
    """The exclusive lock of one AIRFLOW_HOME; :meth:`write` records what runs under it."""

    def __init__(self, home: Path) -> None:
        self.path = home / PID_FILE
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            info = read_pid_file(self.path.parent)
            raise InstanceError(
                f"Airflow is already running for AIRFLOW_HOME {self.path.parent} (launcher PID "
                f"{info.get('launcher_pid', '?')}, UI {info.get('base_url', '?')}, "
                f"since {info.get('started_at', '?')}); "
                "stop it first with `regiohub airflow stop` (or `kill <PID>`)"
            ) from None
        self._fd = fd
        return self

    def write(self, info: dict) -> None:
        assert self._fd is not None, "lock not held"
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(info, indent=1).encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def read_pid_file(home: Path) -> dict:
    try:
        return json.loads((home / PID_FILE).read_text() or "{}")
    except (OSError, ValueError):
        return {}


def is_locked(home: Path) -> bool:
    """Whether a launcher holds the lock of ``home`` right now."""
    path = home / PID_FILE
    if not path.exists():
        return False
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def instance_processes(home: Path) -> list:
    """The live processes (``psutil.Process``) started for ``home`` by a launcher, its own excluded."""
    import psutil

    mine, found = os.getpid(), []
    for proc in psutil.process_iter(["pid"]):
        if proc.pid == mine:
            continue
        with contextlib.suppress(psutil.Error):
            if proc.environ().get(INSTANCE_ENV) == str(home) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


def describe(procs: list) -> str:
    import psutil

    parts = []
    for proc in procs[:8]:
        with contextlib.suppress(psutil.Error):
            parts.append(f"{proc.pid} ({' '.join(proc.cmdline()[:4])[:60]})")
    return ", ".join(parts) + (f" and {len(procs) - 8} more" if len(procs) > 8 else "")


def refuse_leftovers(home: Path) -> None:
    """Fail if processes of an earlier start of ``home`` still run (its launcher was killed hard)."""
    procs = instance_processes(home)
    if procs:
        raise InstanceError(
            f"{len(procs)} Airflow process(es) of an earlier start are still running for AIRFLOW_HOME {home} "
            f"(their launcher ended without stopping them): {describe(procs)}; stop them with "
            "`regiohub airflow stop`, then start again"
        )


def terminate(procs: list, timeout: float = 20) -> None:
    """SIGTERM to each process group of ``procs``, then SIGKILL to whatever survives ``timeout`` seconds."""
    import psutil

    for sig in (signal.SIGTERM, signal.SIGKILL):
        for proc in procs:
            with contextlib.suppress(psutil.Error, ProcessLookupError, PermissionError):
                pgid = os.getpgid(proc.pid)
                if pgid != os.getpgrp():
                    os.killpg(pgid, sig)
                proc.send_signal(sig)
        _, procs = psutil.wait_procs(procs, timeout=timeout if sig == signal.SIGTERM else 5)
        if not procs:
            return


def stop_instance(home: Path, timeout: float = 60) -> str:
    """``regiohub airflow stop``: SIGTERM to a running launcher (it stops its processes), else end leftovers."""
    if is_locked(home):
        pid = int(read_pid_file(home).get("launcher_pid") or 0)
        if not pid:
            raise InstanceError(f"a launcher holds {home / PID_FILE} but its PID is not recorded yet; try again")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while is_locked(home) and time.monotonic() < deadline:
            time.sleep(0.5)
        if is_locked(home):
            raise InstanceError(f"launcher PID {pid} did not stop within {timeout:.0f}s")
        return f"stopped the launcher (PID {pid}) and its Airflow processes"
    procs = instance_processes(home)
    if not procs:
        return f"nothing runs for AIRFLOW_HOME {home}"
    terminate(procs)
    return f"stopped {len(procs)} leftover Airflow process(es) of AIRFLOW_HOME {home}"


def refuse_busy_ports(ports: dict[str, int]) -> None:
    """Fail at once if one of ``ports`` (what → port) is taken on this machine."""
    busy = [f"{port} ({what})" for what, port in ports.items() if not _free(port)]
    if busy:
        raise InstanceError(f"port {', '.join(busy)} is in use by another program (another Airflow?); "
                            "stop it or choose other ports (--port; AIRFLOW__LOGGING__*_LOG_SERVER_PORT)")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed socket in TIME_WAIT is no user
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def write_airflow_cfg(home: Path, env: dict[str, str]) -> Path:
    """Write the ``AIRFLOW__<SECTION>__<KEY>`` settings of ``env`` into ``home/airflow.cfg`` (mode 600).

    Other settings already in the file are kept. ``%`` is doubled (Airflow interpolates the file).
    """
    path = home / "airflow.cfg"
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str  # type: ignore[assignment,method-assign]  # keys as written
    if path.exists():
        cfg.read(path, encoding="utf-8")
    for name, value in sorted(env.items()):
        if name.startswith("AIRFLOW__") and name.count("__") == 2:
            section, key = name[len("AIRFLOW__"):].lower().split("__")
            if not cfg.has_section(section):
                cfg.add_section(section)
            cfg.set(section, key, value.replace("%", "%%"))
    tmp = path.with_name(f".airflow.cfg.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as fh:
        fh.write("# Written by `regiohub airflow` at every start; `airflow …` with this AIRFLOW_HOME sees the\n"
                 "# same instance. Holds secrets (metadata DB, JWT secret): keep it private (mode 600).\n")
        cfg.write(fh)
    os.replace(tmp, path)
    return path
