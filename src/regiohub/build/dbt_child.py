"""Several dbt invocations in one child process, the project parsed once.

``python -m regiohub.build.dbt_child STEPS COMMON...``: ``STEPS`` is a JSON list of dbt argument lists
(e.g. the models, then the tests); ``COMMON`` (project, profiles, vars) is appended to each. dbt starts
and parses the project once; every step reuses the parsed manifest. After each step its
``run_results.json`` is also kept as ``run_results.<n>.json`` (1-based). The first step that fails ends
the process with exit code ``n`` (its results stay in ``run_results.json``); 0 when every step passed.

A child process, not dbt in the caller: dbt-duckdb keeps its connection open for the life of the process,
and the candidate must be closed before it is audited and published.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from dbt.cli.main import dbtRunner

    steps: list[list[str]] = json.loads(argv[0])
    common = argv[1:]
    target = Path(os.environ["REGIOHUB_DBT_TARGET_PATH"])
    parsed = dbtRunner().invoke(["parse", *common])
    if not parsed.success or parsed.result is None:
        return 1
    runner = dbtRunner(manifest=parsed.result)
    for n, step in enumerate(steps, start=1):
        (target / "run_results.json").unlink(missing_ok=True)  # never read an earlier step's results
        result = runner.invoke([*step, *common])
        if (target / "run_results.json").exists():
            shutil.copyfile(target / "run_results.json", target / f"run_results.{n}.json")
        if not result.success:
            return n
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # progress lines as they come
    sys.exit(main(sys.argv[1:]))
