"""Publisher faults through real HTTP (the replay server): what is retried, kept, reported and left alone."""

from __future__ import annotations

import time

import duckdb
import pytest
from faultkit import PEGEL_PATH, RKI, RKI_PATH, snapshot

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.replay import Fault, offline
from regiohub.ingest.source import ingest_source, read_state


def test_server_errors_and_rate_limits_are_retried(data_dir):
    with offline() as server:
        server.inject(RKI_PATH, Fault(status=500), Fault(status=503))
        result = ingest_source("rki_inzidenz", data=settings.paths(data_dir))
    assert result.status == "loaded"
    assert len(server.requests_for(RKI_PATH)) == 3


def test_retry_after_is_honoured(data_dir):
    with offline() as server:
        server.inject(RKI_PATH, Fault(status=429, headers={"Retry-After": "1"}))
        t0 = time.monotonic()
        result = ingest_source("rki_inzidenz", data=settings.paths(data_dir))
        waited = time.monotonic() - t0
    assert result.status == "loaded" and waited >= 1.0
    assert [r.method for r in server.requests_for(RKI_PATH)] == ["GET", "GET"]


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Fault(status=503, times=None), "publisher answered HTTP 503"),
        (Fault(status=429, headers={"Retry-After": "0"}, times=None), "publisher answered HTTP 429"),
        (Fault(delay=3.0, times=None), "timed out"),
        (Fault(truncate=5000, times=None), "incomplete: connection closed after"),
        (Fault(truncate=5000, announce_length=False, times=None), "cannot read"),
        (Fault(body=b"<!DOCTYPE html><html><body>Wartung</body></html>", times=None), "is an HTML page"),
        (Fault(body=b'{"message": "rate limit exceeded"}', times=None), "is a JSON document"),
    ],
    ids=["500s", "429-forever", "timeout", "truncated", "truncated-unannounced", "html-200", "json-200"],
)
def test_a_failing_publisher_changes_nothing_and_others_go_on(published_copy, fault, problem):
    data = settings.paths(published_copy)
    before = snapshot(published_copy)
    with offline() as server:
        server.inject(RKI_PATH, fault)
        with pytest.raises(SourceError) as err:
            ingest_source("rki_inzidenz", data=data)
        assert problem in str(err.value) and len(str(err.value).splitlines()) == 1
        assert ingest_source("zensus2022_bevoelkerung", data=data).status == "unchanged"
    # nothing loaded, the mart untouched, the failure recorded, and what arrived is kept
    assert snapshot(published_copy) == before
    assert problem.split(":")[0] in read_state(data, "rki_inzidenz")["last_error"]
    if fault.body is not None or fault.truncate:
        kept = sorted((published_copy / "landing" / "rki_inzidenz").iterdir())[-1]
        body = (kept / RKI.name).read_bytes()
        assert body == fault.body if fault.body is not None else RKI.read_bytes().startswith(body)


def test_conditional_requests_make_an_unchanged_poll_write_nothing(data_dir):
    data = settings.paths(data_dir)
    with offline() as server:
        assert ingest_source("rki_inzidenz", data=data).status == "loaded"
        files = snapshot(data_dir)
        second = ingest_source("rki_inzidenz", data=data)
    first_req, second_req = server.requests_for(RKI_PATH)
    assert "If-None-Match" not in first_req.headers
    assert second_req.headers["If-None-Match"] == read_state(data, "rki_inzidenz")["validators"][
        "https://" + RKI_PATH]["etag"]
    assert second.status == "unchanged" and any("304" in n for n in second.notes)
    assert snapshot(data_dir) == files
    assert len(list((data_dir / "landing" / "rki_inzidenz").iterdir())) == 1


def test_a_changed_etag_on_the_same_body_is_caught_by_the_payload_hash(data_dir):
    data = settings.paths(data_dir)
    with offline() as server:
        assert ingest_source("rki_inzidenz", data=data).status == "loaded"
        files = snapshot(data_dir)
        republished = {"ETag": '"republished"', "Last-Modified": "Sat, 21 Nov 2026 06:00:00 GMT"}
        server.inject(RKI_PATH, Fault(headers=republished))
        again = ingest_source("rki_inzidenz", data=data)
    assert again.status == "unchanged" and "payload identical to the last load" in again.notes
    assert snapshot(data_dir) == files
    assert read_state(data, "rki_inzidenz")["validators"]["https://" + RKI_PATH]["etag"] == '"republished"'


def test_a_changed_body_is_loaded_despite_validators(data_dir):
    data = settings.paths(data_dir)
    with offline() as server:
        assert ingest_source("rki_inzidenz", data=data).status == "loaded"
        lines = RKI.read_text().splitlines()
        server.inject(RKI_PATH, Fault(body=("\n".join(lines[:-10]) + "\n").encode()))
        again = ingest_source("rki_inzidenz", data=data)
    assert again.status == "loaded" and again.rows == {"incidence": len(lines) - 11}
    latest = duckdb.sql(
        f"select count(*) from read_parquet('{data_dir}/raw/rki_inzidenz/incidence/{again.load_id}.parquet')"
    ).fetchall()[0][0]
    assert latest == len(lines) - 11


def test_a_pegelonline_station_failing_mid_poll_loads_nothing(published_copy):
    data = settings.paths(published_copy)
    before = snapshot(published_copy)
    with offline() as server:
        server.inject(f"{PEGEL_PATH}/stations/*/W/measurements.json", Fault(status=502, times=None))
        with pytest.raises(SourceError, match="publisher answered HTTP 502"):
            ingest_source("pegelonline", data=data)
    assert snapshot(published_copy) == before
