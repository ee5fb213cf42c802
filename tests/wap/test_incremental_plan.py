"""When a build starts from the kept build of the published snapshot, and what it selects (no dbt run)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from regiohub.build import incremental
from regiohub.core import settings

LOADS = {"pegelonline": "20260101T000000Z-a", "rki_inzidenz": "20260101T000000Z-b", "potsdam_einwohner": "L1"}
CONNECTORS = {"pegelonline": "pegelonline", "rki_inzidenz": "rki_incidence", "potsdam_einwohner": "opendatasoft"}
SOURCES = ["pegelonline", "rki_inzidenz", "opendatasoft", "registry"]


def write_rows(registry: Path, cutoffs: dict[str, str]) -> None:
    """The per-load exports as the build writes them: one row per load and one state row per source."""
    loads = [{"load_id": load, "source_id": s, "origin": "sample"} for s, load in cutoffs.items()]
    state = [{"source_id": s, "is_sample": True, "last_load_id": load} for s, load in cutoffs.items()]
    (registry / "loads.json").write_text(json.dumps(loads))
    (registry / "source_state.json").write_text(json.dumps(state))


@pytest.fixture
def kept(tmp_path: Path) -> settings.Paths:
    """A data dir with a kept build of snapshot S1 and the registry export it was built from."""
    data = settings.paths(tmp_path / "data").ensure()
    registry = data.build / "registry"
    registry.mkdir(parents=True)
    for name in ("partners", "sources", "targets"):
        (registry / f"{name}.json").write_text(f'["{name}"]')
    write_rows(registry, LOADS)
    folder = incremental.base_dir(data)
    folder.mkdir(parents=True)
    duckdb.connect(str(folder / "base.duckdb")).close()
    manifest = {"sources": {f"source.regiohub.{s}.t": {"source_name": s, "name": "t"} for s in SOURCES}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    meta = {"snapshot_id": "S1", "fingerprint": incremental.fingerprint(), "cutoffs": LOADS,
            "registry": incremental.registry_hashes(registry)}
    (folder / "base.json").write_text(json.dumps(meta))
    return data


def test_a_new_load_selects_that_sources_lineage_by_source_or_connector_name(kept):
    plan = incremental.plan_build(kept, {**LOADS, "potsdam_einwohner": "L2"}, "S1", CONNECTORS)
    assert plan.mode == "incremental" and plan.select == ["source:opendatasoft+"]
    (kept.build / "registry" / "sources.json").write_text('["changed"]')
    plan = incremental.plan_build(kept, {**LOADS, "pegelonline": "20260102T000000Z-c"}, "S1", CONNECTORS)
    assert plan.select == ["source:pegelonline+", "source:registry.sources+"]
    assert plan.changed == ["pegelonline", "registry.sources"]


@pytest.mark.parametrize("change", ["other snapshot", "project changed", "source back", "source gone", "no base"])
def test_anything_else_builds_in_full(kept, change):
    cutoffs, snapshot = dict(LOADS), "S1"
    meta_path = incremental.base_dir(kept) / "base.json"
    if change == "other snapshot":
        snapshot = "S2"  # e.g. after a rollback
    elif change == "project changed":
        meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "fingerprint": "older"}))
    elif change == "source back":
        cutoffs["pegelonline"] = "20251231T000000Z-z"  # pinned to an older load
    elif change == "source gone":
        del cutoffs["rki_inzidenz"]
    else:
        (incremental.base_dir(kept) / "base.duckdb").unlink()
    plan = incremental.plan_build(kept, cutoffs, snapshot, CONNECTORS)
    assert plan.mode == "full" and plan.base is None and plan.reason
    assert incremental.dbt_selection(plan) == []


def test_the_fingerprint_follows_the_dbt_project(tmp_path, monkeypatch):
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "m.sql").write_text("select 1")
    (project / "target").mkdir()
    monkeypatch.setattr(settings, "DBT_PROJECT_DIR", project)
    before = incremental.fingerprint()
    (project / "target" / "manifest.json").write_text("{}")  # dbt's own output does not count
    assert incremental.fingerprint() == before
    (project / "models" / "m.sql").write_text("select 2")
    assert incremental.fingerprint() != before


def test_a_requested_full_build_holds_until_a_full_build_is_kept(kept):
    incremental.request_full(kept, "requested with --full")
    plan = incremental.plan_build(kept, {**LOADS, "pegelonline": "20260102T000000Z-c"}, "S1", CONNECTORS)
    assert plan.mode == "full" and plan.reason == "requested with --full"
    assert incremental.describe(plan, ["a", "b"], 2) == "full: 2 of 2 models, because requested with --full"
    candidate = kept.build / "candidate.duckdb"
    with duckdb.connect(str(candidate)) as con:
        con.execute("create table meta_build as select 'full' as build_mode, 'fp' as fingerprint, "
                    "'{}' as registry_hashes")
        con.execute("create table meta_loads as select 'pegelonline' as source_id, 'L' as load_id")
    (kept.build / "dbt_target").mkdir()
    (kept.build / "dbt_target" / "manifest.json").write_text("{}")
    incremental.keep_base(candidate, kept, "S2")
    assert incremental.plan_build(kept, {"pegelonline": "L"}, "S2", CONNECTORS).reason != "requested with --full"


def test_the_build_mode_line_counts_the_models(kept):
    plan = incremental.plan_build(kept, {**LOADS, "potsdam_einwohner": "L2"}, "S1", CONNECTORS)
    assert incremental.describe(plan, ["stg_x"], 57) == "incremental: 1 of 57 models (changed: potsdam_einwohner)"


def test_a_new_load_selects_its_lineage_and_the_load_dimensions_not_every_reader_of_the_loads(kept):
    cutoffs = {**LOADS, "pegelonline": "20260102T000000Z-c"}
    write_rows(kept.build / "registry", cutoffs)  # a new load: its row in loads and source_state
    plan = incremental.plan_build(kept, cutoffs, "S1", CONNECTORS)
    assert plan.select == ["dim_load+", "dim_source+", "source:pegelonline+", "stg_registry__loads",
                           "stg_registry__source_state"]  # not source:registry.loads+ (every census model)
    assert plan.changed == ["pegelonline"]
    # a load row that changed without a new load (e.g. its origin) selects that source's lineage
    rows = json.loads((kept.build / "registry" / "loads.json").read_text())
    rows[1]["origin"] = "publisher"  # rki_inzidenz
    (kept.build / "registry" / "loads.json").write_text(json.dumps(rows))
    plan = incremental.plan_build(kept, cutoffs, "S1", CONNECTORS)
    assert "source:rki_inzidenz+" in plan.select
    assert plan.changed == ["pegelonline", "registry.loads/rki_inzidenz"]


def test_a_table_whose_files_in_the_raw_view_stayed_the_same_is_not_rebuilt(kept):
    """A poll that brings readings but no new station list: only the readings' lineage is selected."""
    view = kept.build / "raw_view" / "pegelonline"
    for entity in ("stations", "measurements"):
        (view / entity).mkdir(parents=True)
        (view / entity / "20260101T000000Z-a.parquet").write_bytes(b"")
    folder = incremental.base_dir(kept)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["sources"] = {f"source.regiohub.pegelonline.{t}": {
        "source_name": "pegelonline", "name": t,
        "meta": {"external_location": "read_parquet('/d/raw_view/pegelonline/{name}/*.parquet')"}}
        for t in ("stations", "measurements")}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    meta = json.loads((folder / "base.json").read_text())
    (folder / "base.json").write_text(json.dumps({**meta, "view": incremental.view_files(kept.build / "raw_view")}))
    (view / "measurements" / "20260102T000000Z-c.parquet").write_bytes(b"")
    plan = incremental.plan_build(kept, {**LOADS, "pegelonline": "20260102T000000Z-c"}, "S1", CONNECTORS)
    assert plan.select == ["source:pegelonline.measurements+"]
    (view / "stations" / "20260101T000000Z-a.parquet").unlink()  # e.g. superseded: the view changed
    (view / "stations" / "20260102T000000Z-c.parquet").write_bytes(b"")
    plan = incremental.plan_build(kept, {**LOADS, "pegelonline": "20260102T000000Z-c"}, "S1", CONNECTORS)
    assert plan.select == ["source:pegelonline.measurements+", "source:pegelonline.stations+"]
