"""Regionalstatistik and Zensus 2022 payloads in their real formats (see ``genesis_payloads`` for the recordings).

Intake by content (ZIP or CSV, any name), the identity of a payload (another table is rejected),
values and flags, and the official figures of the Kreis table reaching the mart. ``kreis_table`` is an
excerpt (whole rows, exact bytes) of the Regionaldatenbank's answer recorded by pystatis on 11 Jun 2025
(12411-01-01-4, ``area=all``, 31.12.2023 after the Zensus 2022 revision).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest
from genesis_payloads import (
    REVISED_2023,
    REVISED_2023_LAND,
    UNITS,
    area_table,
    ars,
    kreis_table,
    tablefile_zip,
    zensus_table,
)

from regiohub.build.transform import export_registry, run_dbt
from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.replay import Fault, offline
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

REGIO = "regionalstatistik_bevoelkerung"
ZENSUS = "zensus2022_bevoelkerung"


def raw(data: Path, source: str, sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        con.execute(f"create view t as select * from read_parquet('{data}/raw/{source}/values/*.parquet')")
        return con.execute(sql).fetchall()


def test_the_live_tablefile_answer_is_a_zip_and_loads(data_dir):
    with offline():
        result = ingest_source(REGIO, data=settings.paths(data_dir))
    landed = next((data_dir / "landing" / REGIO).rglob("*_tablefile"))
    assert landed.read_bytes()[:4] == b"PK\x03\x04"  # saved as it came, recognised by content
    assert result.status == "loaded" and result.rows == {"values": 2495}


def test_zensus_is_fetched_through_the_documented_webservice(data_dir, monkeypatch):
    monkeypatch.setenv("REGIOHUB_ZENSUS_TOKEN", "zensus-token-42")
    with offline() as server:
        result = ingest_source(ZENSUS, data=settings.paths(data_dir))
    (request,) = server.requests_for("ergebnisse.zensus2022.de/api/rest/2020/data/tablefile")
    assert request.method == "POST" and request.headers["username"] == "zensus-token-42"
    assert not server.requests_for("ergebnisse.zensus2022.de/proxy/*")
    assert result.rows == {"values": 416}
    assert "zensus-token-42" not in (data_dir / "runs" / "ingest_log.jsonl").read_text()


def _as_zip(tmp: Path) -> Path:
    path = tmp / "12411-01-01-4 (1).zip"  # as a browser saves a second download
    path.write_bytes(tablefile_zip(kreis_table(), "12411-01-01-4_1749623963823_de_flat.csv"))
    return path


def _as_csv_of_any_name(tmp: Path) -> Path:
    path = tmp / "Tabelle Bevölkerung.txt"
    path.write_bytes(kreis_table())
    return path


def _as_folder(tmp: Path) -> Path:
    folder = tmp / "download"
    folder.mkdir()
    _as_zip(folder)
    return folder


def _without_bom(tmp: Path) -> Path:
    path = tmp / "12411-01-01-4.csv"
    path.write_bytes(kreis_table().removeprefix(b"\xef\xbb\xbf"))
    return path


@pytest.mark.parametrize("make", [_as_zip, _as_csv_of_any_name, _as_folder, _without_bom])
def test_the_kreis_table_loads_as_zip_csv_or_folder(data_dir, tmp_path, capsys, make):
    assert main(["ingest", REGIO, "--from", str(make(tmp_path))]) == 0, capsys.readouterr().err
    assert "table 12411-01-01-4: kept 18 KREISE, 3 DLAND; ignored 3 DINSG" in capsys.readouterr().out
    totals = dict(raw(data_dir, REGIO, "select region_code, value from t where variable_2_attribute_code is null"))
    assert {k: totals[k] for k in UNITS} == REVISED_2023
    assert totals["12"] == REVISED_2023_LAND and "DG" not in totals  # Germany is set aside, not loaded
    by_sex = raw(data_dir, REGIO, "select sum(value) from t where region_code = '12069' "
                                  "and variable_2_attribute_code in ('GESM', 'GESW')")
    assert by_sex == [(220_158,)]


@pytest.mark.parametrize(
    ("source", "name", "body", "message"),
    [
        (REGIO, "11111-0001_de_flat.csv", area_table(),
         "table 11111-0001 is not one of 12411-01-01-4, 12411-01-01-5 (file 11111-0001_de_flat.csv; "
         "it holds statistic 11111 by DINSG)"),
        (REGIO, "download.csv", area_table(),
         "a table of statistic 11111 (Feststellung des Gebietsstands) by DINSG is not one of 12411-01-01-4, "
         "12411-01-01-5 (file download.csv)"),
        (ZENSUS, "1000A-1018_de_flat.csv", zensus_table("1000A", "GEOBL1", "12", "Brandenburg"),
         "table 1000A-1018 is not one of 1000A-0000 (file 1000A-1018_de_flat.csv; it holds statistic 1000A by GEOBL1)"),
        (ZENSUS, "Zensus.csv", zensus_table("4000W", "GEOGM4", "120540000000", "Potsdam"),
         "a table of statistic 4000W (Bevölkerung kompakt (Gebietsstand 15.05…) by GEOGM4 is not one of 1000A-0000"),
        (ZENSUS, "Religion.csv", zensus_table("1000A", "GEOGM4", "120540000000", "Potsdam"),
         "a table of statistic 1000A (Bevölkerung kompakt (Gebietsstand 15.05…) by GEOGM4 with RELZG2 is not one "
         "of 1000A-0000"),
        (REGIO, "12411-01-01-4.zip", None, "12411-01-01-4.zip holds no CSV file"),
        (REGIO, "Kreise.csv", kreis_table(("DG", "01001", "01002", "13")),
         "Kreise.csv has no rows for Land 12 (Brandenburg) of the cooperation"),
        (REGIO, "Regierungsbezirke.csv", kreis_table(("DG",)),
         "Regierungsbezirke.csv: table 12411-01-01-4 without rows of the levels this source uses (KREISE, "
         "DLAND); it holds 3 DINSG"),
    ],
)
def test_a_payload_of_another_table_is_rejected_naming_the_operators_file(
    data_dir, tmp_path, source, name, body, message
):
    path = tmp_path / name
    path.write_bytes(body if body is not None else tablefile_zip(b"%PDF-1.7", "Erlaeuterungen.pdf"))
    with pytest.raises(SourceError) as err:
        ingest_source(source, from_path=path, data=settings.paths(data_dir))
    assert str(err.value).startswith(f"{source}: ") and message in str(err.value), str(err.value)
    assert "landing" not in str(err.value) and "/" not in str(err.value).split(" (file ")[0].split(": ", 1)[1]
    assert not list((data_dir / "raw").rglob("*.parquet"))
    kept = next((data_dir / "landing" / source).iterdir())
    assert (kept / name).read_bytes() == path.read_bytes()  # the payload is kept


def test_dates_flags_and_unreadable_numbers(data_dir, tmp_path):
    head, *rows = kreis_table().decode("utf-8-sig").splitlines()
    first = next(r for r in rows if ";01001;Flensburg, kreisfreie Stadt;GES;Geschlecht;;Insgesamt;" in r)
    flensburg = ";01001;Flensburg, kreisfreie Stadt;"
    dates = {"01051": "31.12.2015", "01052": "2015-12-31", "01053": "31.12.15", "01054": "2015-12-31"}
    for key, day in dates.items():
        rows.append(first.replace(";2023-12-31;", f";{day};").replace(flensburg, f";{key};Ort;"))
    values = {"01060": "-", "01061": ".", "01062": "x", "01063": "/", "01064": "NaN", "01065": "inf",
              "01066": "-inf", "01067": "zwei", "01068": "", "01069": "1e400", "01070": "-5", "01071": "1234,0"}
    for key, value in values.items():
        rows.append(first.replace(flensburg, f";{key};Ort;").replace(";96431;", f";{value};"))
    path = tmp_path / "12411-01-01-4.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8-sig")
    result = ingest_source(REGIO, from_path=path, data=settings.paths(data_dir))
    assert result.quarantined["values"] == {
        "unreadable number (not a finite number)": 6,  # NaN, inf, -inf, zwei, empty, 1e400
        "value withheld by the publisher (quality flag . x or /)": 3,
        "unreadable date": 1,  # 31.12.15: not a style GENESIS writes
        "value out of range": 1,
    }
    got = dict(raw(data_dir, REGIO, "select region_code, reference_date::varchar || ' ' || value from t "
                                    "where region_code between '01050' and '01099'"))
    assert got == {"01051": "2015-12-31 96431.0", "01052": "2015-12-31 96431.0",
                   "01054": "2015-12-31 96431.0", "01060": "2023-12-31 0.0", "01071": "2023-12-31 1234.0"}
    assert raw(data_dir, REGIO, "select count(*) from t where value is null or reference_date is null") == [(0,)]


def test_the_mart_publishes_the_official_kreis_figures(published_copy, tmp_path, capsys):
    """Kreis table 31.12.2023 via ``ingest --from`` next to the shipped (sample) Gemeinde table, then a real dbt build.

    The official rows win over the sample Gemeinden of the same date, the Kooperationsraum is the sum of its
    units (labelled so), and a change that divides by a sample year is sample data with both loads in its lineage.
    """
    data = settings.paths(published_copy)
    path = tmp_path / "12411-01-01-4_de_flat.zip"
    path.write_bytes(tablefile_zip(kreis_table(), "12411-01-01-4_1749623963823_de_flat.csv"))
    assert main(["ingest", REGIO, "--from", str(path)]) == 0, capsys.readouterr().err
    export_registry(load_registry(), data)
    candidate = data.build / "candidate-stat-test.duckdb"
    run_dbt(["build", "--select", "+fct_indicator_value", "--indirect-selection", "cautious"], data, candidate)
    with duckdb.connect(str(candidate), read_only=True) as con:
        year_end = {r[0]: r[1:] for r in con.execute(
            "select region_ars, value, basis, is_sample, source_load_ids from fct_indicator_value "
            "where indicator_id = 'bevoelkerung_jahresende' and period = '2023-12-31'"
        ).fetchall()}
        change = {r[0]: r[1:] for r in con.execute(
            "select period, numerator, is_sample, source_load_ids from fct_indicator_value "
            "where indicator_id = 'bevoelkerung_veraenderung' and region_ars = ? and period like '202_-12-31'",
            ["129990000000"],
        ).fetchall()}
        origin = dict(con.execute("select load_id, origin from staging.stg_registry__loads").fetchall())
    assert {k: year_end[ars(k)][0] for k in UNITS} == REVISED_2023
    assert year_end["129990000000"][:2] == (sum(REVISED_2023.values()), "Summe der Partner auf Kreisebene")
    assert year_end["120000000000"][:2] == (REVISED_2023_LAND, "amtlich")
    # provenance decides the label: the operator's official table is not sample data
    assert not any(year_end[a][2] for a in [*map(ars, UNITS), "129990000000", "120000000000"])
    (operator_load,) = {load for load, o in origin.items() if o == "operator"}
    assert year_end["120000000000"][3] == [operator_load]
    # 2023 against 2022: real 2023 minus the sample 2022 — sample data, both loads in the lineage
    previous = year_end_of(candidate, "2022-12-31")
    assert change["2023-12-31"][0] == sum(REVISED_2023.values()) - previous
    assert change["2023-12-31"][1] is True and operator_load in change["2023-12-31"][2]
    assert any(origin[load] == "recording" for load in change["2023-12-31"][2])
    assert change["2024-12-31"][1] is True  # the sample 2024 against the real 2023


def year_end_of(candidate: Path, period: str) -> float:
    with duckdb.connect(str(candidate), read_only=True) as con:
        return con.execute(
            "select value from fct_indicator_value where indicator_id = 'bevoelkerung_jahresende' "
            "and region_ars = '129990000000' and period = ?", [period]
        ).fetchall()[0][0]


def test_zip_member_names_are_never_paths(data_dir, tmp_path):
    path = tmp_path / "tablefile.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../outside.csv", kreis_table())
    with pytest.raises(SourceError, match="'../../outside.csv' is a path outside the archive folder; archive refused"):
        ingest_source(REGIO, from_path=path, data=settings.paths(data_dir))
    assert not (tmp_path / "outside.csv").exists() and not (data_dir / "outside.csv").exists()


def test_a_table_too_large_for_one_request_is_explained(data_dir):
    """GENESIS answers an oversized request with status 98 (pystatis' "Jobs" notebook), shaped like the
    status answers the services send ({"Code": 15, "Content": "Sie sind nicht berechtigt …", "Type": "ERROR"});
    the content text here is ours."""
    status = '{"Code": 98, "Content": "Die Tabelle ist zu gross fuer einen direkten Abruf.", "Type": "ERROR"}'
    with offline() as server:
        server.inject("www.regionalstatistik.de/genesisws/rest/2020/data/tablefile", Fault(body=status.encode()))
        with pytest.raises(SourceError, match="GENESIS status 98 .* too large for one request: split it"):
            ingest_source(REGIO, data=settings.paths(data_dir))
