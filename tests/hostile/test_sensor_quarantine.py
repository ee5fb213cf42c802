"""Readings the stream used to load into raw (0001-01-01, 1e300 cm, −99,999 cm, unknown stations, a 10 MB
station id) are quarantined with the reasons a PEGELONLINE file's rows get — through the real Redis."""

from __future__ import annotations

import importlib
import json
import socket
import uuid

import duckdb
import pytest

from regiohub.core import settings
from regiohub.ingest.connectors.pegelonline import PegelonlineConnector
from regiohub.ingest.replay import offline
from regiohub.ingest.source import ingest_source

GAUGE = "5e10e1e7-9115-4bd7-ad57-e2062f516891"  # a registered gauge of the recorded station list
STAMP = "2026-11-20T10:00:00+01:00"
REASONS = {reason for reason, _ in PegelonlineConnector.checks["measurements"]}
BAD = [
    ({"station_uuid": GAUGE, "timestamp": "0001-01-01T00:00:00+00:00", "value": "300"}, "reading dated before 1900"),
    ({"station_uuid": GAUGE, "timestamp": STAMP, "value": "1e300"}, "water level out of range"),
    ({"station_uuid": GAUGE, "timestamp": STAMP, "value": "-99999"}, "water level out of range"),
    ({"station_uuid": "00000000-0000-0000-0000-000000000000", "timestamp": STAMP, "value": "300"}, "unknown station"),
    ({"station_uuid": "S" * 10_000_000, "timestamp": STAMP, "value": "300"}, "unknown station"),
]


@pytest.fixture
def stream(monkeypatch, data_dir):
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("Redis not reachable on 127.0.0.1:6379: start it to run the sensor-stream tests")
    import regiohub.ingest.sensor_stream as sensor_stream

    monkeypatch.setenv("REGIOHUB_EVENTS_NAMESPACE", f"regiohub_quarantine_{uuid.uuid4().hex[:8]}")
    module = importlib.reload(sensor_stream)
    client = module.client("redis://127.0.0.1:6379/0")
    with offline():  # the registered gauges in raw, as a poll leaves them
        ingest_source("pegelonline", data=settings.paths(data_dir))
    yield module, client
    for key in client.keys(f"{module.NAMESPACE}:*"):
        client.delete(key)
    monkeypatch.delenv("REGIOHUB_EVENTS_NAMESPACE")
    importlib.reload(sensor_stream)


def test_implausible_readings_are_quarantined_like_a_files_rows(stream, data_dir, caplog) -> None:
    module, r = stream
    data = settings.paths(data_dir)
    good = {"station_uuid": GAUGE, "timestamp": "2026-11-20T10:15:00+01:00", "value": "287"}
    module.publish(r, [*(reading for reading, _ in BAD), good], wake=False)

    result = module.load(r, data)

    assert result.rows == 1 and result.rejected == []  # all readable: none dead-lettered
    assert result.quarantined == {"reading dated before 1900": 1, "water level out of range": 2, "unknown station": 2}
    assert set(result.quarantined) <= REASONS  # the file path's own reasons, not new ones
    held = data.data_dir / "quarantine" / "pegelonline" / "measurements" / f"{result.load_id}.parquet"
    with duckdb.connect() as con:
        raw = con.execute("select station_uuid, value_cm from read_parquet(?)", [result.raw_file]).fetchall()
        kept = con.execute("select length(station_uuid), measured_at, value_cm, _reason, _load_id "
                           "from read_parquet(?) order by all", [str(held)]).fetchall()
    assert raw == [(GAUGE, 287.0)]
    expected = sorted((len(x["station_uuid"]), x["timestamp"], float(x["value"]), why, result.load_id)
                      for x, why in BAD)
    assert sorted(kept) == expected  # nothing lost: every reading kept whole with its reason
    ledger = json.loads((data.raw / "pegelonline" / "_loads" / f"{result.load_id}.json").read_text())
    assert ledger["origin"] == "publisher" and ledger["files"]  # in the provenance ledger like any load
    state = json.loads((data.state / "pegelonline.json").read_text())
    assert state["stream_load_id"] == result.load_id and state["stream_quarantined"] == result.quarantined
    assert r.xpending(module.STREAM, module.GROUP)["pending"] == 0
    assert max((len(rec.getMessage()) for rec in caplog.records), default=0) < 2_000  # the 10 MB id is never echoed
