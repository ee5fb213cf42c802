"""Real publisher payloads through a real dbt build (with its tests): the mart shows the publishers' figures.

One build for the module: the demo data dir, plus the real PEGELONLINE station list (April 2014), the
real DWD Potsdam product (December 2023; replacing the demo's climate history, which would otherwise
leave 16 months between them that the gate rightly reports as lost loads) and the real ESI-CorA
wastewater series, each loaded with `ingest --from`, then built as a candidate mart.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from real_payloads import DWD_POTSDAM, ESI_CORA, PEGEL, dwd_rows, esi_cora_potsdam, real

from regiohub.build.transform import build_candidate
from regiohub.core import settings
from regiohub.core.geo import gemeinde_ars
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ingest.source import ingest_source

POTSDAM, KOOPERATIONSRAUM = "120540000000", "129990000000"
AMELAG_SAMPLE = RECORDINGS_DIR / "raw.githubusercontent.com/robert-koch-institut/Abwassersurveillance_AMELAG/main"


@pytest.fixture(scope="module")
def real_mart(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    stations, product, wastewater = real(PEGEL / "stations_2014-04.json"), real(DWD_POTSDAM), real(ESI_CORA)
    base = tmp_path_factory.mktemp("real-mart") / "data"
    shutil.copytree(demo_data_dir, base, symlinks=True)
    data = settings.paths(base)
    shutil.rmtree(data.raw / "dwd_klima_potsdam")
    (data.state / "dwd_klima_potsdam.json").unlink()
    for source, path in (("pegelonline", stations), ("dwd_klima_potsdam", product), ("rki_abwasser", wastewater)):
        assert ingest_source(source, from_path=path, data=data).status == "loaded"
    candidate = build_candidate(data)
    con = duckdb.connect(str(candidate), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo_mart(demo_data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(demo_data_dir / "published" / "regiohub.duckdb"), read_only=True)
    yield con
    con.close()


def values(con: duckdb.DuckDBPyConnection, indicator: str, region: str) -> dict[str, float]:
    return dict(con.execute(
        "select period, value from fct_indicator_value where indicator_id = ? and region_ars = ?", [indicator, region]
    ).fetchall())


def test_wastewater_values_in_the_mart_equal_the_rki_file(real_mart):
    published = esi_cora_potsdam(ESI_CORA)
    mart = values(real_mart, "abwasser_viruslast", POTSDAM)
    assert {d: mart.get(d) for d in published} == {d: float(v) for d, v in published.items()}
    assert mart["2022-03-14"] == 12152935872000.0  # the first Potsdam row of the file, as printed there
    # provenance decides the label: the real file's days are not sample data, the recording's days are
    sample = dict(real_mart.execute(
        "select period, is_sample from fct_indicator_value where indicator_id = 'abwasser_viruslast' "
        "and region_ars = ?", [POTSDAM]).fetchall())
    assert not any(sample[d] for d in published)
    assert all(flag for d, flag in sample.items() if d not in published)
    name, unit = real_mart.execute(
        "select name_de, unit from dim_indicator where indicator_id = 'abwasser_viruslast'").fetchone()
    assert (name, unit) == ("SARS-CoV-2-Viruslast im Abwasser", "Genkopien je Liter")


def test_dwd_december_2023_reaches_potsdam_and_the_kooperationsraum(real_mart):
    rows = dwd_rows(DWD_POTSDAM)
    rain = round(sum(float(f[6]) for f in rows.values()), 1)  # RSK
    hot = sum(float(f[15]) >= 30 for f in rows.values())  # TXK
    for region in (POTSDAM, KOOPERATIONSRAUM):
        assert values(real_mart, "niederschlag_monatssumme", region)["2023-12"] == rain
        assert values(real_mart, "hitzetage", region)["2023-12"] == hot


def test_real_station_metadata_places_the_gauges(real_mart):
    doc = {s["number"]: s for s in json.loads((PEGEL / "stations_2014-04.json").read_text(encoding="utf-8"))}
    gauges = dict(real_mart.execute(
        "select distinct gauge_number, region_ars from fct_water_level_daily").fetchall())
    assert gauges["580412"] == POTSDAM
    for number, region in gauges.items():  # the Gemeinde containing the coordinates the WSV published
        s = doc[number]
        assert region == gemeinde_ars([s["latitude"]], [s["longitude"]], settings.GEO_DIR)[0]
    water = real_mart.execute(
        "select distinct water_name from fct_water_level_daily where gauge_number = '580412'").fetchall()
    assert water == [("POTSDAMER HAVEL",)]


def test_demo_wastewater_values_equal_the_recording(demo_mart):
    """The shipped AMELAG-format recording (sample data) against the demo mart, value by value."""
    lines = (AMELAG_SAMPLE / "amelag_einzelstandorte.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    potsdam = {r["datum"]: r["viruslast_normalisiert"] for r in rows
               if r["standort"] == "Potsdam" and r["bundesland"] == "BB" and r["typ"] == "SARS-CoV-2"}
    mart_values = values(demo_mart, "abwasser_viruslast", POTSDAM)
    assert {d: float(v) for d, v in potsdam.items() if v != "NA"} == mart_values
    assert any(v == "NA" for v in potsdam.values())  # a missing value is no value, not a zero
    assert demo_mart.execute("select bool_and(is_sample) from fct_indicator_value "
                        "where indicator_id = 'abwasser_viruslast'").fetchone() == (True,)
