"""Wall time and peak RSS of a child process and everything it starts (e.g. dbt's threads and children).

Peak RSS is the larger of (a) the sum of the RSS of the whole process tree, polled every 50 ms with
psutil (concurrent children add up), and (b) ``ru_maxrss`` from ``wait4`` on the child, which the
kernel keeps for the child and all descendants it waited for (catches peaks shorter than a poll).
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_S = 0.05


@dataclass
class Measured:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    log: Path

    def tail(self, lines: int = 5) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return "\n".join(text[-lines:])


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> Measured:
    """Run ``cmd`` to completion (output to ``log``); return its wall time and the tree's peak RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        proc = psutil.Process(child.pid)
        peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(proc))
            time.sleep(POLL_S)
        wall = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    peak = max(peak, usage.ru_maxrss * 1024)  # ru_maxrss is in KiB on Linux
    return Measured(round(wall, 2), round(peak / 2**20, 1), child.returncode, log)
