"""The DAG ``build_mart``: build, audit and publish the mart whenever a source's raw data changed.

Generated like the other DAGs (:func:`build_mart_dag`, called from ``dags/build_mart.py``). Each task
calls the same library step as ``regiohub run`` (:mod:`regiohub.orchestration.mart` over
:mod:`regiohub.ops.pipeline`): crash recovery, holding back broken sources, the gate, the atomic publish.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from regiohub.orchestration import mart
from regiohub.orchestration.assets import MART_PUBLISHED, any_raw_asset
from regiohub.orchestration.callbacks import mart_failure
from regiohub.orchestration.defaults import MART_RETRIES, OWNER, START_DATE
from regiohub.orchestration.executors import MART_POOL
from regiohub.registry.model import Registry


def build_mart_dag(registry: Registry) -> DAG:
    """Create ``build_mart``, scheduled on the raw assets of every registered source."""

    @dag(
        dag_id="build_mart",
        schedule=any_raw_asset(registry),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=["regiohub", "mart"],
        # the pool's single slot: one mart task at a time, whichever worker runs it (CeleryExecutor)
        default_args={"owner": OWNER, "on_failure_callback": mart_failure, "pool": MART_POOL, **MART_RETRIES},
    )
    def build_mart() -> None:
        """
        ### Build, audit and publish the mart
        Runs when any source's raw data changed (an `ingest_<source_id>` DAG emitted `regiohub://raw/<source_id>`),
        one run at a time (`max_active_runs=1`: events arriving during a build wait in Airflow's queue and start exactly
        one follow-up run, which reads all raw data present when it starts). Its tasks share the pool
        `regiohub_mart` with a single slot, so on several Celery workers, too, only one of them runs at a time.
        A candidate mart is built from all raw data with dbt, checked by the audit gate and only
        then swapped in atomically as `published/regiohub.duckdb`; a rejected candidate stays in `build/` for
        inspection, the published mart stays as it was, and the gate is not retried. Emits
        `regiohub://mart/published` when a new snapshot is published. Runs are recorded in `runs/history.sqlite3`.

        Avoid running `regiohub run` by hand on the same data dir while this DAG is active.
        """

        @task
        def build_candidate(*, triggering_asset_events=None, ti=None, run_id=None, dag_run=None) -> str:
            """
            #### Build
            Crash recovery, then `dbt build` of a new candidate under `build/`, holding back a source whose new
            loads break it (`regiohub.ops.pipeline.build_step`, the same step as `regiohub run`); dbt's progress is in
            this log. Logs the triggering asset events and pushes the raw loads it includes (XCom `included_loads`).
            Skipped, naming them, while a registered source has no raw data yet (the first build waits for all).
            """
            import logging

            log = logging.getLogger("regiohub.build_mart")
            waiting = mart.waiting_for()
            if waiting:  # a first build on a new data dir: skipped, not failed and retried
                log.warning("%s", waiting)
                raise AirflowSkipException(waiting)
            for asset, events in (triggering_asset_events or {}).items():
                for event in events:
                    log.info("triggered by %s: load %s", asset.uri, (event.extra or {}).get("load_id"))
            ti.xcom_push(key="included_loads", value=mart.included_loads())
            return str(mart.build(run_id, dag_run.start_date))

        @task
        def validate_candidate(candidate: str, *, run_id=None) -> str:
            """
            #### Audit gate
            Great Expectations checkpoints on the candidate (`regiohub.audit.validate_candidate`); fails, without
            retry, if an expectation fails. Returns the validation results file.
            """
            from pathlib import Path

            return str(mart.validate(Path(candidate), run_id))

        @task(outlets=[MART_PUBLISHED])
        def publish_candidate(
            candidate: str, validation_results: str, *, run_id=None, dag_run=None, outlet_events=None
        ) -> dict[str, Any]:
            """
            #### Publish
            Atomic swap of the audited candidate into `published/regiohub.duckdb` (`regiohub.publish.swap`); emits
            `regiohub://mart/published` with the snapshot id.
            """
            from pathlib import Path

            result = mart.publish(Path(candidate), run_id)
            outlet_events[MART_PUBLISHED].extra = {"snapshot_id": result["snapshot_id"], "tables": result["tables"]}
            return result

        candidate = build_candidate()
        publish_candidate(candidate, validate_candidate(candidate))

    return build_mart()
