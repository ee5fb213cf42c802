"""Airflow ingest DAGs, one per source in ``registry/sources.yml`` (dag_id ``ingest_<source_id>``).

Adding a source to the registry adds its DAG; see :mod:`regiohub.orchestration.ingest_dag`.
"""

from __future__ import annotations

from regiohub.ingest.connectors import check_registry
from regiohub.orchestration.ingest_dag import build_ingest_dag, ingest_dag_id
from regiohub.registry.model import load_registry

for _source in check_registry(load_registry()).sources:
    globals()[ingest_dag_id(_source.id)] = build_ingest_dag(_source)
