""""Up to date" means published: loads that the published snapshot does not include are built by `run`.

`ingest --from` adds a load; a run killed right after its ingest step leaves it unpublished (and is
recorded as interrupted); the next `run` publishes it although no source changed during that run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from regiohub import settings
from regiohub.cli import main
from regiohub.loads import published_loads, unpublished_loads
from regiohub.pipeline import recent_runs, run
from regiohub.replay import RECORDINGS_DIR, offline

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"


def kill_after_ingest(data_dir: Path) -> None:
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir), "REGIOHUB_CRASH_AT": "ingest:done"}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "run", "--offline"], env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    marker = data_dir / "runs" / "crashpoint-ingest_done"
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "crash point not reached"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    marker.unlink()


def test_ingest_from_then_a_killed_run_then_run_publishes_the_load(published_copy, tmp_path, capsys):
    data = settings.paths(published_copy)
    payload = tmp_path / "pegel"
    shutil.copytree(PEGEL, payload)
    measurements = next(payload.glob("stations/5e10e1e7-*/W/measurements.json"))
    series = json.loads(measurements.read_text())
    series[-1]["value"] += 1  # a corrected last reading, as an operator might drop it in
    measurements.write_text(json.dumps(series))

    assert main(["ingest", "pegelonline", "--from", str(payload)]) == 0
    load_id = capsys.readouterr().out.split("(load ")[1].rstrip(")\n")
    assert unpublished_loads(data)["pegelonline"] == [load_id]
    assert main(["status"]) == 0
    assert f"pegelonline: 1 load(s), newest {load_id}" in capsys.readouterr().out

    kill_after_ingest(published_copy)
    assert "pegelonline" in unpublished_loads(data)  # the killed run published nothing

    with offline():
        report = run(data)
    assert report.outcome == "published", report.error
    assert published_loads(data)["pegelonline"] >= load_id
    assert not unpublished_loads(data)
    killed = [r for r in recent_runs(data, 5) if r["run_id"] != report.run_id][0]
    assert killed["outcome"] == "failed" and killed["error"].startswith("interrupted")
