"""Airflow DAG ``report_delivery``: deliver the partners' reports on every new mart snapshot."""

from __future__ import annotations

from regiohub.orchestration.delivery_dag import build_delivery_dag

report_delivery = build_delivery_dag()
