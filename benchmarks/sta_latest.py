"""SensorThings out: "latest observation of every Datastream" and exact ``$count`` on a real uvicorn server.

    make benchmark-sta                  (SCALE=16 DAYS=30: 1,600 Datastreams, 15-minute values for 30 days)

Scale 1 is the size of Potsdam's pilot (100 sensor Datastreams); 16x is 1,600 Datastreams (Hamburg's FROST
server has 1,562) with 15-minute values, i.e. 4.6 million Observations at 30 days; each also gets its
daily series, so the sweep covers 3,200 Datastreams. Raw Parquet is generated in the connector's layout.
Prints the store's build time (first request), p50/p95 of the full sweep (``Datastreams?$top=1000&$expand=
Observations($orderby=phenomenonTime desc;$top=1)`` following ``@iot.nextLink``), of one page, of exact
``$count`` over all Observations and of a map-window query. Goal: p95 < 500 ms for the sweep.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx
import yaml

from regiohub.core import settings

LATEST = {"$top": "1000", "$expand": "Observations($orderby=phenomenonTime desc;$top=1)"}
WINDOW = "POLYGON((13.0 52.35,13.2 52.35,13.2 52.45,13.0 52.45,13.0 52.35))"


def generate(data: Path, datastreams: int, days: int) -> int:
    raw = data / "raw" / "bench_sta"
    for entity in ("datastreams", "observations"):
        (raw / entity).mkdir(parents=True, exist_ok=True)
    lineage = "'bench_sta' as _source_id, 'L1' as _load_id, now() as _fetched_at, 'x' as _payload_sha256"
    with duckdb.connect() as con:
        con.execute(f"""copy (select i::varchar as datastream_id, 'Bodenfeuchte ' || i as name, '' as description,
            'OM_Measurement' as observation_type, 'Prozent' as unit_name, '%' as unit_symbol, '' as unit_definition,
            i::varchar as thing_id, 'Sensor ' || i as thing_name, '{{}}' as thing_properties, i::varchar as location_id,
            'Ort ' || i as location_name, 12.9 + (i % 100) * 0.004 as longitude, 52.3 + (i // 100) * 0.01 as latitude,
            'dl5tm' as sensor_id, 'DL-5TM' as sensor_name, 'bf' as observed_property_id,
            'Bodenfeuchte' as observed_property_name, '' as observed_property_definition, {lineage}
            from range({datastreams}) t(i)) to '{raw}/datastreams/L1.parquet' (format parquet)""")
        con.execute(f"""copy (select d::varchar as datastream_id, (d * 100000 + n)::varchar as observation_id,
            strftime(timestamp '2026-11-01' + n * interval 15 minute, '%Y-%m-%dT%H:%M:%S+00:00') as phenomenon_start,
            null::varchar as phenomenon_end, null::varchar as result_time, 'number' as result_type,
            20 + (d * 7 + n) % 20 as result_number, null::varchar as result_text, {lineage}
            from range({datastreams}) a(d), range({days * 96}) b(n)) to '{raw}/observations/L1.parquet'
            (format parquet)""")
    return datastreams * days * 96


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def sweep(client: httpx.Client, url: str, only_measured: bool = False) -> int:
    seen, next_url, params = 0, f"{url}/Datastreams", dict(LATEST)
    if only_measured:  # the sensors' own Datastreams, without the daily series
        params["$filter"] = "properties/aggregate eq null"
    while next_url:
        body = client.get(next_url, params=params).raise_for_status().json()
        assert all(d["Observations"] for d in body["value"])
        seen += len(body["value"])
        next_url, params = body.get("@iot.nextLink"), None
    return seen


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", 16)))
    p.add_argument("--days", type=int, default=int(os.environ.get("DAYS", 30)))
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="regiohub-sta-bench-"))
    n_obs = generate(tmp / "data", 100 * args.scale, args.days)
    registry = yaml.safe_load(settings.REGISTRY_FILE.read_text())
    registry["sources"] = [{"id": "bench_sta", "name": "Benchmark", "domain": "water", "connector": "sta",
                            "url": "http://127.0.0.1/v1.1", "schedule": "@daily", "publisher": "-", "licence": "-",
                            "licence_url": "-", "attribution": "-"}]
    (tmp / "sources.yml").write_text(yaml.safe_dump(registry))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(tmp / "data"), "REGIOHUB_REGISTRY": str(tmp / "sources.yml"),
           "REGIOHUB_API_RATE": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sta/v1.1"
    try:
        with httpx.Client(timeout=600) as client:
            while True:
                try:
                    client.get(f"http://127.0.0.1:{port}/openapi.json")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            build = timed(lambda: client.get(f"{url}/Things", params={"$top": "1"}).raise_for_status(), 1)[0]
            count = sweep(client, url)
            sweeps = timed(lambda: sweep(client, url), args.runs)
            measured = timed(lambda: sweep(client, url, only_measured=True), args.runs)
            page = timed(lambda: client.get(f"{url}/Datastreams", params=LATEST).raise_for_status(), args.runs)
            exact = client.get(f"{url}/Observations", params={"$count": "true", "$top": "1"}).json()["@iot.count"]
            counts = timed(lambda: client.get(f"{url}/Observations", params={"$count": "true", "$top": "1"}),
                           args.runs)
            window = timed(lambda: client.get(f"{url}/Things", params={
                "$filter": f"st_within(Locations/location,geography'{WINDOW}')", "$top": "1000",
                "$expand": "Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=1))"}), args.runs)
    finally:
        proc.terminate()
        proc.wait(30)

    def q(xs: list[float]) -> str:
        xs = sorted(xs)
        return (f"p50 {statistics.median(xs) * 1000:.0f} ms, "
                f"p95 {xs[min(len(xs) - 1, int(0.95 * len(xs)))] * 1000:.0f} ms")

    print(f"scale {args.scale}x: {100 * args.scale} Datastreams (+ daily series: {count}), {n_obs:,} Observations "
          f"({args.days} days of 15-minute values)")
    print(f"store built from raw on the first request: {build:.1f} s")
    print(f"latest observation of every Datastream (full sweep, {count} Datastreams): {q(sweeps)}")
    print(f"latest observation of every measured Datastream ({100 * args.scale}, no daily series): {q(measured)}")
    print(f"one page of 1000 Datastreams with the latest observation: {q(page)}")
    print(f"exact $count of Observations ({exact:,}): {q(counts)}")
    print(f"map window (st_within) with Datastreams and latest observation: {q(window)}")


if __name__ == "__main__":
    main()
