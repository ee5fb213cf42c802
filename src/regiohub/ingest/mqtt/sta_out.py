"""A load's new observations as SensorThings MQTT messages (the topics an STA server publishes).

Topic ``v1.1/Datastreams('<source>:<datastream>')/Observations`` with the ids of ``/sta/v1.1``; the body is
the Observation as the HTTP API returns it. Subscribers (Masterportal's live layer, partners' platforms)
get every new value without polling.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from regiohub.core import duckdb_settings, settings
from regiohub.store.sensors import raw_load


def observations_of(data: settings.Paths, source_id: str, load_id: str) -> Iterator[tuple[str, bytes]]:
    path = raw_load(data, source_id, "observations", load_id)
    if not path.exists():
        return
    with duckdb_settings.connect() as con:
        rows = con.execute(
            "select datastream_id, observation_id, phenomenon_start, phenomenon_end, result_time, result_number, "
            "result_text from read_parquet(?)", [str(path)]).fetchall()
    for ds, oid, start, end, result_time, number, text in rows:
        key = f"{source_id}:{ds}".replace("'", "''")
        body = {
            "@iot.id": f"{source_id}:{oid}",
            "phenomenonTime": f"{start}/{end}" if end else start,
            "resultTime": result_time,
            "result": json.loads(text) if text else number,
        }
        yield f"v1.1/Datastreams('{key}')/Observations", json.dumps(body, ensure_ascii=False).encode()
