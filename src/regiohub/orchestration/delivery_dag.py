"""The DAG ``report_delivery``: on every new mart snapshot, deliver the subscribed partners' reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import DAG, dag, task

from regiohub.orchestration.assets import MART_PUBLISHED
from regiohub.orchestration.callbacks import notify_task_failure
from regiohub.orchestration.defaults import OWNER, START_DATE

DAG_ID = "report_delivery"


def build_delivery_dag() -> DAG:
    @dag(
        dag_id=DAG_ID,
        schedule=[MART_PUBLISHED],
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        tags=["regiohub", "reports"],
        doc_md=(
            "### Kooperationsberichte zustellen\n\nRuns when `regiohub://mart/published` reports a new snapshot: "
            "renders each partner's report (PDF and Excel) listed in `registry/subscriptions.yml` for its "
            "configured years, writes it to `outbox/<partner>/<snapshot>/` and mails it (if `REGIOHUB_SMTP_HOST` "
            "is set). A ledger (`runs/deliveries.sqlite3`, keyed on snapshot, partner, year and channel) makes "
            "re-runs and retries deliver only what is missing."
        ),
        default_args={"owner": OWNER, "retries": 2, "retry_delay": timedelta(minutes=10),
                      "on_failure_callback": notify_task_failure},
    )
    def report_delivery() -> None:
        @task
        def deliver() -> dict[str, Any]:
            """
            #### Deliver the reports
            Outbox and e-mail for every subscription not yet delivered for the published snapshot.
            """
            from dataclasses import asdict

            from regiohub.delivery.deliver import deliver_reports

            result = deliver_reports()
            if result.failed:
                raise RuntimeError(f"reports not delivered: {', '.join(result.failed)} (the others were)")
            return asdict(result)

        deliver()

    return report_delivery()
