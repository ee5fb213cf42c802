"""Where the sensor sources keep their files in the data folder (issue 24; :mod:`regiohub.ingest.mqtt`).

``spool/mqtt/<source>/``: MQTT messages received and on disk before they are acknowledged;
``raw/<source>/<entity>/<load_id>.parquet``: the loads the SensorThings endpoint reads.
"""

from __future__ import annotations

from pathlib import Path

from regiohub.core import settings
from regiohub.store import layout

spool_dir = layout.spool_dir


def raw_files(data: settings.Paths, source_ids: list[str], entity: str) -> list[str]:
    """The raw Parquet files of ``entity`` of the given sources, sorted."""
    return sorted(str(p) for i in source_ids for p in layout.raw_entity_dir(data, i, entity).glob("*.parquet"))


def raw_load(data: settings.Paths, source_id: str, entity: str, load_id: str) -> Path:
    return layout.raw_file(data, source_id, entity, load_id)
