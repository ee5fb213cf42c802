"""The whole path on the real stack: ingest → dbt build → GX gate → atomic publish."""

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from regiohub.build.transform import build_candidate
from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import PipelineError
from regiohub.core.ids import new_run_id
from regiohub.ingest.replay import RECORDINGS_DIR, offline
from regiohub.ingest.source import ingest_source
from regiohub.ops.pipeline import build_and_publish, run
from regiohub.publish.swap import publish_candidate
from regiohub.registry.model import load_registry
from regiohub.store.loads import published_loads, unpublished_loads
from regiohub.store.runs import RunReport

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
DOMAINS = {"water", "population", "mobility", "health"}
NON_OVERLAPPING = ["120540000000", "120510000000", "120630000000", "120690000000", "120720000000"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(data: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data / "published" / "regiohub.duckdb"), read_only=True)


def test_published_mart_answers_every_partner_in_every_domain(demo_data_dir):
    with published(demo_data_dir) as con:
        rows = con.execute(
            """
            select v.partner_id, list(distinct i.domain)
            from fct_partner_indicator_value v join dim_indicator i using (indicator_id)
            group by v.partner_id
            """
        ).fetchall()
        own = con.execute(
            """
            select r.partner_id, i.domain
            from fct_indicator_value v
            join dim_region r on r.ars = v.region_ars and r.is_partner
            join dim_indicator i using (indicator_id)
            group by all
            """
        ).fetchall()
    assert {p: set(d) for p, d in rows} == {p.id: DOMAINS for p in load_registry().partners}
    # measured for the partner's own territory: population, mobility, water for all nine; health per Kreis
    own_domains: dict[str, set[str]] = {}
    for partner, domain in own:
        own_domains.setdefault(partner, set()).add(domain)
    assert all({"population", "mobility", "water"} <= d for d in own_domains.values()) and len(own_domains) == 9
    assert {p for p, d in own_domains.items() if "health" in d} == {
        "potsdam", "brandenburg_havel", "havelland", "potsdam_mittelmark", "teltow_flaeming"
    }


def test_inherited_values_say_where_they_were_measured(demo_data_dir):
    with published(demo_data_dir) as con:
        rows = con.execute(
            """
            select p.value, p.measured_name, p.is_inherited, k.value
            from fct_partner_indicator_value p
            join fct_indicator_value k
                on k.region_ars = '120720000000' and k.indicator_id = p.indicator_id and k.period = p.period
            where p.partner_id = 'luckenwalde' and p.indicator_id = 'inzidenz_7_tage'
            """
        ).fetchall()
    assert rows and all(v == kv and name == "Teltow-Fläming" and inherited for v, name, inherited, kv in rows)


def test_regional_population_is_the_sum_of_the_five_non_overlapping_units(demo_data_dir):
    zensus = RECORDINGS_DIR / "ergebnisse.zensus2022.de/api/rest/2020/data/tablefile"
    with published(demo_data_dir) as con:
        total = con.execute(
            "select sum(value) from fct_indicator_value where indicator_id = 'bevoelkerung' and region_ars in "
            "(select unnest(?::varchar[]))",
            [NON_OVERLAPPING],
        ).fetchall()[0][0]
        land = con.execute(
            "select value from fct_indicator_value where indicator_id = 'bevoelkerung' and region_ars = '120000000000'"
        ).fetchall()[0][0]
    # computed independently, in plain Python, from the recorded payload
    with zipfile.ZipFile(zensus) as zf:
        lines = io.TextIOWrapper(zf.open("1000A-0000_de_flat.csv"), encoding="utf-8").read().splitlines()[1:]
    values = [line.split(";") for line in lines]
    expected = sum(int(v[9]) for v in values if v[7][:5] in {"12054", "12051", "12063", "12069", "12072"})
    assert total == expected
    assert land == sum(int(v[9]) for v in values)


def test_published_file_is_complete_and_marked_as_sample_data(demo_data_dir):
    with published(demo_data_dir) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        snapshot = con.execute("select snapshot_id, run_id from meta_snapshot").fetchall()
        samples = con.execute("select bool_and(is_sample) from fct_indicator_value").fetchall()[0][0]
        attributions = con.execute("select count(*) from dim_source where attribution is not null").fetchall()[0][0]
    assert {"dim_region", "dim_indicator", "dim_source", "fct_indicator_value", "fct_partner_indicator_value",
            "fct_water_level_daily", "meta_snapshot"} <= tables
    assert not any(t.startswith(("stg_", "int_")) for t in tables)  # only marts are published
    assert len(snapshot) == 1 and samples is True and attributions == len(load_registry().sources)
    assert not list((demo_data_dir / "published").glob(".incoming-*"))


def test_a_second_run_with_nothing_new_publishes_nothing(published_copy):
    before = sha256(published_copy / "published" / "regiohub.duckdb")
    raw_before = sorted((published_copy / "raw").rglob("*.parquet"))
    with offline():
        report = run(settings.paths(published_copy))
    assert report.outcome == "unchanged"
    assert {i["status"] for i in report.ingested} == {"unchanged"}
    assert sorted((published_copy / "raw").rglob("*.parquet")) == raw_before
    assert sha256(published_copy / "published" / "regiohub.duckdb") == before


def test_a_gate_failure_holds_back_its_source_and_publishes_the_rest(published_copy, tmp_path):
    """An implausible water level passes ingestion but not the audit: PEGELONLINE is held back at its last
    published load, the rest is published (a gate failure no source explains: tests/wap/test_gate_blocks_faults)."""
    data = settings.paths(published_copy)
    before = published_loads(data)
    bad = tmp_path / "pegel"
    shutil.copytree(PEGEL, bad)
    measurements = next(bad.glob("stations/5e10e1e7-*/W/measurements.json"))
    series = json.loads(measurements.read_text())
    for item in series[-96:]:
        item["value"] = 2500  # cm: within the physical range checked at ingestion, above the gate's 1500
    measurements.write_text(json.dumps(series))
    assert ingest_source("pegelonline", from_path=bad, data=data).status == "loaded"
    report = RunReport(new_run_id(), "2026-12-07T22:00:00+00:00")

    assert build_and_publish(data, report=report).snapshot_id

    assert published_loads(data)["pegelonline"] == before["pegelonline"]
    [held] = report.source_failures
    assert held["source_id"] == "pegelonline" and "expect_column_values_to_be_between" in held["line"]
    assert "pegelonline" in unpublished_loads(data)
    assert len(list((data.runs / "validations").glob("*.json"))) >= 2  # the failing verdict is kept too


def test_open_readers_keep_their_snapshot_while_a_new_one_is_published(published_copy):
    data = settings.paths(published_copy)
    reader = published(published_copy)
    old_snapshot = reader.execute("select snapshot_id from meta_snapshot").fetchall()[0][0]
    old_count = reader.execute("select count(*) from fct_indicator_value").fetchall()[0][0]

    result = build_and_publish(data)

    # the open reader still sees its complete snapshot, without errors
    assert reader.execute("select snapshot_id from meta_snapshot").fetchall()[0][0] == old_snapshot
    assert reader.execute("select count(*) from fct_indicator_value").fetchall()[0][0] == old_count
    reader.close()
    with published(published_copy) as fresh:
        assert fresh.execute("select snapshot_id from meta_snapshot").fetchall()[0][0] == result.snapshot_id
    assert result.snapshot_id != old_snapshot


def test_status_shows_snapshot_sources_and_runs(demo_data_dir, monkeypatch, capsys):
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(demo_data_dir))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "published: snapshot" in out
    for source in ("pegelonline", "zensus2022_bevoelkerung", "ladesaeulenregister", "rki_inzidenz"):
        assert source in out
    assert "published" in out.split("run ")[-1]


def test_an_older_candidate_never_replaces_a_newer_published_mart(published_copy):
    data = settings.paths(published_copy)
    older = build_candidate(data)
    newer = build_candidate(data)
    publish_candidate(newer, data)
    before = sha256(data.published)
    with pytest.raises(PipelineError, match="older than the published mart"):
        publish_candidate(older, data)
    assert sha256(data.published) == before
