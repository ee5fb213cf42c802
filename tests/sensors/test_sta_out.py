"""STA out: the queries Masterportal sends, against the real API server (uvicorn) over ingested sensor data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sta_server import StaReplay
from test_sta_ingest import sta_registry

from regiohub.core import settings
from regiohub.ingest.mqtt.connector import spool_line
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import Registry, StreamMapping

CHIRPSTACK = Path(__file__).parent / "recordings" / "lorawan" / "chirpstack_v4_up_decentlab_dl5tm_object.json"
WINDOW = "POLYGON((13.0 52.40,13.1 52.40,13.1 52.45,13.0 52.45,13.0 52.40))"  # Volkspark, not the station


CONTEXT: dict = {}  # what the module's server reads: its data dir, registry and scratch folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def sta_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("sta-out")
    data = settings.paths(tmp / "data")
    with StaReplay(cap=2) as server:
        sta = sta_registry(server.base).sources[0]
        lorawan = sta.model_copy(update={
            "id": "sensoren_lorawan", "connector": "mqtt", "url": "mqtt://127.0.0.1:1883",
            "params": {"topics": "application/+/device/+/event/up"},
            "streams": [StreamMapping(**{"device": "70b3d57ba0003bb8", "field": "soil_temperature.value",
                                         "datastream": "bt-1",
                         "observed_property": "Bodentemperatur", "unit": "°C", "longitude": 13.05, "latitude": 52.41})],
        })
        base = sta_registry(server.base)
        registry = Registry(cooperation=base.cooperation, partners=base.partners, sources=[sta, lorawan],
                            internal_hosts=base.internal_hosts)
        registry = Registry.model_validate(registry.model_dump())
        ingest_source("sensoren_sta", data=data, registry=registry)
    batch = tmp / "batch.jsonl"
    batch.write_text(spool_line("application/modus/device/70b3d57ba0003bb8/event/up", CHIRPSTACK.read_bytes()))
    ingest_source("sensoren_lorawan", from_path=batch, data=data, registry=registry)
    (tmp / "sources.yml").write_text(yaml.safe_dump(registry.model_dump(), allow_unicode=True))
    port = free_port()
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(tmp / "data"), "REGIOHUB_REGISTRY": str(tmp / "sources.yml"),
           "REGIOHUB_API_RATE": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sta/v1.1"
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core machine
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "API server did not start"
            time.sleep(0.1)
        CONTEXT.update(data=data, registry=registry, tmp=tmp)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url: str, **params: str) -> dict:
    resp = httpx.get(url, params=params or None, timeout=10)  # a nextLink carries its own query
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_masterportal_map_window_with_latest_observation(sta_api: str) -> None:
    """Masterportal's sensor layer: Things in the map extent, their Locations, Datastreams, latest Observation."""
    body = get(f"{sta_api}/Things", **{
        "$select": "@iot.id,name,description,properties",
        "$filter": f"st_within(Locations/location,geography'{WINDOW}')",
        "$expand": "Locations($select=location),Datastreams($select=@iot.id,name,description,unitOfMeasurement,"
                   "properties;$expand=Observations($select=result,phenomenonTime;"
                   "$orderby=phenomenonTime desc;$top=1))"})
    things = {t["@iot.id"]: t for t in body["value"]}
    assert set(things) == {"sensoren_sta:1", "sensoren_lorawan:70b3d57ba0003bb8"}  # not the station at 52.39
    volkspark = things["sensoren_sta:1"]
    assert volkspark["Locations"] == [{"location": {"type": "Point", "coordinates": [13.0437, 52.4216]}}]
    streams = {d["@iot.id"]: d for d in volkspark["Datastreams"]}
    assert streams["sensoren_sta:1"]["Observations"] == [{"phenomenonTime": "2026-11-30T15:00:00.000Z",
                                                          "result": 29.7}]
    daily = streams["sensoren_sta:1:daily"]["Observations"][0]
    assert daily["phenomenonTime"] == "2026-11-30T00:00:00.000Z/2026-12-01T00:00:00.000Z"
    assert daily["result"] == pytest.approx((31.4 + 30.9 + 29.7) / 3)  # the object result has no number
    assert volkspark["properties"] == {"ars": "120540000000", "betreiber": "Stadtwerke Potsdam"}


def test_latest_observation_per_datastream_and_next_link_paging(sta_api: str) -> None:
    url, seen = f"{sta_api}/Datastreams", []
    params = {"$top": "2", "$count": "true", "$expand": "Observations($orderby=phenomenonTime desc;$top=1)"}
    pages = 0
    while url:
        body = get(url, **params)
        pages += 1
        assert body["@iot.count"] == 6  # 3 Datastreams and their daily series
        seen += body["value"]
        url, params = body.get("@iot.nextLink"), {}
    assert pages == 3 and len({d["@iot.id"] for d in seen}) == 6
    latest = {d["@iot.id"]: d["Observations"][0]["result"] for d in seen}
    assert latest["sensoren_sta:ls-0815"] == 1 and latest["sensoren_lorawan:bt-1"] == 22.5


def test_filters_time_functions_select_navigation_and_count(sta_api: str) -> None:
    body = get(f"{sta_api}/Datastreams('sensoren_sta:1')/Observations", **{
        "$filter": "phenomenonTime ge 2026-11-30T11:00:00Z and year(phenomenonTime) eq 2026 and result gt 29",
        "$orderby": "phenomenonTime desc", "$select": "result,phenomenonTime", "$count": "true"})
    assert body["@iot.count"] == 2
    assert body["value"] == [{"phenomenonTime": "2026-11-30T15:00:00.000Z", "result": 29.7},
                             {"phenomenonTime": "2026-11-30T11:00:00.000Z/2026-11-30T12:00:00.000Z", "result": "30.9"}]
    obs = get(f"{sta_api}/Observations", **{"$filter": "Datastream/ObservedProperty/name eq 'Belegung' and "
                                            "not (result eq 0)", "$count": "true"})
    # o-1 (true), o-3 (1) and the day's mean of the daily series (2/3); o-2 (false) is 0
    assert obs["@iot.count"] == 3
    assert sorted(repr(o["result"]) for o in obs["value"]) == ["0.6666666666666666", "1", "True"]
    thing = get(f"{sta_api}/Datastreams('sensoren_sta:ls-0815')/Thing")
    assert thing["name"] == "Ladepunkt Potsdam Hauptbahnhof"
    locations = get(f"{sta_api}/Locations", **{"$filter": f"geo.intersects(location,geography'{WINDOW}') and "
                                                          "substringof('Volkspark', name)"})
    assert [loc["name"] for loc in locations["value"]] == ["Volkspark Potsdam"]
    by_property = get(f"{sta_api}/Things", **{"$filter": "properties/betreiber eq 'Stadtwerke Potsdam'"})
    assert [t["@iot.id"] for t in by_property["value"]] == ["sensoren_sta:1"]


def test_bad_and_hostile_queries(sta_api: str) -> None:
    assert httpx.get(f"{sta_api}/Things", params={"$filter": "name eq"}).status_code == 400
    assert httpx.get(f"{sta_api}/Things", params={"$filter": "secret eq 1"}).status_code == 400
    assert httpx.get(f"{sta_api}/Things", params={"$filter": "exec(1)"}).status_code == 400
    assert httpx.get(f"{sta_api}/Nothing").status_code == 404
    injected = get(f"{sta_api}/Things", **{"$filter": "name eq 'x'' or 1=1 --'"})
    assert injected["value"] == []
    capped = get(f"{sta_api}/Observations", **{"$top": "100000"})
    assert len(capped["value"]) <= 1000


def test_a_new_load_appears_without_rebuilding(sta_api: str) -> None:
    """A consumer's next batch: appended to the served tables (latest value and the day's mean follow)."""
    import json

    data, registry, tmp = CONTEXT["data"], CONTEXT["registry"], CONTEXT["tmp"]
    body = json.loads(CHIRPSTACK.read_text())
    body["time"], body["object"]["soil_temperature"]["value"] = "2024-11-10T13:51:50+00:00", 24.5
    batch = tmp / "batch2.jsonl"
    batch.write_text(spool_line("application/modus/device/70b3d57ba0003bb8/event/up", json.dumps(body).encode()))
    ingest_source("sensoren_lorawan", from_path=batch, data=data, registry=registry)
    latest_url = f"{sta_api}/Datastreams('sensoren_lorawan:bt-1')/Observations"
    deadline = time.monotonic() + 30
    while get(latest_url, **{"$orderby": "phenomenonTime desc", "$top": "1"})["value"][0]["result"] != 24.5:
        assert time.monotonic() < deadline, "the new load never appeared"
        time.sleep(0.5)
    daily = get(f"{sta_api}/Datastreams('sensoren_lorawan:bt-1:daily')/Observations")["value"]
    assert [d["result"] for d in daily] == [(22.5 + 24.5) / 2]
    latest = get(f"{sta_api}/Datastreams", **{"$filter": "id eq 'sensoren_lorawan:bt-1'",
                                              "$expand": "Observations($orderby=phenomenonTime desc;$top=1)"})
    assert latest["value"][0]["Observations"][0]["result"] == 24.5
