"""One platform phase in its own process, as the pipeline runs it (``regiohub run`` = these steps).

    python -m benchmarks.scale.phase build|gate|publish

The data dir and registry come from ``REGIOHUB_DATA_DIR`` / ``REGIOHUB_REGISTRY``. The three phases carry
one run report through the run history, as the Airflow tasks of the mart DAG do
(:mod:`regiohub.orchestration.mart`): ``build`` starts a run, ``gate`` reuses the verdict the build's
isolation gate stored for the same candidate file, ``publish`` records the run as published, so that the
next gate trusts the published snapshot (validates only what changed) exactly as after ``regiohub run``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from regiohub.core import settings
from regiohub.orchestration import mart
from regiohub.store.runs import recent_runs


def _current_run(data: settings.Paths) -> tuple[str, str]:
    """The run id and candidate of the newest run the build phase started."""
    run = next((r for r in recent_runs(data, 20) if r.get("kind") == "build" and r.get("outcome") == "running"),
               None)
    if run is None or not run.get("candidate"):
        raise SystemExit("no candidate mart: the build phase failed")
    return run["run_id"], run["candidate"]


def main(phase: str) -> int:
    data = settings.paths().ensure()
    if phase == "build":
        print(f"candidate: {mart.build(data=data)}")
        return 0
    run_id, candidate = _current_run(data)
    if phase == "gate":
        print(f"gate passed: {mart.validate(Path(candidate), run_id, data)}")
    else:
        print(mart.publish(Path(candidate), run_id, data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
