"""Where the sensor sources keep their files in the data folder (issue 24; :mod:`regiohub.ingest.mqtt`).

``spool/mqtt/<source>/``: MQTT messages received and on disk before they are acknowledged;
``raw/<source>/<entity>/<load_id>.parquet``: the loads the SensorThings endpoint reads.
"""

from __future__ import annotations

from pathlib import Path

from regiohub.core import settings


def spool_dir(data: settings.Paths, source_id: str) -> Path:
    return data.data_dir / "spool" / "mqtt" / source_id


def raw_files(data: settings.Paths, source_ids: list[str], entity: str) -> list[str]:
    """The raw Parquet files of ``entity`` of the given sources, sorted."""
    return sorted(str(p) for i in source_ids for p in (data.raw / i / entity).glob("*.parquet"))


def raw_load(data: settings.Paths, source_id: str, entity: str, load_id: str) -> Path:
    return data.raw / source_id / entity / f"{load_id}.parquet"
