"""The assets connecting the DAGs: one per source's raw data, one for the published mart.

An ingest DAG emits ``raw_<source_id>`` only when a load changed data; the mart DAG is scheduled
on any of them and emits ``mart_published``.
"""

from __future__ import annotations

import functools
import operator

from airflow.sdk import Asset
from airflow.sdk.definitions.asset import BaseAsset

from regiohub.registry import Registry

MART_PUBLISHED = Asset(name="mart_published", uri="regiohub://mart/published", group="regiohub_mart")


def raw_asset(source_id: str) -> Asset:
    """The asset standing for the raw Parquet files of one source."""
    return Asset(name=f"raw_{source_id}", uri=f"regiohub://raw/{source_id}", group="regiohub_raw")


def raw_assets(registry: Registry) -> list[Asset]:
    """The raw assets of every registered source, in registry order."""
    return [raw_asset(source.id) for source in registry.sources]


def any_raw_asset(registry: Registry) -> BaseAsset:
    """Schedule condition: any source's raw data changed (``raw_a | raw_b | ...``)."""
    assets = raw_assets(registry)
    if not assets:
        raise ValueError("the registry has no sources: nothing to schedule the mart on")
    return functools.reduce(operator.or_, assets)
