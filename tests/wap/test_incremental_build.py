"""Incremental builds: a new load of one source rebuilds only its lineage, and the published mart then
equals a full rebuild's — for an accumulating source (a new PEGELONLINE poll) and a full-snapshot source
(a new RKI release).

One module fixture serves every test, on a copy of the demo data dir: a new PEGELONLINE poll built and
published incrementally, then a new RKI release built and published incrementally, then
``regiohub run --offline --full``: nothing new to ingest, every model rebuilt from raw data, gated and
published. Three builds; the second published mart must equal the third row for row.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from regiohub.build import incremental
from regiohub.cli import main
from regiohub.core import settings
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ingest.source import ingest_source
from regiohub.ops.pipeline import build_and_publish

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))

# what lists every source's loads and state: rebuilt on every new load (registry_changes.PER_SOURCE)
LOAD_DIMS = {"stg_registry__loads", "stg_registry__source_state", "dim_load", "dim_source"}


def next_poll(target: Path) -> Path:
    """The PEGELONLINE recordings one day later: a new day of readings, the last two hours re-measured."""
    shutil.copytree(PEGEL, target)
    for path in target.glob("stations/*/W/measurements.json"):
        readings = json.loads(path.read_text())
        for r in readings[-8:]:
            r["value"] += 3  # overlapping readings of the newer poll win
        later = [{"timestamp": (datetime.fromisoformat(r["timestamp"]) + timedelta(days=1)).isoformat(),
                  "value": r["value"] + 1} for r in readings[-96:]]
        path.write_text(json.dumps(readings[-8:] + later))
    return target


WITHDRAWN = ("12054", "2026-09-01")  # Potsdam's first day: gone from the next release


def next_release(target: Path) -> Path:
    """The RKI file one day longer, with the day before revised and one Kreis's first day withdrawn (a full
    snapshot replaces the last one: what it no longer holds must vanish from the mart)."""
    with RKI.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames or [], list(reader)
    assert any((r["Landkreis_id"], r["Meldedatum"]) == WITHDRAWN for r in rows)
    rows = [r for r in rows if (r["Landkreis_id"], r["Meldedatum"]) != WITHDRAWN]
    last = max(r["Meldedatum"] for r in rows)
    new_day = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    for r in rows:
        if r["Meldedatum"] == last:
            r["Inzidenz_7-Tage"] = f"{float(r['Inzidenz_7-Tage']) + 0.4:.1f}"
    added = [{**r, "Meldedatum": new_day, "Faelle_neu": str(int(r["Faelle_neu"]) + 1),
              "Faelle_gesamt": str(int(r["Faelle_gesamt"]) + int(r["Faelle_neu"]) + 1)}
             for r in rows if r["Meldedatum"] == last]
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows + added)
    return target


def _publish_new_load(data: settings.Paths, source_id: str, payload: Path) -> dict:
    result = ingest_source(source_id, from_path=payload, data=data)
    assert result.status == "loaded", result
    build_and_publish(data)
    return {"info": incremental.build_info(incremental.base_dir(data) / "base.duckdb"),
            "validation": sorted((data.runs / "validations").glob("*.json"))[-1]}


@pytest.fixture(scope="module")
def after_new_poll(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("incremental")
    data = settings.paths(base / "data")
    shutil.copytree(demo_data_dir, data.data_dir, symlinks=True)
    published_before = data.published.read_bytes()
    with duckdb.connect(str(data.published), read_only=True) as con:
        newest_before = con.execute("select max(day) from fct_water_level_daily").fetchall()[0][0]
    poll = _publish_new_load(data, "pegelonline", next_poll(base / "poll"))
    release = _publish_new_load(data, "rki_inzidenz", next_release(base / "rki.csv"))
    incremental_mart = base / "incremental.duckdb"
    shutil.copyfile(data.published, incremental_mart)
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(out):
        mp.setenv("REGIOHUB_DATA_DIR", str(data.data_dir))
        code = main(["run", "--offline", "--full"])
    assert code == 0, out.getvalue()
    return {"data": data, "info": poll["info"], "validation": poll["validation"], "rki": release,
            "incremental": incremental_mart, "run_output": out.getvalue(),
            "full_info": incremental.build_info(incremental.base_dir(data) / "base.duckdb"),
            "before": published_before, "newest_before": newest_before}


def lineage(data: settings.Paths, selectors: list[str]) -> set[str]:
    """Models downstream of the given dbt sources, from the manifest."""
    manifest = json.loads((data.build / "dbt_target" / "manifest.json").read_text())
    names = {s.removeprefix("source:").removesuffix("+") for s in selectors}
    todo = [k for k, v in manifest["sources"].items() if f"{v['source_name']}.{v['name']}" in names
            or v["source_name"] in names]
    seen: set[str] = set()
    while todo:
        for child in manifest["child_map"].get(todo.pop(), []):
            if child.startswith("model.") and child not in seen:
                seen.add(child)
                todo.append(child)
    return {n.split(".")[-1] for n in seen}


def test_a_new_load_of_one_source_rebuilds_only_its_lineage(after_new_poll):
    info, data = after_new_poll["info"], after_new_poll["data"]
    assert info["build_mode"] == "incremental"
    assert "pegelonline" in info["changed"]
    assert not {c for c in info["changed"] if not c.startswith("registry.")} - {"pegelonline"}
    rebuilt = set(info["rebuilt_models"])
    allowed = lineage(data, ["pegelonline"] + [c for c in info["changed"] if c.startswith("registry.")]) | LOAD_DIMS
    assert "int_water_levels__daily" in rebuilt and "fct_water_level_daily" in rebuilt
    assert rebuilt <= allowed, rebuilt - allowed
    # the poll brought readings, not a new station list: the stations' lineage is kept
    assert not rebuilt & {"stg_pegelonline__stations", "int_gauges__located"}
    # other domains' heavy models are read from the kept build, not rebuilt; nor what reads the loads
    # export for its own source only (the census models)
    assert not rebuilt & {"int_charging_facilities__located", "int_transit_departures__by_stop_day",
                          "int_indicators__health", "fct_transit_departures_daily", "fct_charging_facility",
                          "int_population__by_region", "int_indicators__population"}
    full = set(after_new_poll["full_info"]["rebuilt_models"])
    assert after_new_poll["full_info"]["build_mode"] == "full" and len(rebuilt) < len(full) / 2


def test_run_full_rebuilds_every_model_and_says_why(after_new_poll):
    full_info, out = after_new_poll["full_info"], after_new_poll["run_output"]
    assert full_info["build_mode"] == "full"
    total = len(full_info["rebuilt_models"])
    assert f"build full: {total} of {total} models, because requested with --full" in out
    assert not (after_new_poll["data"].build / "full-build-requested").exists()  # published: next may be incremental


def test_the_published_mart_equals_a_full_rebuild(after_new_poll):
    data, incremental_mart = after_new_poll["data"], after_new_poll["incremental"]
    assert incremental_mart.read_bytes() != after_new_poll["before"]
    with duckdb.connect() as con:
        con.execute("attach ? as pub (read_only)", [str(incremental_mart)])
        con.execute("attach ? as rebuilt (read_only)", [str(data.published)])
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'pub' "
            "and table_name not in ('meta_snapshot', 'meta_loads') order by 1").fetchall()]
        assert "fct_water_level_daily" in names and "fct_indicator_value" in names
        for name in names:
            differ = con.execute(
                f'select count(*) from ((from pub.main."{name}" except all from rebuilt.main."{name}") '
                f'union all (from rebuilt.main."{name}" except all from pub.main."{name}"))').fetchall()[0][0]
            assert differ == 0, f"{name}: {differ} rows differ from a full rebuild"
        newest = con.execute("select max(day) from pub.main.fct_water_level_daily").fetchall()[0][0]
        rki = con.execute("select max(period_end) from pub.main.fct_indicator_value "
                          "where source_id = 'rki_inzidenz'").fetchall()[0][0]
        withdrawn = con.execute(
            "select count(*) from pub.main.fct_indicator_value where source_id = 'rki_inzidenz' "
            "and region_ars = rpad(?, 12, '0') and period_start = ?::date", list(WITHDRAWN)).fetchall()[0][0]
    assert newest > after_new_poll["newest_before"]  # the new poll's day is there
    assert str(rki) >= "2026-11-16"  # and the new release's day
    assert withdrawn == 0  # the withdrawn day is gone, as in a full rebuild


def test_a_new_full_snapshot_release_rebuilds_only_its_lineage(after_new_poll):
    info, data = after_new_poll["rki"]["info"], after_new_poll["data"]
    assert info["build_mode"] == "incremental"
    assert {c for c in info["changed"] if not c.startswith("registry.")} == {"rki_inzidenz"}
    rebuilt = set(info["rebuilt_models"])
    assert "stg_rki__incidence" in rebuilt or "int_indicators__health" in rebuilt
    registry = [c for c in info["changed"] if c.startswith("registry.")]
    assert rebuilt <= lineage(data, ["rki_inzidenz", *registry]) | LOAD_DIMS
    # per-load fields are not in the registry's sources: what reads only those is not rebuilt
    assert not rebuilt & {"int_water_levels__daily", "dim_indicator", "stg_registry__sources"}


def test_the_gate_validated_only_what_changed(after_new_poll):
    scope = json.loads(after_new_poll["validation"].read_text())["scope"]
    assert scope["mode"] == "changed"
    assert "raw__rki_inzidenz__incidence" in scope["skipped"]
    assert "raw__pegelonline__measurements" not in scope["skipped"]
    assert 0 < scope["changed_rows"]["fct_water_level_daily"]
