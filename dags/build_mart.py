"""Airflow DAG ``build_mart``: build, audit and publish the mart whenever a source's raw data changed.

See :mod:`regiohub.orchestration.mart_dag`.
"""

from __future__ import annotations

from regiohub.ingest.connectors import check_registry
from regiohub.orchestration.mart_dag import build_mart_dag
from regiohub.registry.model import load_registry

build_mart = build_mart_dag(check_registry(load_registry()))
