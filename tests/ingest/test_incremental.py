"""Incremental, idempotent loads: history accumulates, re-runs write nothing, backfill asks for a range."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import duckdb
import pytest
from faultkit import PEGEL_PATH, snapshot

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.replay import Fault, offline
from regiohub.ingest.source import ingest_source, read_state

MEASUREMENTS = f"{PEGEL_PATH}/stations/*/W/measurements.json"
CET = timezone(timedelta(hours=1))
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def series(first: datetime, last: datetime) -> bytes:
    """A PEGELONLINE measurements answer: 15-minute readings from ``first`` to ``last`` (CET offsets)."""
    rows, t = [], first
    while t <= last:
        rows.append({"timestamp": t.astimezone(CET).isoformat(), "value": 300 + (t.hour % 7)})
        t += timedelta(minutes=15)
    return json.dumps(rows).encode()


def measurements(data) -> list[tuple]:
    return duckdb.sql(
        f"select station_uuid, measured_at::timestamptz as t, count(*) as n "
        f"from read_parquet('{data}/raw/pegelonline/measurements/*.parquet') group by all"
    ).fetchall()


def poll(data, body: bytes | None = None) -> tuple:
    with offline() as server:
        if body is not None:
            server.inject(MEASUREMENTS, Fault(body=body, times=None))
        result = ingest_source("pegelonline", data=settings.paths(data))
    return result, server.requests_for(MEASUREMENTS)


def test_reruns_of_the_same_poll_leave_raw_identical(data_dir):
    first, _ = poll(data_dir)
    assert first.status == "loaded"
    files = snapshot(data_dir)
    for _ in range(3):
        again, requests = poll(data_dir)
        assert again.status == "unchanged" and again.rows == {}
        assert snapshot(data_dir) == files
    hwm = read_state(settings.paths(data_dir), "pegelonline")["hwm"]
    assert len(hwm) == 6 and all(v.endswith("+00:00") for v in hwm.values())
    # each station is asked for what follows its last stored reading (or the window, once that is > 31 days old)
    for r in requests:
        uuid = r.path.split("/")[-3]
        recent = NOW - datetime.fromisoformat(hwm[uuid]) < timedelta(days=31)
        assert r.query["start"] == [hwm[uuid] if recent else "P8D"]


def test_overlapping_polls_add_only_new_readings(data_dir):
    a = series(NOW - timedelta(days=20), NOW - timedelta(days=12))
    b = series(NOW - timedelta(days=13), NOW)
    assert poll(data_dir, a)[0].status == "loaded"
    hwm = read_state(settings.paths(data_dir), "pegelonline")["hwm"]
    second, requests = poll(data_dir, b)
    assert {r.query["start"][0] for r in requests} == set(hwm.values())
    assert second.status == "loaded"
    assert second.rows["measurements"] == 6 * 12 * 96  # the 12 days after the overlap, six stations
    assert second.rows["stations"] == 0
    rows = measurements(data_dir)
    assert all(n == 1 for *_, n in rows)  # no reading stored twice
    assert len(rows) == 6 * (20 * 96 + 1)
    files = snapshot(data_dir)
    assert poll(data_dir, b)[0].status == "unchanged" and snapshot(data_dir) == files


def test_history_accumulates_beyond_the_31_days_the_api_keeps(data_dir):
    old = series(NOW - timedelta(days=60), NOW - timedelta(days=50))
    recent = series(NOW - timedelta(days=8), NOW)
    poll(data_dir, old)
    _, requests = poll(data_dir, recent)
    assert {r.query["start"][0] for r in requests} == {"P8D"}  # the last reading is too old to ask for
    days = duckdb.sql(
        f"select min(measured_at::timestamptz), max(measured_at::timestamptz) "
        f"from read_parquet('{data_dir}/raw/pegelonline/measurements/*.parquet')"
    ).fetchall()[0]
    assert days[1] - days[0] >= timedelta(days=59)


def test_backfill_requests_a_range_and_adds_only_what_is_missing(data_dir, capsys):
    poll(data_dir, series(NOW - timedelta(days=3), NOW))
    first, last = (NOW - timedelta(days=10)).date(), (NOW - timedelta(days=2)).date()
    with offline() as server:
        server.inject(MEASUREMENTS, Fault(body=series(NOW - timedelta(days=10), NOW - timedelta(days=2)), times=None))
        assert main(["ingest", "pegelonline", "--backfill", first.isoformat(), last.isoformat()]) == 0
    assert "pegelonline: loaded" in capsys.readouterr().out
    req = server.requests_for(MEASUREMENTS)[0]
    assert req.query["start"] == [f"{first}T00:00:00+00:00"] and req.query["end"] == [f"{last}T23:59:59+00:00"]
    assert all(n == 1 for *_, n in measurements(data_dir))
    assert len(measurements(data_dir)) == 6 * (10 * 96 + 1)


def test_backfill_beyond_the_api_history_or_for_a_snapshot_source_is_refused(data_dir):
    with offline(), pytest.raises(SourceError, match="serves only the last 31 days"):
        ingest_source("pegelonline", data=settings.paths(data_dir), backfill=(date(2020, 1, 1), date(2020, 2, 1)))
    with offline(), pytest.raises(SourceError, match="cannot fetch a date range"):
        ingest_source("rki_inzidenz", data=settings.paths(data_dir), backfill=(date(2026, 1, 1), date(2026, 2, 1)))
