"""Airflow DAG ``build_mart``: build, audit and publish the mart whenever a source's raw data changed."""

from __future__ import annotations

from typing import Any

from airflow.sdk import dag, task

from regiohub.orchestration.assets import MART_PUBLISHED, any_raw_asset
from regiohub.orchestration.defaults import MART_RETRIES, OWNER, START_DATE
from regiohub.orchestration.mart import summary
from regiohub.registry import load_registry


@dag(
    schedule=any_raw_asset(load_registry()),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=["regiohub", "mart"],
    default_args={"owner": OWNER},
)
def build_mart() -> None:
    """
    ### Build, audit and publish the mart
    Runs when any source's raw data changed (an `ingest_<source_id>` DAG emitted `regiohub://raw/<source_id>`),
    one run at a time. A candidate mart is built from all raw data with dbt, checked by the audit gate and only
    then swapped in atomically as `published/regiohub.duckdb`; a rejected candidate leaves the published mart
    as it was (and is not retried). Emits `regiohub://mart/published` when a new snapshot is published.
    """

    @task(outlets=[MART_PUBLISHED], **MART_RETRIES)
    def build_and_publish(*, outlet_events=None) -> dict[str, Any]:
        """
        #### Build and publish
        `regiohub.pipeline.build_and_publish`: dbt build of a candidate, audit gate, atomic publish.
        """
        from regiohub.pipeline import build_and_publish as run

        result = summary(run())
        outlet_events[MART_PUBLISHED].extra = result
        return result

    build_and_publish()


build_mart()
