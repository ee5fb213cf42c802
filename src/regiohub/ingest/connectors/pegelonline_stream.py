"""Sensor-stream readings as a PEGELONLINE measurements load: the same checks, keys and quarantine as a file.

:mod:`regiohub.ingest.sensor_stream` lands the readings it could decode as ``accepted.json``
(``[{"station_uuid", "timestamp", "value"}, …]``) and hands the folder to the raw writer with this
connector: unknown stations, implausible water levels and dates are quarantined with the very reasons
a polled or operator's file gets (:class:`~regiohub.ingest.connectors.pegelonline.PegelonlineConnector`),
and only readings not yet in raw are written.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import duckdb

from regiohub.ingest.connectors.base import FetchContext, materialise
from regiohub.ingest.connectors.pegelonline import PegelonlineConnector
from regiohub.ingest.connectors.pegelonline_payloads import known_stations
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

ACCEPTED = "accepted.json"


class StreamReadingsConnector(PegelonlineConnector):
    """Measurements only, from ``accepted.json``; each reading stands alone (no share rejects the batch)."""

    entities = RAW_ENTITIES["pegelonline_stream"].entities
    accumulate = RAW_ENTITIES["pegelonline_stream"].accumulate
    keys: ClassVar = {"measurements": PegelonlineConnector.keys["measurements"]}
    checks: ClassVar = {"measurements": PegelonlineConnector.checks["measurements"]}
    max_quarantine_share = 1.0

    def fetch(self, ctx: FetchContext) -> None:  # pragma: no cover - readings are pushed, never fetched
        raise NotImplementedError("sensor readings arrive through the stream")

    def high_water_marks(self, con: duckdb.DuckDBPyConnection, written: dict[str, str]) -> dict | None:
        return None  # the poll's window must not jump over readings the stream did not carry

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        known_stations(con, landing_dir, source)
        con.execute("create or replace temp table _known_stations as select uuid, number, shortname from known"
                    ).fetchall()
        measurements = materialise(con, "measurements", """
            select station_uuid, "timestamp" as measured_at, try_cast("value" as double) as value_cm,
                filename as _payload
            from read_json($file, format = 'array', filename = true,
                           columns = {station_uuid: 'VARCHAR', "timestamp": 'VARCHAR', "value": 'VARCHAR'})
        """, {"file": str(landing_dir / ACCEPTED)})
        return {"measurements": measurements}
