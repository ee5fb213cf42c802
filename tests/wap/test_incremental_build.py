"""Incremental builds: a new load of one source rebuilds only its lineage, and the published mart then
equals a full rebuild's.

One module fixture (a new PEGELONLINE poll on a copy of the demo data dir, built and published
incrementally, then a full rebuild of the same loads) serves every test: ~1 min on an idle machine,
two dbt builds.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from regiohub.build import incremental
from regiohub.build.transform import build_candidate
from regiohub.core import settings
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ingest.source import ingest_source
from regiohub.ops.pipeline import build_and_publish

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"


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


@pytest.fixture(scope="module")
def after_new_poll(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("incremental")
    data = settings.paths(base / "data")
    shutil.copytree(demo_data_dir, data.data_dir, symlinks=True)
    published_before = data.published.read_bytes()
    with duckdb.connect(str(data.published), read_only=True) as con:
        newest_before = con.execute("select max(day) from fct_water_level_daily").fetchall()[0][0]
    result = ingest_source("pegelonline", from_path=next_poll(base / "poll"), data=data)
    assert result.status == "loaded", result
    build_and_publish(data)
    info = incremental.build_info(incremental.base_dir(data) / "base.duckdb")
    full = incremental.base_dir(data)
    shutil.rmtree(full)  # no kept build: the next build is a full one
    candidate = build_candidate(data)
    return {"data": data, "info": info, "full": candidate, "full_info": incremental.build_info(candidate),
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
    allowed = lineage(data, ["pegelonline"] + [c for c in info["changed"] if c.startswith("registry.")])
    assert "int_water_levels__daily" in rebuilt and "fct_water_level_daily" in rebuilt
    assert rebuilt <= allowed, rebuilt - allowed
    # other domains' heavy models are read from the kept build, not rebuilt
    assert not rebuilt & {"int_charging_facilities__located", "int_transit_departures__by_stop_day",
                          "int_indicators__health", "fct_transit_departures_daily", "fct_charging_facility"}
    full = set(after_new_poll["full_info"]["rebuilt_models"])
    assert after_new_poll["full_info"]["build_mode"] == "full" and len(rebuilt) < len(full) / 2


def test_the_published_mart_equals_a_full_rebuild(after_new_poll):
    data, full = after_new_poll["data"], after_new_poll["full"]
    assert data.published.read_bytes() != after_new_poll["before"]
    with duckdb.connect() as con:
        con.execute("attach ? as pub (read_only)", [str(data.published)])
        con.execute("attach ? as rebuilt (read_only)", [str(full)])
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
    assert newest > after_new_poll["newest_before"]  # the new poll's day is there


def test_the_gate_validated_only_what_changed(after_new_poll):
    data = after_new_poll["data"]
    results = sorted((data.runs / "validations").glob("*.json"))[-1]
    scope = json.loads(results.read_text())["scope"]
    assert scope["mode"] == "changed"
    assert "raw__rki_inzidenz__incidence" in scope["skipped"]
    assert "raw__pegelonline__measurements" not in scope["skipped"]
    assert 0 < scope["changed_rows"]["fct_water_level_daily"]
