"""One run with three independently broken sources: the others publish, each broken source is named once.

The broken loads are written as raw Parquet directly (what ingest would write if a bad delivery got
past its quarantine): an unreadable "Anzahl Ladepunkte" (NULL) in the Ladesäulenregister, an
``inf`` precipitation in the DWD climate data, and a Deutschlandatlas release without any row for
the region's Kreise.

The same run shows that "up to date" means published: before it, an operator's `ingest --from` added a
good PEGELONLINE load and a run was killed right after its ingest step; the run publishes that load.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from crashpoints import held_at, kill, start_run

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.ids import new_load_id
from regiohub.ingest.replay import RECORDINGS_DIR, offline
from regiohub.ops.pipeline import recent_runs, run
from regiohub.store.loads import published_loads, unpublished_loads

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"

BROKEN = {"ladesaeulenregister", "dwd_klima_potsdam", "deutschlandatlas_aerzte"}
PARTNER_KREISE = ("12051", "12054", "12063", "12069", "12072")


def write_bad_load(data: settings.Paths, source_id: str, entity: str, select: str) -> str:
    """A new raw load of ``source_id`` derived from its newest one by ``select`` (over ``latest``)."""
    folder = data.raw / source_id / entity
    latest = sorted(folder.glob("*.parquet"))[-1]
    load_id = new_load_id()
    with duckdb.connect() as con:
        con.read_parquet(str(latest)).create("latest")
        con.execute(f"create table bad as {select}")
        con.execute("update bad set _load_id = ?", [load_id])
        con.execute("copy bad to '" + str(folder / f"{load_id}.parquet") + "' (format parquet)")
    return load_id


def ingest_from(base: Path, tmp: Path) -> str:
    """`regiohub ingest pegelonline --from` a corrected payload; return the new load id."""
    payload = tmp / "pegel"
    shutil.copytree(PEGEL, payload)
    measurements = next(payload.glob("stations/5e10e1e7-*/W/measurements.json"))
    series = json.loads(measurements.read_text())
    series[-1]["value"] += 1  # a corrected last reading, as an operator might drop it in
    measurements.write_text(json.dumps(series))
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(base)}
    out = subprocess.run([sys.executable, "-m", "regiohub.cli", "ingest", "pegelonline", "--from", str(payload)],
                         env=env, capture_output=True, text=True, check=True).stdout
    return out.split("(load ")[1].split(")")[0]


def kill_after_ingest(base: Path) -> None:
    proc, data = start_run(base, crash_at="ingest:done"), settings.paths(base)
    held_at(data, proc, "ingest:done")
    kill(data, proc, "ingest:done")


@pytest.fixture(scope="module")
def broken_run(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("isolation")
    base = tmp / "data"
    shutil.copytree(demo_data_dir, base, symlinks=True)
    data = settings.paths(base)
    before = published_loads(data)
    pegel_load = ingest_from(base, tmp)
    assert unpublished_loads(data)["pegelonline"] == [pegel_load]
    kill_after_ingest(base)
    assert "pegelonline" in unpublished_loads(data)  # the killed run published nothing
    bad = {
        "ladesaeulenregister": write_bad_load(
            data, "ladesaeulenregister", "charging_facilities",
            "select * replace (case when row_number() over () = 1 then null else charging_points end "
            "as charging_points) from latest"),
        "dwd_klima_potsdam": write_bad_load(
            data, "dwd_klima_potsdam", "daily",
            "select * replace ('inf'::double as precipitation_mm) from latest "
            "where day = (select max(day) from latest)"),
        "deutschlandatlas_aerzte": write_bad_load(
            data, "deutschlandatlas_aerzte", "values",
            f"select * from latest where {latest_key(data)} not in {PARTNER_KREISE}"),
    }
    with offline():
        report = run(data)
    return data, report, before, bad, pegel_load


def latest_key(data: settings.Paths) -> str:
    with duckdb.connect() as con:
        cols = [r[0] for r in con.execute(
            "describe select * from read_parquet(?)",
            [str(sorted((data.raw / "deutschlandatlas_aerzte" / "values").glob("*.parquet"))[-1])]).fetchall()]
    return cols[0]


def test_the_other_sources_publish_and_the_broken_ones_stay_at_their_last_good_load(broken_run):
    data, report, before, bad, _ = broken_run
    assert report.outcome == "published", report.error
    assert report.timings_s["build"] > 0 and report.dbt_tests["failed"] == 0
    assert {f["source_id"] for f in report.source_failures} == BROKEN
    after = published_loads(data)
    for source_id in BROKEN:
        assert after[source_id] == before[source_id], source_id  # pinned to the last published load
    assert set(unpublished_loads(data)) == BROKEN  # the bad loads stay visible as not published
    # the load from `ingest --from`, left unpublished by the killed run, is published now
    with duckdb.connect(str(data.published), read_only=True) as con:
        pinned = dict(con.execute("select source_id, is_pinned from meta_loads").fetchall())
        inf = con.execute("select count(*) from fct_indicator_value where isinf(value)").fetchall()[0][0]
        aerzte = con.execute("select count(*) from fct_indicator_value where indicator_id = 'hausaerzte_je_100000_ew' "
                             "and region_ars like '12054%'").fetchall()[0][0]
    assert {s for s, p in pinned.items() if p} == BROKEN
    assert inf == 0 and aerzte > 0


def test_each_broken_source_is_named_once_with_check_and_rows(broken_run):
    data, report, _, bad, _ = broken_run
    lines = {f["source_id"]: f["line"] for f in report.source_failures}
    print("\n".join(lines.values()))
    assert "not_null_stg_bnetza__charging_facilities_charging_points" in lines["ladesaeulenregister"]
    assert "charging_points is empty in 1 rows" in lines["ladesaeulenregister"]
    assert "facility_id=" in lines["ladesaeulenregister"]  # the failing row by its key
    # the inf is caught by a mart test whose failing rows name the DWD series (and no other source)
    assert "niederschlag_monatssumme" in lines["dwd_klima_potsdam"]
    assert "region_ars=120540000000" in lines["dwd_klima_potsdam"] and "value=inf" in lines["dwd_klima_potsdam"]
    assert "series_kept" in lines["deutschlandatlas_aerzte"] and "Potsdam" in lines["deutschlandatlas_aerzte"]
    assert "aerzte" in lines["deutschlandatlas_aerzte"]
    for line in lines.values():
        assert "configured to fail" not in line and "Next: " in line
    history = recent_runs(data, 1)[0]
    assert [f["line"] for f in history["source_failures"]] == [lines[s] for s in sorted(lines)]


def test_status_names_each_broken_source_in_one_line(broken_run, monkeypatch, capsys):
    data, report, _, bad, _ = broken_run
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data.data_dir))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    for f in report.source_failures:
        assert sum(f["line"] in line for line in out.splitlines()) == 1
    for source_id, load_id in bad.items():
        assert any(source_id in line and load_id in line for line in out.splitlines()), source_id


def test_ingest_from_and_a_run_killed_after_ingest_are_published_by_the_next_run(broken_run):
    data, report, _, _, pegel_load = broken_run
    assert published_loads(data)["pegelonline"] >= pegel_load
    assert "pegelonline" not in unpublished_loads(data)
    killed = next(r for r in recent_runs(data, 5) if r["run_id"] != report.run_id and r["kind"] == "run")
    assert killed["outcome"] == "failed" and killed["error"].startswith("interrupted")



def test_a_second_run_does_not_rebuild_known_bad_loads(broken_run):
    data, report, _, _, _ = broken_run
    snapshot = published_loads(data)
    with offline():
        again = run(data)
    assert again.outcome == "unchanged"
    assert {f["source_id"] for f in again.source_failures} == BROKEN  # still reported
    assert published_loads(data) == snapshot

