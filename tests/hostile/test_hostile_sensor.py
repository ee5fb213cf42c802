"""Crafted sensor-stream entries on the real Redis (127.0.0.1:6379): each bad one is dead-lettered with
its reason, the good ones load, everything is acknowledged, nothing is left pending, no secret leaks.
"""

from __future__ import annotations

import importlib
import socket
import uuid

import duckdb
import pytest

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ingest.source import ingest_source

from .conftest import assert_no_secrets

UUID = b"5e10e1e7-9115-4bd7-ad57-e2062f516891"
STAMP = b"2026-11-20T10:00:00+01:00"

CRAFTED: list[tuple[str, dict[bytes, bytes], str | None]] = [
    ("non-UTF-8 value", {b"station_uuid": b"\xc3\x28", b"timestamp": STAMP, b"value": b"300"}, "not UTF-8"),
    ("non-UTF-8 field name", {b"station_\xff": UUID, b"timestamp": STAMP, b"value": b"300"}, "not UTF-8"),
    ("latin-1 umlaut", {b"station_uuid": b"Pegel Gro\xdf Glienicke", b"timestamp": STAMP, b"value": b"1"},
     "not UTF-8"),
    ("missing value", {b"station_uuid": UUID, b"timestamp": STAMP}, "missing value"),
    ("empty fields", {b"station_uuid": b"", b"timestamp": b"", b"value": b""}, "missing station_uuid"),
    ("NaN", {b"station_uuid": UUID, b"timestamp": STAMP, b"value": b"NaN"}, "value is not a number"),
    ("-inf", {b"station_uuid": UUID, b"timestamp": STAMP, b"value": b"-inf"}, "value is not a number"),
    ("1e400", {b"station_uuid": UUID, b"timestamp": STAMP, b"value": b"1e400"}, "value is not a number"),
    ("German decimal comma", {b"station_uuid": UUID, b"timestamp": STAMP, b"value": b"300,5"},
     "unreadable value '300,5' (a number in cm expected)"),
    ("no UTC offset", {b"station_uuid": UUID, b"timestamp": b"2026-11-20T10:00:00", b"value": b"1"},
     "timestamp without UTC offset"),
    ("year 2098", {b"station_uuid": UUID, b"timestamp": b"2098-01-01T00:00:00+00:00", b"value": b"1"},
     "timestamp in the future"),
    ("epoch seconds", {b"station_uuid": UUID, b"timestamp": b"1763629200", b"value": b"1"},
     "unreadable timestamp '1763629200'"),
    ("NUL in timestamp", {b"station_uuid": UUID, b"timestamp": b"2026-11-20\x00T10", b"value": b"1"},
     "unreadable timestamp '2026-11-20\\x00T10'"),
    ("10 kB timestamp", {b"station_uuid": UUID, b"timestamp": b"9" * 10_000, b"value": b"1"},
     f"unreadable timestamp '{'9' * 39}…'"),
    # read as text, never as SQL (parameters): quarantined as an unknown station, the exact string kept
    ("SQL in station id", {b"station_uuid": b"x'); drop table readings; --", b"timestamp": STAMP, b"value": b"2"},
     None),
    ("good", {b"station_uuid": UUID, b"timestamp": STAMP, b"value": b"301"}, None),
]


@pytest.fixture
def stream(monkeypatch):
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("Redis not reachable on 127.0.0.1:6379: start it to run the sensor-stream tests")
    import regiohub.ingest.sensor_stream as sensor_stream

    namespace = f"regiohub_hostile_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REGIOHUB_EVENTS_NAMESPACE", namespace)
    module = importlib.reload(sensor_stream)
    client = module.client("redis://127.0.0.1:6379/0")
    yield module, client
    for key in client.keys(f"{namespace}:*"):
        client.delete(key)
    monkeypatch.delenv("REGIOHUB_EVENTS_NAMESPACE")
    importlib.reload(sensor_stream)


def test_crafted_entries_never_block_the_stream(stream, data_dir, fake_secrets, caplog) -> None:
    module, r = stream
    with offline():  # the registered gauges, as a poll leaves them in raw
        ingest_source("pegelonline", data=settings.paths(data_dir))
    caplog.clear()
    ids = {label: r.xadd(module.STREAM, fields).decode() for label, fields, _ in CRAFTED}

    result = module.load(r, settings.paths(data_dir))

    dead = {e[b"entry_id"].decode(): e[b"reason"].decode() for _, e in r.xrange(module.DEAD_LETTER)}
    for label, _fields, expected in CRAFTED:
        if expected is None:
            assert ids[label] not in dead, label
        else:
            assert expected in dead[ids[label]], (label, dead[ids[label]])
    assert result.rows == 1 and len(result.rejected) == len(CRAFTED) - 2
    assert result.quarantined == {"unknown station": 1}
    assert r.xpending(module.STREAM, module.GROUP)["pending"] == 0
    with duckdb.connect() as con:
        stations = con.execute("select station_uuid from read_parquet(?) order by 1", [result.raw_file]).fetchall()
        held = con.execute("select station_uuid, _reason from read_parquet(?)", [str(
            data_dir / "quarantine" / "pegelonline" / "measurements" / f"{result.load_id}.parquet")]).fetchall()
    assert stations == [(UUID.decode(),)]
    assert held == [("x'); drop table readings; --", "unknown station")]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == len(CRAFTED) - 2 and all("\n" not in w and w.startswith("pegelonline ") for w in warnings)
    assert module.load(r, settings.paths(data_dir)).load_id is None  # nothing comes back
    assert_no_secrets([data_dir], [caplog.text])
