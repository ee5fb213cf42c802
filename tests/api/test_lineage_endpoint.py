"""``/v1/values/{region}/{indicator}/{period}/lineage``: the loads, payload hashes, publisher URLs and licences, as
the published ``dim_load`` records them — the ingest log (run history) has no say."""

from __future__ import annotations

from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from regiohub.api.app import create_app
from regiohub.api.config import ApiSettings
from regiohub.core import settings
from regiohub.registry.model import load_registry
from regiohub.store.layout import ingest_log


def _dim_load(published) -> dict:
    cursor = published.execute("SELECT load_id, source_id, origin, payload_sha256, rows FROM dim_load")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_lineage_of_a_value_names_its_loads_and_sources(api, published):
    region, indicator, period, load_ids = published.execute(
        "SELECT region_ars, indicator_id, period, source_load_ids FROM fct_indicator_value "
        "WHERE indicator_id = 'inzidenz_7_tage' AND region_ars = '120540000000' ORDER BY period_start DESC LIMIT 1"
    ).fetchone()
    body = api.get(f"/v1/values/{region}/{indicator}/{period}/lineage").json()
    mart, registry = _dim_load(published), {s.id: s for s in load_registry().sources}
    assert [load["load_id"] for load in body["loads"]] == load_ids
    for load in body["loads"]:
        entry = mart[load["load_id"]]
        assert load["payload_sha256"] == entry["payload_sha256"] and load["source_id"] == entry["source_id"]
        assert (load["origin"], load["rows"]) == (entry["origin"], entry["rows"]) and sum(load["rows"].values()) > 0
        assert load["publisher_url"] == registry[entry["source_id"]].url
        assert "payload_dir" not in load  # no local paths
    rki = next(s for s in body["sources"] if s["source_id"] == "rki_inzidenz")
    assert (rki["licence"], rki["licence_url"], rki["attribution"]) == (
        registry["rki_inzidenz"].licence, registry["rki_inzidenz"].licence_url, registry["rki_inzidenz"].attribution)


def test_lineage_of_a_suppressed_value_keeps_it_suppressed(api, published):
    region, indicator, period = published.execute(
        "SELECT region_ars, indicator_id, period FROM fct_indicator_value WHERE is_suppressed LIMIT 1").fetchone()
    body = api.get(f"/v1/values/{region}/{indicator}/{period}/lineage").json()
    assert body["value"]["value"] is None and body["value"]["is_suppressed"] is True and body["loads"]


def test_unknown_value_is_a_problem(api):
    r = api.get("/v1/values/120540000000/bevoelkerung/1800/lineage")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert api.get("/v1/values/12054/bevoelkerung/2022/lineage").status_code == 400


def test_the_ingest_log_has_no_say_in_a_values_lineage(published_copy: Path):
    """The same answer with the run history gone (a copy of the data folder without ``runs/ingest_log.jsonl``)."""
    data = settings.paths(published_copy)
    client = TestClient(create_app(data.published, ApiSettings(rate=0)))
    with duckdb.connect(str(data.published), read_only=True) as con:
        region, indicator, period = con.execute(
            "SELECT region_ars, indicator_id, period FROM fct_indicator_value WHERE indicator_id = 'inzidenz_7_tage' "
            "AND region_ars = '120540000000' ORDER BY period_start DESC LIMIT 1").fetchone()
    url = f"/v1/values/{region}/{indicator}/{period}/lineage"
    before = client.get(url).json()
    assert before["loads"] and all(load["payload_sha256"] for load in before["loads"])
    ingest_log(data).unlink()
    assert TestClient(create_app(data.published, ApiSettings(rate=0))).get(url).json() == before
