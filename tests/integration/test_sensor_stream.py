"""The sensor stream on the real Redis: durable readings, acknowledged only once they are in raw Parquet."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Iterator

import duckdb
import pytest

from regiohub.core import settings


@pytest.fixture
def stream(services, monkeypatch) -> Iterator[object]:
    """The sensor_stream module under a private key namespace (removed afterwards)."""
    import regiohub.ingest.sensor_stream as sensor_stream

    namespace = f"regiohub_test_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("REGIOHUB_EVENTS_NAMESPACE", namespace)
    module = importlib.reload(sensor_stream)
    client = module.client("redis://127.0.0.1:6379/0")
    yield module, client
    for key in client.keys(f"{namespace}:*"):
        client.delete(key)
    monkeypatch.delenv("REGIOHUB_EVENTS_NAMESPACE")
    importlib.reload(sensor_stream)


@pytest.fixture
def gauges(data_dir) -> None:
    """The registered gauges in raw, as a PEGELONLINE poll leaves them (readings of unknown stations are held)."""
    from regiohub.ingest.replay import offline
    from regiohub.ingest.source import ingest_source

    with offline():
        ingest_source("pegelonline", data=settings.paths(data_dir))


def _reading(value: object, stamp: str = "2026-11-20T10:00:00+01:00") -> dict:
    return {"station_uuid": "5e10e1e7-9115-4bd7-ad57-e2062f516891", "timestamp": stamp, "value": value}


def test_a_crashed_load_gets_its_readings_again(stream, data_dir, gauges) -> None:
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


def test_unusable_readings_are_kept_and_reported_not_loaded(stream, data_dir, gauges) -> None:
    module, r = stream
    module.publish(r, [_reading(299), _reading("n/a"), _reading(300, "2026-11-20T10:00:00")], wake=False)

    result = module.load(r, settings.paths(data_dir))

    assert result.rows == 1 and len(result.rejected) == 2
    assert "timestamp without UTC offset" in result.rejected[1]
    kept = json.loads((settings.paths(data_dir).landing / module.LANDING_NAME / result.load_id / "readings.json")
                      .read_text())
    assert [k["value"] for k in kept] == ["299", "n/a", "300"]  # the payload keeps everything
    assert r.xpending(module.STREAM, module.GROUP)["pending"] == 0


def test_a_non_utf8_entry_goes_to_the_dead_letter_stream_and_the_rest_is_loaded(stream, data_dir, gauges) -> None:
    module, r = stream
    before = module.publish(r, [_reading(301)], wake=False)
    poison = r.xadd(module.STREAM, {b"station_uuid": b"\xff\xfe\x00bad", b"timestamp": b"2026-11-20T10:00:00+01:00",
                                    b"value": b"302"}).decode()
    after = module.publish(r, [_reading(303, "2026-11-20T10:30:00+01:00")], wake=False)

    result = module.load(r, settings.paths(data_dir))

    assert result.rows == 2 and result.entry_ids == [*before, poison, *after]
    assert result.rejected == [f"{poison}: not UTF-8 (invalid start byte at byte 0)"]
    assert r.xpending(module.STREAM, module.GROUP)["pending"] == 0  # everything acknowledged: no poison pill
    [(_, dead)] = r.xrange(module.DEAD_LETTER)
    assert dead[b"entry_id"].decode() == poison and dead[b"reason"] == b"not UTF-8 (invalid start byte at byte 0)"
    assert dead[b"field:station_uuid"] == b"\xff\xfe\x00bad"  # the original bytes, kept
    with duckdb.connect() as con:
        values = con.execute("select value_cm from read_parquet(?) order by 1", [result.raw_file]).fetchall()
    assert values == [(301.0,), (303.0,)]
    assert module.load(r, settings.paths(data_dir)).load_id is None


def test_malformed_and_future_readings_are_dead_lettered_with_their_reason(stream, data_dir, gauges) -> None:
    module, r = stream
    ids = module.publish(r, [_reading(300, "2098-01-01T00:00:00+01:00"), _reading("1e400"),
                             _reading(300, "gestern"), _reading(301, "20261120T101500+0100")], wake=False)
    r.xadd(module.STREAM, {"station_uuid": "x"})

    result = module.load(r, settings.paths(data_dir))

    reasons = {e[b"entry_id"].decode(): e[b"reason"].decode() for _, e in r.xrange(module.DEAD_LETTER)}
    assert reasons[ids[0]] == "timestamp in the future"
    assert reasons[ids[1]] == "value is not a number"
    assert reasons[ids[2]] == "unreadable timestamp 'gestern' (ISO 8601 with UTC offset expected)"
    assert len(reasons) == 4 and result.rows == 1
    with duckdb.connect() as con:  # a timestamp in ISO basic format is written in the form the mart casts
        [(stamp,)] = con.execute("select measured_at from read_parquet(?)", [result.raw_file]).fetchall()
    assert stamp == "2026-11-20T10:15:00+01:00"
    assert r.xpending(module.STREAM, module.GROUP)["pending"] == 0


def test_redis_with_a_password(stream, monkeypatch) -> None:
    """A Redis user with a password (ACL), the password from REGIOHUB_REDIS_PASSWORD as in compose's `.env`."""
    import redis

    module, r = stream
    user, password = f"regiohub_test_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    r.acl_setuser(user, enabled=True, passwords=[f"+{password}"], keys=[f"{module.NAMESPACE}:*"],
                  channels=["*"], commands=["+@all"])
    try:
        url = f"redis://{user}@127.0.0.1:6379/0"
        monkeypatch.setenv("REGIOHUB_REDIS_PASSWORD", password)
        authed = module.client(url)
        assert module.publish(authed, [_reading(300)], wake=False)
        monkeypatch.setenv("REGIOHUB_REDIS_PASSWORD", "wrong")
        with pytest.raises(redis.AuthenticationError) as err:
            module.client(url).ping()
        assert "wrong" not in str(err.value) and password not in str(err.value)
    finally:
        r.acl_deluser(user)
