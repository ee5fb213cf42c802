"""The sources added for issue 3, each through real HTTP against its recording in the publisher's format."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.core.http import OFFLINE_ENV
from regiohub.ingest.connectors.genesis_intake import credentials
from regiohub.ingest.replay import RECORDINGS_DIR, Fault, offline
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

FIXTURES = Path(__file__).parents[1] / "fixtures"
DWD_PATH = (
    "opendata.dwd.de/climate_environment/CDC/observations_germany/climate/daily/kl/recent/tageswerte_KL_03987_akt.zip"
)
GENESIS_PATH = "www.regionalstatistik.de/genesisws/rest/2020/data/tablefile"
ODS_PATH = "opendata.potsdam.de/api/explore/v2.1/catalog/datasets/einwohner-nach-stadtteilen"


def rows(data: Path, source: str, entity: str, sql: str = "select count(*) from t") -> list[tuple]:
    """Run ``sql`` with ``t`` standing for the raw Parquet files of one entity."""
    with duckdb.connect() as con:
        con.execute(f"create view t as select * from read_parquet('{data}/raw/{source}/{entity}/*.parquet')")
        return con.execute(sql).fetchall()


def test_dwd_daily_climate_zip_with_padding_and_missing_values(data_dir):
    with offline():
        result = ingest_source("dwd_klima_potsdam", data=settings.paths(data_dir))
    assert result.status == "loaded" and not result.quarantined
    first, missing_sun, missing_tmax, station = rows(
        data_dir, "dwd_klima_potsdam", "daily",
        "select min(day)::varchar, count(*) filter (where sunshine_h is null), "
        "count(*) filter (where temp_max_c is null), any_value(station_id) from t",
    )[0]
    assert first == "2025-05-21" and station == 3987
    assert missing_sun > 0 and missing_tmax == 1  # -999 is NULL, not a value


def test_dwd_history_accumulates_when_the_recent_file_moves_on(data_dir):
    original = zipfile.ZipFile(RECORDINGS_DIR / DWD_PATH)
    name = next(n for n in original.namelist() if n.startswith("produkt_klima_tag"))
    lines = original.read(name).decode("latin-1").splitlines()
    moved = [lines[0], *lines[101:], lines[-1].replace("20261120", "20261121")]  # 100 days left, one new
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, "\r\n".join(moved) + "\r\n")
    with offline() as server:
        ingest_source("dwd_klima_potsdam", data=settings.paths(data_dir))
        server.inject(DWD_PATH, Fault(body=buf.getvalue()))
        second = ingest_source("dwd_klima_potsdam", data=settings.paths(data_dir))
    assert second.rows == {"daily": 1}
    assert rows(data_dir, "dwd_klima_potsdam", "daily", "select count(*), count(distinct day) from t")[0] == (
        len(lines), len(lines))


def test_regionalstatistik_is_posted_with_the_token_from_the_environment(data_dir, monkeypatch):
    monkeypatch.setenv("REGIOHUB_REGIONALSTATISTIK_TOKEN", "secret-token-123")
    with offline() as server:
        result = ingest_source("regionalstatistik_bevoelkerung", data=settings.paths(data_dir))
    request = server.requests_for(GENESIS_PATH)[0]
    assert request.method == "POST" and request.headers["username"] == "secret-token-123"
    assert request.headers["password"] == "" and "secret-token-123" not in str(request.query)
    assert result.status == "loaded"
    # never written anywhere: not in state, log or raw
    for path in (data_dir / "state").glob("*.json"):
        assert "secret-token-123" not in path.read_text()
    assert "secret-token-123" not in (data_dir / "runs" / "ingest_log.jsonl").read_text()
    flags = rows(data_dir, "regionalstatistik_bevoelkerung", "values",
                 "select quality_flag, value, count(*) from t where quality_flag <> 'e' group by all")
    assert flags == [("-", 0.0, 1)]  # "-" is exactly nothing; "." (secret) is quarantined, never NULL in raw
    assert result.quarantined == {"values": {"value withheld by the publisher (quality flag . x or /)": 1}}


def test_regionalstatistik_needs_credentials_online(monkeypatch):
    monkeypatch.delenv("REGIOHUB_REGIONALSTATISTIK_TOKEN", raising=False)
    monkeypatch.delenv(OFFLINE_ENV, raising=False)
    source = load_registry().source("regionalstatistik_bevoelkerung")
    with pytest.raises(SourceError, match="set the environment variable REGIOHUB_REGIONALSTATISTIK_TOKEN"):
        credentials(source)


def test_regionalstatistik_older_flat_export_with_german_dates(data_dir, capsys):
    fixture = FIXTURES / "12411-01-01-5_flat_2019_2020.csv"
    assert main(["ingest", "regionalstatistik_bevoelkerung", "--from", str(fixture)]) == 0, capsys.readouterr().err
    got = rows(data_dir, "regionalstatistik_bevoelkerung", "values",
               "select count(*), min(reference_date)::varchar, max(reference_date)::varchar, "
               "any_value(value_variable_code), any_value(value_unit), count(*) filter (where quality_flag = '-') "
               "from t")[0]
    assert got == (len(fixture.read_text(encoding="cp1252").splitlines()) - 2, "2019-12-31", "2020-12-31",
                   "BEVSTD", "Anzahl", 1)


def test_gtfs_stops_carry_the_kreis_from_the_dhid(data_dir):
    with offline():
        result = ingest_source("vbb_gtfs", data=settings.paths(data_dir))
    assert set(result.rows) == {"stops", "routes", "trips", "stop_times", "calendar"}
    stops = dict(rows(data_dir, "vbb_gtfs", "stops", "select stop_id, kreis_ags from t"))
    assert stops["de:12054:900230999"] == "12054"
    assert stops["de:12072:900375013"] == "12072"
    assert all(k == sid.split(":")[1] for sid, k in stops.items())
    late = rows(data_dir, "vbb_gtfs", "stop_times", "select max(departure_time) from t")[0][0]
    assert late > "20:00:00"


def test_opendatasoft_pages_through_records(data_dir):
    with offline() as server:
        result = ingest_source("potsdam_einwohner_stadtteile", data=settings.paths(data_dir))
    offsets = [r.query["offset"][0] for r in server.requests_for(f"{ODS_PATH}/records")]
    assert offsets == ["0", "100", "200"]
    assert all(r.query["limit"] == ["100"] for r in server.requests_for(f"{ODS_PATH}/records"))
    assert result.rows == {"ods_records": 231}
    first = rows(data_dir, "potsdam_einwohner_stadtteile", "ods_records",
                 "select record->>'stadtteil', record->>'jahr' from t where record_number = 0")
    assert first == [("Bornim", "2018")]


def test_opendatasoft_uses_the_export_beyond_10000_records(data_dir):
    page = json.loads((RECORDINGS_DIR / ODS_PATH / "records@limit=100&offset=0").read_text())
    page["total_count"] = 25_000
    with offline() as server:
        server.inject(f"{ODS_PATH}/records", Fault(body=json.dumps(page).encode()))
        result = ingest_source("potsdam_einwohner_stadtteile", data=settings.paths(data_dir))
    assert len(server.requests_for(f"{ODS_PATH}/records")) == 1
    assert len(server.requests_for(f"{ODS_PATH}/exports/json")) == 1
    assert result.rows == {"ods_records": 231}
    landing = next((data_dir / "landing" / "potsdam_einwohner_stadtteile").iterdir())
    assert [p.name for p in landing.rglob("*") if p.is_file()] == ["records.json"]


def test_a_dataset_is_added_by_registry_entry_alone(data_dir, tmp_path, monkeypatch):
    """A second Opendatasoft dataset: a registry entry and nothing else."""
    registry_file = tmp_path / "sources.yml"
    text = (settings.REGISTRY_FILE).read_text(encoding="utf-8")
    registry_file.write_text(text + """
  - id: potsdam_einwohner_zweit
    name: Potsdam – derselbe Datensatz als zweite Quelle
    domain: population
    connector: opendatasoft
    url: https://opendata.potsdam.de/api/explore/v2.1/catalog/datasets/{dataset}
    params: {dataset: einwohner-nach-stadtteilen, where: "jahr >= '2020'"}
    schedule: "@weekly"
    publisher: Landeshauptstadt Potsdam
    licence: dl-de/by-2-0
    licence_url: https://www.govdata.de/dl-de/by-2-0
    attribution: "Landeshauptstadt Potsdam, dl-de/by-2-0"
""", encoding="utf-8")
    registry = load_registry(registry_file)
    with offline() as server:
        result = ingest_source("potsdam_einwohner_zweit", data=settings.paths(data_dir), registry=registry)
    assert result.status == "loaded"
    assert server.requests_for(f"{ODS_PATH}/records")[0].query["where"] == ["jahr >= '2020'"]
