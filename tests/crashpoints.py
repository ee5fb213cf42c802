"""Run the real CLI until a crash point (``REGIOHUB_CRASH_AT``), where it stops until the test kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.store.layout import crashpoint_marker


def start_run(data_dir: Path, *args: str, crash_at: str | None = None, wait_s: str | None = None) -> subprocess.Popen:
    """``regiohub run --offline ARGS`` in its own process group (dbt runs as a child)."""
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    for key in ("REGIOHUB_CRASH_AT", "REGIOHUB_RUN_WAIT_S"):
        env.pop(key, None)
    if crash_at:
        env["REGIOHUB_CRASH_AT"] = crash_at  # the run stops there (holding its lock) until killed
    if wait_s:
        env["REGIOHUB_RUN_WAIT_S"] = wait_s
    return subprocess.Popen([sys.executable, "-m", "regiohub.cli", "run", "--offline", *args], env=env,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def held_at(data: settings.Paths, proc: subprocess.Popen, point: str, timeout: float = 180) -> None:
    """Wait until ``proc`` stopped at crash point ``point`` (fail if it ended before or took too long)."""
    deadline = time.monotonic() + timeout
    while not crashpoint_marker(data, point).exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {point}: {proc.communicate()}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"the run did not reach {point} in time")
        time.sleep(0.05)


def kill(data: settings.Paths, proc: subprocess.Popen, point: str) -> None:
    """SIGKILL the run's whole process group and remove its crash-point marker."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    crashpoint_marker(data, point).unlink()
