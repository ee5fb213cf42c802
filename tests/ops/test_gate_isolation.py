"""A failure of the audit gate is traced to its source, which is held back while the others publish.

Through `regiohub run` on a copy of the published demo: the Deutschlandatlas answers with one absurd but
readable value (Potsdam 7,500,000,000,000,000 GPs per 100,000 — it passes intake and dbt, the gate's range
expectation catches it) and the RKI with a new reporting day; in a second run PEGELONLINE brings readings
dated 0001-01-01 (a raw load as ingest would write it; the gate's period-gap check catches them).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.ids import new_load_id
from regiohub.ingest.replay import RECORDINGS_DIR, Fault, offline
from regiohub.ops.pipeline import recent_runs, run
from regiohub.store.loads import published_loads, unpublished_loads

ATLAS = "deutschlandatlas.bund.de/fileadmin/Downloaddateien/HA26/Deutschlandatlas_KRS1222_HA26.csv"
RKI = ("raw.githubusercontent.com/robert-koch-institut/COVID-19_7-Tage-Inzidenz_in_Deutschland/main/"
       "COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv")
ABSURD = "7500000000000000"
NEW_DAY = "2026-11-16"


def absurd_atlas() -> bytes:
    text = (RECORDINGS_DIR / ATLAS).read_text(encoding="utf-8")
    assert "12054000;Potsdam;75,6;" in text
    return text.replace("12054000;Potsdam;75,6;", f"12054000;Potsdam;{ABSURD},0;").encode()


def rki_with_a_new_day() -> bytes:
    lines = (RECORDINGS_DIR / RKI).read_text(encoding="utf-8").splitlines()
    last = max(line.split(",")[0] for line in lines[1:])
    return "\n".join(lines + [NEW_DAY + line[10:] for line in lines[1:] if line.startswith(last)]).encode() + b"\n"


@pytest.fixture(scope="module")
def atlas_run(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module):
    base = tmp_path_factory.mktemp("gate-isolation") / "data"
    shutil.copytree(demo_data_dir, base, symlinks=True)
    data = settings.paths(base)
    before = published_loads(data)
    monkeypatch_module.setenv("REGIOHUB_DATA_DIR", str(base))
    with offline() as server:
        server.inject(ATLAS, Fault(body=absurd_atlas(), times=None))
        server.inject(RKI, Fault(body=rki_with_a_new_day(), times=None))
        code = main(["run"])
    return data, before, code


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_the_rki_day_is_published_and_the_atlas_held_back(atlas_run):
    data, before, code = atlas_run
    [last] = recent_runs(data, 1)
    assert last["outcome"] == "published", last.get("error")
    assert code == 1  # a source failed: the exit code says so
    after = published_loads(data)
    assert after["rki_inzidenz"] > before["rki_inzidenz"]
    assert after["deutschlandatlas_aerzte"] == before["deutschlandatlas_aerzte"]
    assert set(unpublished_loads(data)) == {"deutschlandatlas_aerzte"}
    with duckdb.connect(str(data.published), read_only=True) as con:
        days = con.execute("select max(period_start)::varchar from fct_indicator_value "
                           "where indicator_id = 'inzidenz_7_tage'").fetchall()[0][0]
        potsdam = con.execute("select max(value) from fct_indicator_value where indicator_id = "
                              "'hausaerzte_je_100000_ew' and region_ars = '120540000000'").fetchall()[0][0]
    assert days == NEW_DAY
    assert potsdam == pytest.approx(75.6)


def test_the_run_history_status_and_output_name_source_check_and_rows(atlas_run, capsys):
    data, _, _ = atlas_run
    [last] = recent_runs(data, 1)
    [failure] = last["source_failures"]
    assert failure["source_id"] == "deutschlandatlas_aerzte"
    line = failure["line"]
    assert "expect_column_values_to_be_between" in line and "hausaerzte_je_100000_ew" in line
    assert ABSURD in line and "120540000000" in line and "Next: " in line
    assert failure["bad_load"] == unpublished_loads(data)["deutschlandatlas_aerzte"][-1]
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    held = out.split("held back (their last published load is used):")[1]
    assert sum(o.strip() == line for o in held.splitlines()) == 1
    stored = json.loads(Path(last["validation_results"]).read_text())
    assert stored["success"] is True  # the published candidate passed; the failing one is in an earlier file


def test_readings_dated_year_one_hold_back_pegelonline_alone(atlas_run):
    data, _, _ = atlas_run
    before = published_loads(data)
    folder = data.raw / "pegelonline" / "measurements"
    latest = sorted(folder.glob("*.parquet"))[-1]
    load_id = new_load_id()
    with duckdb.connect() as con:
        con.execute("create table bad as select * replace ('0001-01-01' || measured_at[11:] as measured_at, "
                    "? as _load_id) from read_parquet(?) limit 3", [load_id, str(latest)])
        con.execute("copy bad to '" + str(folder / f"{load_id}.parquet") + "' (format parquet)")
    with offline() as server:
        server.inject(RKI, Fault(body=rki_with_a_new_day(), times=None))
        report = run(data)
    assert report.outcome == "published", report.error
    held = {f["source_id"]: f["line"] for f in report.source_failures}
    assert set(held) == {"pegelonline", "deutschlandatlas_aerzte"}  # the Atlas still known bad, not rebuilt
    assert "indicator_period_gaps" in held["pegelonline"] and "wasserstand" in held["pegelonline"]
    after = published_loads(data)
    assert after["pegelonline"] == before["pegelonline"]
    assert set(unpublished_loads(data)) == {"pegelonline", "deutschlandatlas_aerzte"}
