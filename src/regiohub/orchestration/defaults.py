"""Settings shared by the Regio.hub DAGs."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

# Fixed, in the past, in the region's time zone: cron schedules such as @daily run at local midnight.
START_DATE = pendulum.datetime(2026, 1, 1, tz="Europe/Berlin")

OWNER = "regiohub"

# The HTTP client already retries single requests; these retries cover a source that is down for longer.
INGEST_RETRIES: dict[str, object] = {
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,  # 2, 4, 8 minutes
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(minutes=30),
}

# A rejected candidate stays rejected until the data changes: do not retry the audit gate.
GATE_IS_FINAL = ExceptionRetryPolicy(
    rules=[RetryRule(exception="regiohub.core.errors.GateError", action=RetryAction.FAIL, reason="audit gate rejected")]
)

MART_RETRIES: dict[str, object] = {
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
    "retry_policy": GATE_IS_FINAL,
    "execution_timeout": timedelta(hours=1),
}
