"""The assets connecting the DAGs.

- ``raw_<source_id>`` (``regiohub://raw/<source_id>``): a source's raw data changed; emitted by its
  ingest DAG (only when a load changed data), its inbox DAG and — for PEGELONLINE — the sensor DAG.
- ``inbox_<source_id>`` (``regiohub://inbox/<source_id>``): files are ready in the source's inbox. Watched
  by a ``FileDeleteTrigger`` on the ready marker; external systems may post events on it (REST API).
- ``sensor_water_level`` (``regiohub://events/water_level``): a wake-up message on Redis pub/sub.
- ``mart_published`` (``regiohub://mart/published``): a new mart snapshot, for downstream consumers.
"""

from __future__ import annotations

import functools
import operator
import os

from airflow.sdk import Asset, AssetWatcher
from airflow.sdk.definitions.asset import BaseAsset

from regiohub.core import settings
from regiohub.registry.model import Registry

MART_PUBLISHED = Asset(name="mart_published", uri="regiohub://mart/published", group="regiohub_mart")
REDIS_CONN_ID = "regiohub_redis"


def poke_interval() -> float:
    """Seconds between checks of the file and message triggers (``REGIOHUB_POKE_INTERVAL``, default 10)."""
    return float(os.environ.get("REGIOHUB_POKE_INTERVAL", "10"))


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


def inbox_asset(source_id: str, data: settings.Paths | None = None) -> Asset:
    """Files ready in ``inbox/<source_id>/``: watches the ready marker, never the data (the trigger deletes it)."""
    from airflow.providers.standard.triggers.file import FileDeleteTrigger

    from regiohub.ingest.inbox import marker_path

    trigger = FileDeleteTrigger(filepath=str(marker_path(source_id, data)), poke_interval=poke_interval())
    return Asset(
        name=f"inbox_{source_id}",
        uri=f"regiohub://inbox/{source_id}",
        group="regiohub_inbox",
        watchers=[AssetWatcher(name=f"inbox_{source_id}_marker", trigger=trigger)],
    )


def sensor_asset() -> Asset:
    """A wake-up message from the water-level sensors (Redis pub/sub via common-messaging)."""
    from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger

    from regiohub.ingest.sensor_stream import CHANNEL

    trigger = MessageQueueTrigger(
        scheme="redis+pubsub", channels=[CHANNEL], redis_conn_id=REDIS_CONN_ID, poll_interval=poke_interval()
    )
    return Asset(
        name="sensor_water_level",
        uri="regiohub://events/water_level",
        group="regiohub_events",
        watchers=[AssetWatcher(name="sensor_water_level_wakeup", trigger=trigger)],
    )
