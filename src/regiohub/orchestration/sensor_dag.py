"""The DAG ``ingest_water_level_sensors``: load sensor readings from the Redis Stream when woken.

Scheduled on the ``sensor_water_level`` asset (``MessageQueueTrigger`` on Redis pub/sub). The message
only wakes the DAG; the readings come from the stream (:mod:`regiohub.ingest.sensor_stream`), so a run
loads everything not yet acknowledged — including readings whose wake-up message nobody heard.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from regiohub.orchestration.assets import raw_asset, sensor_asset
from regiohub.orchestration.callbacks import notify_task_failure
from regiohub.orchestration.defaults import OWNER, START_DATE

DAG_ID = "ingest_water_level_sensors"


def build_sensor_dag() -> DAG:
    from regiohub.ingest.sensor_stream import RAW_SOURCE_ID

    raw = raw_asset(RAW_SOURCE_ID)

    @dag(
        dag_id=DAG_ID,
        schedule=sensor_asset(),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=["regiohub", "ingest", "water", "events"],
        doc_md=(
            "### Water-level sensors (near real time)\n\nWoken by a Redis pub/sub message; reads the readings "
            "from the Redis Stream `regiohub:water_level:readings` from the last acknowledged entry, writes them "
            f"next to the PEGELONLINE measurements and emits `{raw.uri}`. Licence as PEGELONLINE (dl-de/zero-2-0)."
        ),
        default_args={"owner": OWNER, "retries": 2, "retry_exponential_backoff": 2.0,
                      "on_failure_callback": notify_task_failure},
        params={"source_id": RAW_SOURCE_ID},
    )
    def ingest_water_level_sensors() -> None:
        @task
        def load_readings() -> dict[str, Any]:
            """
            #### Load readings
            Unacknowledged stream entries → one raw load; acknowledged only after the Parquet file is in place.
            """
            from dataclasses import asdict

            from regiohub.ingest.sensor_stream import client, load

            return asdict(load(client()))

        @task(outlets=[raw])
        def emit_raw_asset(result: dict[str, Any], *, outlet_events=None) -> None:
            """
            #### Emit the raw asset
            Only when readings were loaded.
            """
            if not result["rows"]:
                raise AirflowSkipException("no new sensor readings")
            outlet_events[raw].extra = {"load_id": result["load_id"], "rows": {"measurements": result["rows"]},
                                        "origin": "sensor_stream"}

        emit_raw_asset(load_readings())

    return ingest_water_level_sensors()
