"""STA as a source: paging through a server that caps $top, intervals, typed results, quarantine, increments."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from sta_server import StaReplay

from regiohub.core import settings
from regiohub.ingest.connectors.sta import read_landing
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import Registry, Source, load_registry

REAL = settings.REPO_ROOT.parent / "shared" / "data" / "real" / "sta"


def sta_registry(base: str) -> Registry:
    source = Source(
        id="sensoren_sta", name="Sensoren (STA)", domain="water", connector="sta", url=base,
        params={"filter": "ObservedProperty/name eq 'Bodenfeuchte' or ObservedProperty/name eq 'Belegung'",
                "page_size": "100", "window_days": "30", "plausible": "Bodenfeuchte=0..100; Belegung=0..1"},
        schedule="*/15 * * * *", publisher="Stadtwerke Potsdam", licence="dl-de/by-2-0",
        licence_url="https://www.govdata.de/dl-de/by-2-0", attribution="Stadtwerke Potsdam (Beispiel)",
    )
    # the replay server is on 127.0.0.1: an internal address fetches may reach only when the registry says so
    registry = load_registry()
    return Registry(cooperation=registry.cooperation, partners=registry.partners, sources=[source],
                    internal_hosts=[urlsplit(base).netloc])


def raw(data: Path, entity: str) -> list[dict]:
    with duckdb.connect() as con:
        rel = con.sql(f"select * from read_parquet('{data}/raw/sensoren_sta/{entity}/*.parquet') "
                      "order by all")
        return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def test_pages_capped_top_intervals_typed_results_and_quarantine(tmp_path: Path) -> None:
    data = settings.paths(tmp_path)
    with StaReplay(cap=2) as server:
        result = ingest_source("sensoren_sta", data=data, registry=sta_registry(server.base))
    assert result.status == "loaded", result
    # 2 Datastreams on 1 page of 2; 6 + 3 Observations on pages of 2: nextLink followed, none on the last page
    assert len([r for r in server.requests if "/Datastreams?" in r]) == 1
    assert len([r for r in server.requests if "Datastreams(1)/Observations" in r]) == 3
    assert len([r for r in server.requests if "ls-0815" in r and "Observations" in r]) == 2
    assert result.rows == {"datastreams": 2, "observations": 7}
    assert result.quarantined == {"observations": {
        "result outside the plausible range 0.0..100.0 of bodenfeuchte": 1, "observation dated in the future": 1}}
    ds = {r["datastream_id"]: r for r in raw(tmp_path, "datastreams")}
    assert ds["1"]["observed_property_name"] == "Bodenfeuchte" and ds["1"]["unit_symbol"] == "%"
    assert (ds["1"]["longitude"], ds["1"]["latitude"]) == (13.0437, 52.4216)
    assert ds["ls-0815"]["thing_name"] == "Ladepunkt Potsdam Hauptbahnhof" and ds["ls-0815"]["latitude"] == 52.3917
    assert ds["1"]["sensor_name"] == "Decentlab DL-5TM" and ds["1"]["_load_id"] == result.load_id
    obs = {r["observation_id"]: r for r in raw(tmp_path, "observations")}
    assert obs["102"]["phenomenon_start"] == "2026-11-30T11:00:00+00:00"
    assert obs["102"]["phenomenon_end"] == "2026-11-30T12:00:00+00:00"
    assert (obs["102"]["result_type"], obs["102"]["result_number"]) == ("string", 30.9)
    assert obs["103"]["result_type"] == "object" and json.loads(obs["103"]["result_text"])["value"] == 30.2
    assert obs["103"]["result_number"] is None
    assert (obs["o-1"]["result_type"], obs["o-1"]["result_number"]) == ("boolean", 1.0)
    assert all(r["_payload_sha256"] for r in obs.values())


def test_second_run_asks_only_for_what_follows_and_adds_nothing(tmp_path: Path) -> None:
    data = settings.paths(tmp_path)
    with StaReplay(cap=2) as server:
        registry = sta_registry(server.base)
        ingest_source("sensoren_sta", data=data, registry=registry)
        state = json.loads((data.state / "sensoren_sta.json").read_text())
        assert state["hwm"] == {"1": "2026-11-30T15:00:00+00:00", "ls-0815": "2026-11-30T10:30:00+00:00"}
        server.requests.clear()
        server.collections[next(k for k in server.collections if k.endswith("(1)/Observations"))].append(
            {"@iot.id": 107, "phenomenonTime": "2026-11-30T16:00:00.000Z", "result": 28.8})
        second = ingest_source("sensoren_sta", data=data, registry=registry)
    assert "phenomenonTime+gt+2026-11-30T15%3A00%3A00.000Z" in next(r for r in server.requests if "(1)/Obs" in r)
    assert second.status == "loaded" and second.rows == {"datastreams": 0, "observations": 1}
    assert len(raw(tmp_path, "observations")) == 8


def test_backfill_asks_for_the_window(tmp_path: Path) -> None:
    with StaReplay(cap=50) as server:
        ingest_source("sensoren_sta", data=settings.paths(tmp_path), registry=sta_registry(server.base),
                      backfill=(date(2026, 11, 30), date(2026, 11, 30)))
    obs = [r for r in server.requests if "Observations" in r]
    assert all("phenomenonTime+ge+2026-11-30T00%3A00%3A00Z+and+phenomenonTime+lt+2026-12-01" in r for r in obs)


def test_next_link_to_another_server_is_refused(tmp_path: Path) -> None:
    with StaReplay(cap=1) as server:
        page = server.page
        server.page = lambda items, path, q: {**page(items, path, q),  # type: ignore[method-assign]
                                              "@iot.nextLink": "http://169.254.169.254/latest"}
        with pytest.raises(Exception, match="nextLink leads to another server"):
            ingest_source("sensoren_sta", data=settings.paths(tmp_path), registry=sta_registry(server.base))


def test_real_usgs_answer_string_ids_and_results(tmp_path: Path) -> None:
    """The real USGS FROST answer: $select left out @iot.id; ids come from the nextLinks, results are strings."""
    files = sorted(REAL.glob("usgs_*.json")) if REAL.is_dir() else []
    if not files:
        pytest.skip(f"real STA answers not present ({REAL}): see PROVENANCE.md section 10")
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "Datastreams.json").write_bytes(files[0].read_bytes())
    source = sta_registry("http://127.0.0.1/x").sources[0]
    datastreams, observations = read_landing(landing, source)
    assert len(datastreams) == 4 and all(d["datastream_id"] for d in datastreams)
    assert "1964fee2501b43c5b7b807b687319588" in {d["datastream_id"] for d in datastreams}
    numbers = sorted(o["result_number"] for o in observations)
    assert 665.0 in numbers and 13.4 in numbers and all(o["result_type"] == "string" for o in observations)
