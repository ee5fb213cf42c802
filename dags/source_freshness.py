"""Airflow DAG ``source_freshness``: alert when a source stops delivering."""

from __future__ import annotations

from regiohub.orchestration.freshness_dag import build_freshness_dag

source_freshness = build_freshness_dag()
