"""One platform phase in its own process, as the pipeline runs it (``regiohub run`` = these steps).

    python -m benchmarks.scale.phase build|gate|publish

The data dir and registry come from ``REGIOHUB_DATA_DIR`` / ``REGIOHUB_REGISTRY``. ``gate`` and
``publish`` take the newest candidate that ``build`` left in the data dir's build folder.
"""

from __future__ import annotations

import sys

from regiohub.core import settings
from regiohub.core.ids import new_run_id
from regiohub.ops.pipeline import audit_step, build_step, publish_step
from regiohub.store.runs import RunReport


def main(phase: str) -> int:
    data = settings.paths().ensure()
    report = RunReport(new_run_id(), "")
    if phase == "build":
        print(build_step(data, None, report, progress=print))
        for failure in report.source_failures:
            print(f"held back: {failure}")
        print(f"dbt tests: {report.dbt_tests}")
        return 0
    candidates = sorted(data.build.glob("candidate-*.duckdb"))
    if not candidates:
        print("no candidate mart: the build phase failed", file=sys.stderr)
        return 2
    if phase == "gate":
        audit_step(candidates[-1], data, report, progress=print)
        print(f"gate passed; warnings: {len(report.gate_warnings)}")
    else:
        print(publish_step(candidates[-1], data, report, progress=print))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
