"""dbt inside Airflow: astronomer-cosmos (one task per dbt node) vs one ``dbt build`` task.

    uv run --group bench python benchmarks/dbt_in_airflow.py [--data-dir DIR]

Without ``--data-dir`` a data dir is prepared with ``regiohub run --offline``. Measures, on this machine:
the one-task build (``regiohub.build.transform.build_candidate``: one dbt child process), the time cosmos needs to
render the project into a DAG (paid by the dag-processor on every parse of the file), and a full cosmos run
with ``dag.test()`` (tasks run one after the other in this process, dbt as a child process per node — a real
scheduler adds a task-runner start per node on top). Prints a Markdown table for docs/airflow.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _prepare(data_dir: Path | None) -> Path:
    from regiohub.core import settings
    from regiohub.ingest.replay import offline
    from regiohub.ops.pipeline import run

    if data_dir:
        return data_dir
    base = Path(tempfile.mkdtemp(prefix="regiohub-bench-dbt-"))
    with offline():
        run(settings.paths(base))
    return base


def _one_task(data_dir: Path) -> dict[str, float]:
    from regiohub.build.transform import build_candidate
    from regiohub.core import settings

    t0 = time.monotonic()
    candidate = build_candidate(settings.paths(data_dir))
    seconds = time.monotonic() - t0
    candidate.unlink(missing_ok=True)
    return {"seconds": seconds, "peak_child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


COSMOS_DAG = """
# An Airflow DAG rendered by cosmos (the DagBag only reads files mentioning airflow and dag).
import json, os, sys
from pathlib import Path
from cosmos import DbtDag, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import InvocationMode, LoadMode, TestBehavior

project = Path(os.environ["BENCH_DBT_PROJECT"])
bench_cosmos = DbtDag(
    dag_id="bench_cosmos",
    project_config=ProjectConfig(project, dbt_vars=json.loads(os.environ["BENCH_DBT_VARS"]),
                                 env_vars=json.loads(os.environ["BENCH_DBT_ENV"]), install_dbt_deps=False),
    profile_config=ProfileConfig(profile_name="regiohub", target_name="candidate",
                                 profiles_yml_filepath=project / "profiles.yml"),
    execution_config=ExecutionConfig(dbt_executable_path=str(Path(sys.executable).with_name("dbt")),
                                     invocation_mode=InvocationMode.SUBPROCESS),
    render_config=RenderConfig(load_method=LoadMode.DBT_LS, test_behavior=TestBehavior.AFTER_EACH),
    schedule=None,
    catchup=False,
)
"""


def _cosmos(data_dir: Path, dags_dir: Path) -> dict[str, float]:
    """Render the dbt project with cosmos in a DAG file (as the dag-processor would), then run it."""
    import json

    from airflow.dag_processing.dagbag import DagBag

    from regiohub.build.transform import export_registry
    from regiohub.core import settings
    from regiohub.registry.model import load_registry

    data = settings.paths(data_dir).ensure()
    export_registry(load_registry(), data)
    candidate = data.build / "candidate-cosmos.duckdb"
    dbt_vars = {
        "raw_dir": str(data.raw), "registry_dir": str(data.build / "registry"), "geo_dir": str(settings.GEO_DIR),
    }
    env = {"REGIOHUB_CANDIDATE_PATH": str(candidate), "REGIOHUB_DBT_TARGET_PATH": str(data.build / "cosmos_target"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    os.environ.update(env | {"BENCH_DBT_PROJECT": str(settings.DBT_PROJECT_DIR), "BENCH_DBT_VARS": json.dumps(dbt_vars),
                             "BENCH_DBT_ENV": json.dumps(env)})
    (dags_dir / "bench_cosmos.py").write_text(COSMOS_DAG)
    t0 = time.monotonic()
    bag = DagBag(dag_folder=dags_dir)
    render = time.monotonic() - t0
    assert not bag.import_errors, bag.import_errors
    dag = bag.dags["bench_cosmos"]
    t0 = time.monotonic()
    run = dag.test()
    seconds = time.monotonic() - t0
    states = [ti.state for ti in run.get_task_instances()]
    candidate.unlink(missing_ok=True)
    return {"render_seconds": render, "tasks": len(dag.tasks), "seconds": seconds, "state": run.state,
            "failed_tasks": sum(s == "failed" for s in states)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="regiohub-bench-airflow-"))
    (home / "dags").mkdir()
    os.environ.update({"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                       "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
                       "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}"})
    from airflow.utils.db import initdb

    initdb()
    data_dir = _prepare(args.data_dir)
    one = _one_task(data_dir)
    print(f"one task: {one}", flush=True)
    cos = _cosmos(data_dir, home / "dags")
    print(f"| approach | tasks | render (parse) s | build s | notes |\n|---|---|---|---|---|\n"
          f"| one `dbt build` task | 1 | 0 | {one['seconds']:.1f} | dbt peak RSS {one['peak_child_rss_mb']:.0f} MB |\n"
          f"| cosmos DbtDag (dbt_ls, after_each) | {cos['tasks']} | {cos['render_seconds']:.1f} | "
          f"{cos['seconds']:.1f} | dag.test() state {cos['state']}, {cos['failed_tasks']} failed tasks |")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
