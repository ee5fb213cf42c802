"""Airflow inbox DAGs, one per source (dag_id ``inbox_<source_id>``): ingest files partners drop.

See :mod:`regiohub.orchestration.inbox_dag` and :mod:`regiohub.ingest.inbox`.
"""

from __future__ import annotations

from regiohub.orchestration.inbox_dag import build_inbox_dag, inbox_dag_id
from regiohub.registry.model import load_registry

for _source in load_registry().sources:
    globals()[inbox_dag_id(_source.id)] = build_inbox_dag(_source)
