"""Run the ``report_delivery`` DAG N times with ``dag.test()`` in a fresh Airflow home (used by a test, in a child).

    python dag_run.py DAGS_FOLDER N."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

home = Path(tempfile.mkdtemp(prefix="regiohub-delivery-airflow-"))
os.environ.update({"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                   "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
                   "AIRFLOW__CORE__DAGS_FOLDER": sys.argv[1]})

from airflow.dag_processing.dagbag import DagBag  # noqa: E402
from airflow.utils.db import initdb  # noqa: E402

initdb()
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags["report_delivery"]
runs = []
for _ in range(int(sys.argv[2])):
    run = dag.test()
    runs.append({"state": str(run.state), "tasks": {ti.task_id: str(ti.state) for ti in run.get_task_instances()}})
schedule = [asset.uri for asset in dag.timetable.asset_condition.objects]
print("RESULT " + json.dumps({"runs": runs, "schedule": schedule, "import_errors": list(bag.import_errors)}))
