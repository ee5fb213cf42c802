"""``/v1/values/{region}/{indicator}/{period}/lineage``: the loads, payload hashes, publisher URLs and licences."""

from __future__ import annotations

import json

from regiohub.registry.model import load_registry


def _log(api_data) -> dict:
    lines = (api_data / "runs" / "ingest_log.jsonl").read_text().splitlines()
    return {e["load_id"]: e for e in map(json.loads, lines)}


def test_lineage_of_a_value_names_its_loads_and_sources(api, api_data, published):
    region, indicator, period, load_ids = published.execute(
        "SELECT region_ars, indicator_id, period, source_load_ids FROM fct_indicator_value "
        "WHERE indicator_id = 'inzidenz_7_tage' AND region_ars = '120540000000' ORDER BY period_start DESC LIMIT 1"
    ).fetchone()
    body = api.get(f"/v1/values/{region}/{indicator}/{period}/lineage").json()
    log, registry = _log(api_data), {s.id: s for s in load_registry().sources}
    assert [load["load_id"] for load in body["loads"]] == load_ids
    for load in body["loads"]:
        entry = log[load["load_id"]]
        assert load["payload_sha256"] == entry["payload_sha256"] and load["source_id"] == entry["source_id"]
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
