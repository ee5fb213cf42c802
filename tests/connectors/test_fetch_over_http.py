"""Every connector fetches through real HTTP (the local replay server) and parses the recorded payloads."""

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.ingest.replay import RECORDINGS_DIR, offline
from regiohub.ingest.source import ingest_source

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"


def raw(data: Path, source: str, entity: str) -> duckdb.DuckDBPyRelation:
    return duckdb.sql(f"select * from read_parquet('{data}/raw/{source}/{entity}/*.parquet')")


@pytest.fixture
def loaded(data_dir: Path) -> Path:
    with offline():
        for source in ("pegelonline", "zensus2022_bevoelkerung", "ladesaeulenregister", "rki_inzidenz"):
            assert ingest_source(source, data=settings.paths(data_dir)).status == "loaded"
    return data_dir


def test_pegelonline_stations_and_all_measurements_arrive(loaded):
    stations = json.loads((PEGEL / "stations.json").read_text(encoding="utf-8"))
    expected = sum(len(json.loads((PEGEL / f"stations/{s['uuid']}/W/measurements.json").read_text())) for s in stations)
    assert raw(loaded, "pegelonline", "stations").count("*").fetchall()[0][0] == len(stations)
    assert raw(loaded, "pegelonline", "measurements").count("*").fetchall()[0][0] == expected
    gauge = duckdb.sql(
        f"select gauge_zero_value, w_unit from read_parquet('{loaded}/raw/pegelonline/stations/*.parquet') "
        "where number = '580412'"
    ).fetchall()
    assert gauge == [(27.41, "cm")]


def test_every_raw_row_carries_lineage_with_the_payload_hash(loaded):
    rows = duckdb.sql(
        f"select distinct _source_id, _load_id, _payload_sha256 "
        f"from read_parquet('{loaded}/raw/rki_inzidenz/incidence/*.parquet')"
    ).fetchall()
    assert len(rows) == 1
    source_id, load_id, digest = rows[0]
    payload = next((loaded / "landing" / "rki_inzidenz" / load_id).glob("*.csv"))
    assert source_id == "rki_inzidenz"
    assert digest == hashlib.sha256(payload.read_bytes()).hexdigest()


def test_ladesaeulenregister_preamble_bom_and_decimal_commas_are_handled(loaded):
    rows = duckdb.sql(
        f"select facility_id, latitude, longitude, commissioned_on, power_kw "
        f"from read_parquet('{loaded}/raw/ladesaeulenregister/charging_facilities/*.parquet') order by facility_id"
    ).fetchall()
    assert len(rows) == 1745
    first = rows[0]
    assert first[0] == "100001"  # BOM and preamble did not leak into the first column
    assert 51 < first[1] < 54 and 11 < first[2] < 15  # decimal commas parsed
    assert first[3] is not None and first[4] > 0


def test_zensus_zip_is_fetched_with_post_and_unpacked(loaded):
    rows = duckdb.sql(
        f"select count(*), sum(value), min(reference_date)::varchar, max(_payload_sha256) is not null "
        f"from read_parquet('{loaded}/raw/zensus2022_bevoelkerung/values/*.parquet')"
    ).fetchall()[0]
    assert rows[0] == 416 and rows[1] > 2_000_000 and rows[2] == "2022-05-15" and rows[3]


def test_a_second_identical_poll_writes_nothing(loaded):
    files_before = sorted((loaded / "raw").rglob("*.parquet"))
    with offline():
        result = ingest_source("rki_inzidenz", data=settings.paths(loaded))
    assert result.status == "unchanged"
    assert sorted((loaded / "raw").rglob("*.parquet")) == files_before
    assert len(list((loaded / "landing" / "rki_inzidenz").iterdir())) == 1
