"""Latency and throughput of the read API for a values query (real uvicorn process, warm).

    make benchmark-api      (uses $REGIOHUB_DATA_DIR if it has a published mart, else runs the offline pipeline)

Prints p50/p95 latency of sequential requests and requests/s with concurrent clients. Goal on the
reference machine (2 cores): p95 < 50 ms warm, >= 200 requests/s.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from regiohub.core import settings

QUERY = {"indicator": "faelle_neu", "level": "kreis", "period_from": "2026-10", "limit": 100}
SEQUENTIAL, CONCURRENT, CLIENTS = 500, 2000, 8


def _data_dir() -> Path:
    data = settings.paths()
    if data.published.exists():
        return data.data_dir
    from regiohub.ingest.replay import offline
    from regiohub.ops.pipeline import run

    base = Path(tempfile.mkdtemp(prefix="regiohub-bench-"))
    with offline():
        run(settings.paths(base))
    return base


def _serve(data_dir: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir), "REGIOHUB_API_RATE": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/v1/snapshot", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the API did not start")


def main() -> None:
    proc, url = _serve(_data_dir())
    try:
        with httpx.Client(base_url=url) as client:
            for _ in range(50):  # warm up
                client.get("/v1/values", params=QUERY).raise_for_status()
            times = []
            for _ in range(SEQUENTIAL):
                t = time.perf_counter()
                client.get("/v1/values", params=QUERY).raise_for_status()
                times.append((time.perf_counter() - t) * 1000)
            uncached = []
            for offset in range(SEQUENTIAL):  # a new page each time: runs the query, misses the response cache
                t = time.perf_counter()
                client.get("/v1/values", params={**QUERY, "limit": 10, "offset": offset}).raise_for_status()
                uncached.append((time.perf_counter() - t) * 1000)
        for label, sample in (("warm, repeated", times), ("uncached, new page each", uncached)):
            q = statistics.quantiles(sample, n=100)
            print(f"values query, sequential, {label} ({len(sample)}): p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms")

        def worker(n: int) -> int:
            with httpx.Client(base_url=url) as c:
                for _ in range(n):
                    c.get("/v1/values", params=QUERY).raise_for_status()
            return n

        t = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            done = sum(pool.map(worker, [CONCURRENT // CLIENTS] * CLIENTS))
        elapsed = time.perf_counter() - t
        print(f"values query, {CLIENTS} concurrent clients: {done / elapsed:.0f} requests/s "
              f"({done} in {elapsed:.1f} s)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
