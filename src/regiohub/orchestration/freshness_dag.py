"""The DAG ``source_freshness``: hourly SLA check that alerts when a source stops delivering."""

from __future__ import annotations

from typing import Any

from airflow.sdk import DAG, dag, task

from regiohub.orchestration.defaults import OWNER, START_DATE

DAG_ID = "source_freshness"


def build_freshness_dag() -> DAG:
    @dag(
        dag_id=DAG_ID,
        schedule="@hourly",
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=["regiohub", "monitoring"],
        doc_md=(
            "### Source freshness (SLA)\n\nHourly: a source whose last successful poll is older than three "
            "schedule intervals (or `REGIOHUB_MAX_AGE_HOURS_<SOURCE_ID>`) is overdue. Operators are notified once "
            "when it becomes overdue and once when it recovers (channels: `REGIOHUB_NOTIFY`)."
        ),
        default_args={"owner": OWNER, "retries": 1},
    )
    def source_freshness() -> None:
        @task
        def check_sources() -> dict[str, Any]:
            """
            #### Check the sources
            Compares each source's last successful poll with its allowed age; notifies on changes.
            """
            from dataclasses import asdict

            from regiohub.core import settings
            from regiohub.ops.notify import notify
            from regiohub.registry.model import load_registry
            from regiohub.store.freshness import new_alerts, overdue_sources

            data = settings.paths().ensure()
            overdue = overdue_sources(load_registry(), data)
            fresh_alerts, recovered = new_alerts(overdue, data)
            for o in fresh_alerts:
                notify(
                    f"Regio.hub: source {o.source_id} stopped delivering",
                    f"last successful poll: {o.last_success or 'never'}; allowed age {o.max_age_hours} h; "
                    f"last error: {o.last_error or '-'}",
                    asdict(o),
                )
            for source_id in recovered:
                notify(f"Regio.hub: source {source_id} delivers again", "back within its allowed age",
                       {"source_id": source_id}, alert=False)
            return {"overdue": [o.source_id for o in overdue], "alerted": [o.source_id for o in fresh_alerts],
                    "recovered": recovered}

        check_sources()

    return source_freshness()
