"""The population sources on the publishers' real answers: intake of every level, one vintage per date, the mart.

Answers (see ``genesis_payloads`` and ``tests/fixtures/genesis/README.md``):

* ``../shared/data/real/genesis/`` (PROVENANCE.md, section 2, pystatis cassettes): the 31.12.2024 ffcsv ZIP
  (recorded 10 Mar 2026, ``KREISE`` only), the 31.12.2023 answer in the older flat layout (recorded 3 Dec
  2024, before the Zensus 2022 revision), 11111-02-01-4 and the Zensus table 1000A-2022 (both to refuse);
* ``tests/fixtures/genesis/`` (pystatis cassettes, verbatim ZIPs): 12411-01-01-4 ``area=all`` for 31.12.2023
  (recorded 11 Jun 2025, four levels, after the revision) and 1000A-0000 ``area=all`` (first row Germany).

Every file goes through ``regiohub ingest SOURCE --from FILE``; the mart tests build with dbt and compare
with the true values read from the files with plain Python.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from genesis_payloads import (
    AREA_11111_ZIP,
    AREA_ALL_2023,
    CENSUS_1000A_2022_ZIP,
    CENSUS_2022,
    CENSUS_LAND,
    CENSUS_UCKERMARK,
    FLAT_2023_CSV,
    GV100AD,
    KREISE_2024_ZIP,
    PRE_REVISION_2023,
    PRE_REVISION_2023_LAND,
    PRE_REVISION_2023_UNITS,
    REVISED_2023,
    REVISED_2023_LAND,
    UNITS,
    YEAR_2024,
    YEAR_2024_LAND,
    YEAR_2024_UNITS,
    ars,
    census_row,
    census_table,
    member,
    shuffled_area_all,
    values_of,
)
from real_payloads import raw, real

from regiohub.build.transform import export_registry, run_dbt
from regiohub.cli import main
from regiohub.core import settings
from regiohub.ingest.quarantine import quarantine_dir
from regiohub.ops.status import render_status
from regiohub.registry.model import load_registry

REGIO = "regionalstatistik_bevoelkerung"
ZENSUS = "zensus2022_bevoelkerung"
COOPERATION = "129990000000"
LAND = "120000000000"


def ingest(capsys, source: str, path: Path) -> str:
    code = main(["ingest", source, "--from", str(path)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def refused(capsys, source: str, path: Path) -> str:
    assert main(["ingest", source, "--from", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {source}: "), err
    return err


def totals(data: Path, source: str) -> dict[str, float]:
    return dict(raw(data, source, "values", "select region_code, value from t where variable_2_attribute_code is null"))


# --- intake: what the services really send ----------------------------------------------------------------


def test_the_2024_kreis_answer_loads_its_kreise_with_its_release(data_dir, capsys):
    out = ingest(capsys, REGIO, real(KREISE_2024_ZIP))
    assert "table 12411-01-01-4: kept 1467 KREISE" in out and "ignored" not in out
    got = totals(data_dir, REGIO)
    assert {k: got[k] for k in UNITS} == YEAR_2024
    assert sum(v for k, v in got.items() if k.startswith("12") and len(k) == 5) == YEAR_2024_LAND
    released = raw(data_dir, REGIO, "values", "select distinct released_at::varchar, release_basis, table_code from t")
    # the answer's own time stamp: 12411-01-01-4_1773175772751_de_flat.csv = 2026-03-10 20:49:32.751 UTC
    assert released == [("2026-03-10 20:49:32.751", "time stamp in the answer's file name", "12411-01-01-4")]


def test_the_old_flat_2023_answer_loads_kreise_and_laender(data_dir, capsys):
    out = ingest(capsys, REGIO, real(FLAT_2023_CSV))
    # one regional variable (KREISE) for every row: the key's shape tells Germany, Länder and Regierungsbezirke
    assert "table 12411-01-01-4: kept 1458 KREISE, 48 DLAND; ignored 105 REGBEZ, 3 DINSG" in out
    got = totals(data_dir, REGIO)
    assert {k: got[k] for k in PRE_REVISION_2023} == PRE_REVISION_2023
    assert sum(got[k] for k in UNITS) == PRE_REVISION_2023_UNITS and got["12"] == PRE_REVISION_2023_LAND
    assert raw(data_dir, REGIO, "values", "select distinct released_at from t") == [(None,)]  # states no date


def test_the_area_all_answer_keeps_kreise_and_laender_in_any_order(data_dir, tmp_path, capsys):
    """All four levels in another order, as a CSV of any name (built from the recording of 11 Jun 2025)."""
    path = tmp_path / "download (2).csv"
    path.write_bytes(shuffled_area_all())
    out = ingest(capsys, REGIO, path)
    assert "table 12411-01-01-4: kept 1467 KREISE, 48 DLAND; ignored 132 REGBEZ, 3 DINSG" in out
    got = totals(data_dir, REGIO)
    assert {k: got[k] for k in UNITS} == REVISED_2023 and got["12"] == REVISED_2023_LAND
    assert "DG" not in got and "120" not in got  # Germany and the Regierungsbezirk level are not loaded


def test_the_recorded_area_all_zip_names_its_release(data_dir, capsys):
    ingest(capsys, REGIO, AREA_ALL_2023)
    released = raw(data_dir, REGIO, "values", "select distinct released_at::varchar from t")
    assert released == [("2025-06-11 06:39:23.823",)]


def test_the_census_answer_starting_with_germany_loads_every_gemeinde(data_dir, capsys):
    out = ingest(capsys, ZENSUS, CENSUS_2022)
    assert "table 1000A-0000: kept 10786 GEOGM4; ignored 1 GEODL1" in out and "quarantined" not in out
    got = totals(data_dir, ZENSUS)
    assert sum(v for k, v in got.items() if k.startswith("12")) == CENSUS_LAND
    assert sum(v for k, v in got.items() if k.startswith("12073")) == CENSUS_UCKERMARK
    # keys of the Gebietsstand 15.05.2022 the BKG boundaries of 2021 do not have: the reference knows them
    assert {k: got[k] for k in ("120735051532", "120735051440", "120645412340")} == {
        "120735051532": 33_578, "120735051440": 891, "120645412340": 2_592}


def test_a_census_key_no_directory_knows_is_quarantined_and_named(data_dir, tmp_path, capsys):
    path = tmp_path / "1000A-0000_de_flat.csv"
    path.write_bytes(census_table(add=(census_row("120739999999", "Phantasia", 1234),)))
    out = ingest(capsys, ZENSUS, path)
    assert "quarantined values: 1 region key unknown to the region reference" in out
    assert "1 region key(s) unknown to the region reference regions.csv are quarantined: 120739999999 Phantasia" in out
    assert "no Kreis or Land sum is published for 2022-05-15" in out
    kept = raw(data_dir, ZENSUS, "values", "select count(*), max(unknown_keys_in_kreis) filter "
                                           "(where region_code like '12073%'), max(unknown_keys_in_land) from t")
    assert kept == [(10786, 1, 1)]
    folder = quarantine_dir(settings.paths(data_dir)) / ZENSUS / "values"
    q = duckdb.sql(f"select region_code, region_label, _reason from read_parquet('{folder}/*.parquet')").fetchall()
    assert q == [("120739999999", "Phantasia",
                  "region key unknown to the region reference (GV100AD; `regiohub regions refresh`)")]


def test_the_11111_table_is_refused_naming_it(data_dir, capsys):
    err = refused(capsys, REGIO, real(AREA_11111_ZIP))
    assert "table 11111-02-01-4 is not one of 12411-01-01-4, 12411-01-01-5" in err
    assert "it holds statistic 11111 by KREISE" in err


def test_the_census_table_1000a_2022_is_refused_naming_it(data_dir, tmp_path, capsys):
    err = refused(capsys, ZENSUS, real(CENSUS_1000A_2022_ZIP))
    assert "table 1000A-2022 is not one of 1000A-0000" in err and "it holds statistic 1000A by GEOBL1, GEODL1" in err
    renamed = tmp_path / "Bevoelkerung.csv"  # its member under another name: the content still tells
    renamed.write_bytes(member(CENSUS_1000A_2022_ZIP))
    err = refused(capsys, ZENSUS, renamed)
    assert ("a table of statistic 1000A (Bevölkerung kompakt (Gebietsstand 15.05…) by GEOBL1, GEODL1 with "
            "ALTGR2, WDGAT1, WDGAT2 is not one of 1000A-0000") in err


def test_a_refused_file_stays_visible_in_status_until_a_newer_good_load(data_dir, capsys):
    refused(capsys, REGIO, real(AREA_11111_ZIP))
    with_error = render_status(settings.paths(data_dir))
    assert "table 11111-02-01-4 is not one of" in with_error
    ingest(capsys, REGIO, real(KREISE_2024_ZIP))  # identical payload again would be "unchanged": still refused?
    assert "table 11111-02-01-4" not in render_status(settings.paths(data_dir))


def test_a_refused_file_is_not_forgotten_by_an_unchanged_load(data_dir, capsys):
    ingest(capsys, REGIO, real(KREISE_2024_ZIP))
    refused(capsys, REGIO, real(AREA_11111_ZIP))
    assert "unchanged" in ingest(capsys, REGIO, real(KREISE_2024_ZIP))  # the same good file again
    status = render_status(settings.paths(data_dir))
    assert "table 11111-02-01-4 is not one of" in status


# --- the mart: official figure per level, one vintage per date --------------------------------------------


def build(data_dir: Path, name: str) -> Path:
    data = settings.paths(data_dir)
    export_registry(load_registry(), data)
    candidate = data.build / f"candidate-{name}.duckdb"
    run_dbt(["build", "--select", "+fct_indicator_value", "--indirect-selection", "cautious"], data, candidate)
    return candidate


def published(candidate: Path, indicator: str, period: str) -> dict[str, tuple]:
    with duckdb.connect(str(candidate), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute(
            "select region_ars, value, basis, is_sample, source_load_ids from fct_indicator_value "
            "where indicator_id = ? and period = ?", [indicator, period]).fetchall()}


@pytest.mark.parametrize("order", ["flat_first", "area_all_first"])
def test_both_vintages_and_the_newer_release_wins_in_either_loading_order(published_copy, capsys, order):
    """31.12.2023 before the revision (old flat, no date of its own) and after it (area=all of 11 Jun 2025)."""
    flat, area_all, kreise_2024 = real(FLAT_2023_CSV), AREA_ALL_2023, real(KREISE_2024_ZIP)
    if order == "flat_first":
        ingest(capsys, REGIO, flat)
        ingest(capsys, REGIO, kreise_2024)
        candidate = build(published_copy, "vintage-1")
        y2023, y2024 = published(candidate, "bevoelkerung_jahresende", "2023-12-31"), \
            published(candidate, "bevoelkerung_jahresende", "2024-12-31")
        # the only vintage of 2023 so far: the old answer's true values, official Land row
        assert {k: y2023[ars(k)][0] for k in PRE_REVISION_2023} == PRE_REVISION_2023
        assert y2023[COOPERATION][0] == PRE_REVISION_2023_UNITS and y2023[LAND][:3] == (
            PRE_REVISION_2023_LAND, "amtlich", False)
        assert {k: y2024[ars(k)][0] for k in UNITS} == YEAR_2024
        assert y2024[COOPERATION][:3] == (YEAR_2024_UNITS, "Summe der Partner auf Kreisebene", False)
        # the 2024 answer has no Land row: the Land is the sum of its 18 real Kreise, not the sample Gemeinden
        assert y2024[LAND][:3] == (YEAR_2024_LAND, "Summe der Kreise", False)
        out = ingest(capsys, REGIO, area_all)
    else:
        ingest(capsys, REGIO, area_all)
        ingest(capsys, REGIO, kreise_2024)
        out = ingest(capsys, REGIO, flat)  # the older release arrives last
        assert "kept, not published (older release)" in out
    candidate = build(published_copy, "vintage-2")
    y2023 = published(candidate, "bevoelkerung_jahresende", "2023-12-31")
    y2024 = published(candidate, "bevoelkerung_jahresende", "2024-12-31")
    change = published(candidate, "bevoelkerung_veraenderung", "2024-12-31")
    assert {k: y2023[ars(k)][0] for k in UNITS} == REVISED_2023
    assert y2023[LAND][:3] == (REVISED_2023_LAND, "amtlich", False)
    assert y2023[COOPERATION][0] == sum(REVISED_2023.values())
    assert y2024[LAND][0] == YEAR_2024_LAND and y2024[COOPERATION][0] == YEAR_2024_UNITS
    # both years real: the change is real and lists both loads
    assert change[COOPERATION][0] == round((YEAR_2024_UNITS - sum(REVISED_2023.values()))
                                           / sum(REVISED_2023.values()) * 100, 2)
    assert change[COOPERATION][2] is False and len(change[COOPERATION][3]) == 2
    if order == "area_all_first":
        assert "kept, not published (an earlier load holds a newer release)" in render_status(
            settings.paths(published_copy)) or "older release" in render_status(settings.paths(published_copy))


def test_the_census_publishes_the_true_land_kreis_and_shares(published_copy, capsys):
    ingest(capsys, ZENSUS, CENSUS_2022)
    candidate = build(published_copy, "census")
    count = published(candidate, "bevoelkerung", "2022-05-15")
    share = published(candidate, "bevoelkerungsanteil_land", "2022-05-15")
    census = values_of(member(CENSUS_2022))
    assert count[LAND][:3] == (CENSUS_LAND, "Summe der Gemeinden", False)
    assert count["120730000000"][0] == CENSUS_UCKERMARK
    assert count["120735051532"][0] == census["120735051532"]  # Schwedt/Oder under its 2022 key
    potsdam = census["120540000000"]
    assert count[ars("12054")][0] == potsdam
    assert share[ars("12054")][0] == round(potsdam / CENSUS_LAND * 100, 2)
    units = sum(v for k, v in census.items() if k[:5] in UNITS)
    assert count[COOPERATION][0] == units


def test_no_census_kreis_or_land_sum_misses_a_quarantined_key(published_copy, tmp_path, capsys):
    path = tmp_path / "1000A-0000.csv"
    path.write_bytes(census_table(add=(census_row("120739999999", "Phantasia", 1234),)))
    ingest(capsys, ZENSUS, path)
    candidate = build(published_copy, "census-unknown")
    count = published(candidate, "bevoelkerung", "2022-05-15")
    assert "120730000000" not in count and LAND not in count  # Uckermark and the Land would miss people
    assert "bevoelkerungsanteil_land" not in {r for r in published(candidate, "bevoelkerungsanteil_land",
                                                                   "2022-05-15")}
    assert count[ars("12054")][0] == values_of(member(CENSUS_2022))["120540000000"]
    assert count["120735051532"][0] == 33_578  # Gemeinden keep their figures
    assert count[COOPERATION][0] > 0  # the Kooperationsraum does not contain Uckermark


def test_an_operator_file_is_its_own_origin_in_the_lineage_not_the_publisher_url(data_dir, capsys):
    from regiohub.lineage.events import _origin_dataset
    from regiohub.store.provenance import source_loads

    ingest(capsys, REGIO, real(KREISE_2024_ZIP))
    (load,) = source_loads(settings.paths(data_dir), load_registry().source(REGIO))  # the row dim_load gets
    assert (load["origin"], load["operator_file"], load["publisher_url"]) == ("operator", KREISE_2024_ZIP.name, None)
    dataset = _origin_dataset(load)
    assert (dataset.namespace, dataset.name) == (f"file://operator/{REGIO}", KREISE_2024_ZIP.name)
    assert "regionalstatistik.de" not in dataset.namespace


def test_after_a_reference_refresh_the_same_file_loads_its_quarantined_keys(data_dir, tmp_path, capsys):
    """A key unknown to the shipped reference; a GV100AD file that knows it (the real file's Brandenburg records
    plus one record in its layout for that key, Gebietsstand changed); the same census file handed in again."""
    path = tmp_path / "1000A-0000.csv"
    path.write_bytes(census_table(add=(census_row("120739999999", "Phantasia", 1234),)))
    assert "quarantined values: 1 region key unknown" in ingest(capsys, ZENSUS, path)
    records = [r for r in real(GV100AD).read_bytes().decode("utf-8").split("\r\n") if r[10:12] == "12"]
    pinnow = next(r for r in records if r.startswith("6020251130120734405051"))
    phantasia = pinnow[:10] + "12073999" + "9999" + "Phantasia".ljust(50) + pinnow[72:]
    directory = tmp_path / "GV100AD_31122025.txt"
    directory.write_text("\r\n".join(r[:2] + "20251231" + r[10:] for r in [*records, phantasia]) + "\r\n",
                         encoding="utf-8", newline="")
    assert main(["regions", "refresh", "--from", str(directory)]) == 0
    capsys.readouterr()
    out = ingest(capsys, ZENSUS, path)
    assert "quarantined 1 region key(s) the region reference knows now (120739999999): loaded again" in out
    assert "quarantined" not in out.replace("quarantined 1 region key(s) the region reference knows now", "")
    assert raw(data_dir, ZENSUS, "values", "select value from t where region_code = '120739999999'") == [(1234.0,)]
