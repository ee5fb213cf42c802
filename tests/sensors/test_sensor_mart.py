"""dbt: sensor observations to Gemeinde and day (real dbt build of the sensor models on ingested raw)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from sta_server import StaReplay
from test_sta_ingest import sta_registry

from regiohub.build.transform import run_dbt
from regiohub.core import settings
from regiohub.ingest.source import ingest_source


def test_daily_soil_moisture_and_occupancy_per_gemeinde(tmp_path: Path) -> None:
    data = settings.paths(tmp_path / "data").ensure()
    with StaReplay(cap=50) as server:
        ingest_source("sensoren_sta", data=data, registry=sta_registry(server.base))
    candidate = data.build / "candidate-sensors.duckdb"
    run_dbt(["build", "--select", "sensor_properties+", "stg_sensors__observations+"], data, candidate)
    with duckdb.connect(str(candidate), read_only=True) as con:
        rows = con.execute("select property_id, region_ars, day::varchar, mean_value, min_value, max_value, n_values, "
                           "coverage_share, n_implausible from main.fct_sensor_daily order by 1").fetchall()
    # soil moisture: 31.4, 30.9 (string), 29.7 at 10, 11 and 15 h (250 was quarantined at ingest; the object
    # result has no number); the Thing's ars property places it in Potsdam. Occupancy: true, false, 1 at the
    # station within one hour (located by its point).
    assert rows == [
        ("charging_occupancy", "120540000000", "2026-11-30", round(2 / 3, 3), 0.0, 1.0, 3, round(1 / 24, 3), 0),
        ("soil_moisture", "120540000000", "2026-11-30", 30.667, 29.7, 31.4, 3, round(3 / 24, 3), 0),
    ]


def test_a_data_dir_without_sensor_sources_builds_an_empty_table(tmp_path: Path) -> None:
    data = settings.paths(tmp_path / "data").ensure()
    candidate = data.build / "candidate-empty.duckdb"
    run_dbt(["build", "--select", "sensor_properties+", "stg_sensors__observations+"], data, candidate)
    with duckdb.connect(str(candidate), read_only=True) as con:
        assert con.execute("select count(*) from main.fct_sensor_daily").fetchone() == (0,)
        types = dict(con.execute("select column_name, data_type from duckdb_columns() "
                                 "where table_name = 'fct_sensor_daily'").fetchall())
    assert types["region_ars"] == "VARCHAR" and types["day"] == "DATE"
