"""A run killed after its swap is recorded as what it was — published — and its stale catalogue is rewritten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from regiohub.core import settings
from regiohub.store.runs import recent_runs
from regiohub.store.snapshot_store import list_snapshots, published_snapshot


def test_a_run_killed_after_its_swap_is_recorded_published(published_copy):
    data = settings.paths(published_copy)
    before = published_snapshot(data)["snapshot_id"]
    catalog = data.published_dir / "catalog.ttl"
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(published_copy), "REGIOHUB_CRASH_AT": "publish:swapped"}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "run", "--offline", "--force"], env=env,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = data.runs / "crashpoint-publish_swapped"
    deadline = time.monotonic() + 900
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run did not reach its swap in time"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    marker.unlink()
    live = published_snapshot(data)["snapshot_id"]
    assert live != before and live in list_snapshots(data)
    assert catalog.stat().st_mtime_ns < data.published.stat().st_mtime_ns  # killed before the catalogue

    env.pop("REGIOHUB_CRASH_AT")
    again = subprocess.run([sys.executable, "-m", "regiohub.cli", "run", "--offline"], env=env,
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    killed = next(r for r in recent_runs(data, 5) if r["run_id"] == published_snapshot(data)["run_id"])
    assert killed["outcome"] == "published" and killed["snapshot_id"] == live, killed
    assert catalog.stat().st_mtime_ns >= data.published.stat().st_mtime_ns  # rewritten for the live snapshot
    modified = published_snapshot(data)["published_at"].isoformat(timespec="seconds")
    assert modified in catalog.read_text(encoding="utf-8")  # dct:modified of the live snapshot
