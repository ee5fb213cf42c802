"""The sensor stream on the real Redis: durable readings, acknowledged only once they are in raw Parquet."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Iterator

import duckdb
import pytest

from regiohub import settings


@pytest.fixture
def stream(services, monkeypatch) -> Iterator[object]:
    """The sensor_stream module under a private key namespace (removed afterwards)."""
    import regiohub.events.sensor_stream as sensor_stream

    namespace = f"regiohub_test_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REGIOHUB_EVENTS_NAMESPACE", namespace)
    module = importlib.reload(sensor_stream)
    client = module.client("redis://127.0.0.1:6379/0")
    yield module, client
    for key in client.keys(f"{namespace}:*"):
        client.delete(key)
    monkeypatch.delenv("REGIOHUB_EVENTS_NAMESPACE")
    importlib.reload(sensor_stream)


def _reading(value: object, stamp: str = "2026-11-20T10:00:00+01:00") -> dict:
    return {"station_uuid": "5e10e1e7-9115-4bd7-ad57-e2062f516891", "timestamp": stamp, "value": value}


def test_a_crashed_load_gets_its_readings_again(stream, data_dir) -> None:
    module, r = stream
    ids = module.publish(r, [_reading(300), _reading(301, "2026-11-20T10:15:00+01:00")], wake=False)
    delivered = module.read_unacknowledged(r)  # a loader that dies before acknowledging
    assert [i for i, _ in delivered] == ids

    result = module.load(r, settings.paths(data_dir))

    assert result.entry_ids == ids and result.rows == 2
    assert module.load(r, settings.paths(data_dir)).load_id is None  # acknowledged: nothing left
    with duckdb.connect() as con:
        rows = con.execute("select value_cm, _source_id, _load_id from read_parquet(?) order by value_cm",
                           [result.raw_file]).fetchall()
    assert rows == [(300.0, "pegelonline", result.load_id), (301.0, "pegelonline", result.load_id)]


def test_unusable_readings_are_kept_and_reported_not_loaded(stream, data_dir) -> None:
    module, r = stream
    module.publish(r, [_reading(299), _reading("n/a"), _reading(300, "2026-11-20T10:00:00")], wake=False)

    result = module.load(r, settings.paths(data_dir))

    assert result.rows == 1 and len(result.rejected) == 2
    assert "timestamp without UTC offset" in result.rejected[1]
    kept = json.loads((settings.paths(data_dir).landing / module.LANDING_NAME / result.load_id / "readings.json")
                      .read_text())
    assert [k["value"] for k in kept] == ["299", "n/a", "300"]  # the payload keeps everything
    assert r.xpending(module.STREAM, module.GROUP)["pending"] == 0
