"""Peak memory of ingesting large payloads, against plain DuckDB doing the same reading and writing.

    uv run python benchmarks/ingest_memory.py [--years 10] [--gauges 6] [--gtfs-mb 400]

Builds, from the shipped samples, a PEGELONLINE history (the sample's gauges, 15-minute readings
over ``--years`` years, one ``measurements.json`` per gauge as the API delivers it) and a GTFS feed
whose ``stop_times.txt`` is scaled to ``--gtfs-mb``. Each ingest (``ingest_source --from``) runs in a
child process of its own; the table shows its wall time and peak RSS, and the same for plain DuckDB
reading the same files and writing them as Parquet (default settings), in the same run. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_throughput import scaled_gtfs  # noqa: E402

from regiohub.ingest.replay import RECORDINGS_DIR  # noqa: E402

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de" / "webservices" / "rest-api" / "v2"

INGEST = """
import sys
from pathlib import Path
from regiohub.core import settings
from regiohub.ingest.source import ingest_source
r = ingest_source(sys.argv[1], from_path=Path(sys.argv[2]), data=settings.paths(Path(sys.argv[3])))
assert r.status == "loaded", r
print(sum(r.rows.values()))
"""
DUCKDB_JSON = """
import sys, duckdb
files = sys.argv[2:]
duckdb.connect().execute(
    "copy (select * from read_json($f, format = 'array', filename = true, "
    "columns = {'timestamp': 'VARCHAR', 'value': 'DOUBLE'})) to '" + sys.argv[1] + "' (format parquet)",
    {"f": files},
)
"""
DUCKDB_CSV = """
import sys, duckdb
con = duckdb.connect()
for i, f in enumerate(sys.argv[2:]):
    con.execute("copy (select * from read_csv($f, header = true, all_varchar = true)) to '"
                + sys.argv[1] + f"/t{i}.parquet' (format parquet)", {"f": f})
"""


def pegelonline_history(target: Path, years: int, gauges: int) -> int:
    """stations.json plus ``stations/<uuid>/W/measurements.json`` over ``years`` years; return readings."""
    stations = json.loads((PEGEL / "stations.json").read_text(encoding="utf-8"))[:gauges]
    target.mkdir(parents=True)
    shutil.copy(PEGEL / "stations.json", target / "stations.json")
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    steps = years * 365 * 96
    start = end - timedelta(minutes=15 * steps)
    stamps = [(start + timedelta(minutes=15 * i)).strftime("%Y-%m-%dT%H:%M:%S+00:00") for i in range(steps)]
    for k, station in enumerate(stations):
        path = target / "stations" / station["uuid"] / "W" / "measurements.json"
        path.parent.mkdir(parents=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("[")
            fh.write(",".join(f'{{"timestamp":"{t}","value":{200 + (i * 7 + k) % 150}}}' for i, t in enumerate(stamps)))
            fh.write("]")
    return steps * len(stations)


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """(wall s, peak RSS MB, stdout) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{cmd[:3]} failed: {err.strip().splitlines()[-1:]}")
    return wall, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10, help="years of 15-minute readings per gauge")
    parser.add_argument("--gauges", type=int, default=6, help="gauges (of the sample's station list)")
    parser.add_argument("--gtfs-mb", type=int, default=400, help="size of stop_times.txt in MB")
    args = parser.parse_args()
    py = sys.executable
    print(f"{'case':<28} {'input MB':>9} {'rows':>11} {'wall s':>8} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory(prefix="regiohub-bench-mem-") as tmp_name:
        tmp = Path(tmp_name)
        history = tmp / "pegel"
        readings = pegelonline_history(history, args.years, args.gauges)
        series = sorted(str(p) for p in history.glob("stations/*/W/measurements.json"))
        size = sum(Path(p).stat().st_size for p in series) / 1e6
        gtfs = tmp / "vbbgtfs.zip"
        rows, texts = scaled_gtfs(gtfs, args.gtfs_mb, tmp)
        gtfs_mb = sum(t.stat().st_size for t in texts) / 1e6
        cases = [
            ("pegelonline ingest", size, [py, "-c", INGEST, "pegelonline", str(history), str(tmp / "d1")]),
            ("  plain DuckDB json->parquet", size, [py, "-c", DUCKDB_JSON, str(tmp / "p.parquet"), *series]),
            ("vbb_gtfs ingest", gtfs_mb, [py, "-c", INGEST, "vbb_gtfs", str(gtfs), str(tmp / "d2")]),
            ("  plain DuckDB csv->parquet", gtfs_mb, [py, "-c", DUCKDB_CSV, str(tmp), *map(str, texts)]),
        ]
        for name, mb, cmd in cases:
            wall, rss, out = measure(cmd)
            n = int(out) if out.isdigit() else (readings if "pegel" in name or "json" in name else rows)
            print(f"{name:<28} {mb:>9.0f} {n:>11,} {wall:>8.1f} {rss:>12.0f}")


if __name__ == "__main__":
    main()
