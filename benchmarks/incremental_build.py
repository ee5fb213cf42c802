"""Incremental vs full build: one changed source against a full rebuild, on the same data dir.

    python benchmarks/incremental_build.py DATA_DIR [--source pegelonline|rki_inzidenz] [--rounds 1]

DATA_DIR must hold a published snapshot built by this version (e.g. after `regiohub run --offline`);
the benchmark works on a copy. Per round: a new load of the source is ingested (a new day of
PEGELONLINE readings, or an RKI file with every count raised), then

* incremental: build (dbt) + gate + publish from the kept build of the published snapshot;
* full: the same loads built again with no kept build (what every refresh cost before).

Prints dbt seconds, gate seconds, models built, and the incremental/full ratios. The machine may be
shared: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from regiohub.build import incremental
from regiohub.core import settings
from regiohub.core.ids import new_run_id
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ingest.source import ingest_source
from regiohub.ops.pipeline import build_and_publish
from regiohub.store.runs import RunReport

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))


def pegel_poll(target: Path, days: int) -> Path:
    """The PEGELONLINE recordings ``days`` later: one new day of readings per gauge."""
    shutil.copytree(PEGEL, target)
    for path in target.glob("stations/*/W/measurements.json"):
        readings = json.loads(path.read_text())
        path.write_text(json.dumps([
            {"timestamp": (datetime.fromisoformat(r["timestamp"]) + timedelta(days=days)).isoformat(),
             "value": r["value"] + days} for r in readings[-96:]]))
    return target


def rki_file(target: Path, n: int) -> Path:
    """The RKI file with every case count raised by ``n`` (a new full-snapshot release)."""
    with RKI.open(encoding="utf-8", newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [], lineterminator="\n")
        writer.writeheader()
        for row in reader:
            row["Faelle_neu"] = str(int(row["Faelle_neu"]) + n)
            writer.writerow(row)
    return target


def dbt_node_seconds(data: settings.Paths, since: int) -> float:
    """Seconds dbt spent running nodes (without start-up and parsing) in the log lines after ``since``."""
    lines = (data.build / "dbt_logs" / "dbt.log").read_text(encoding="utf-8", errors="replace").splitlines()[since:]
    found = re.findall(r"\[MainThread\]: Finished running .* \(([0-9.]+)s\)", "\n".join(lines))
    return sum(float(s) for s in found)


def build(data: settings.Paths) -> dict:
    log = data.build / "dbt_logs" / "dbt.log"
    since = len(log.read_text(encoding="utf-8", errors="replace").splitlines()) if log.exists() else 0
    report = RunReport(new_run_id(), datetime.now().isoformat())
    build_and_publish(data, report=report)
    info = incremental.build_info(incremental.base_dir(data) / "base.duckdb") or {}
    return {"mode": info.get("build_mode"), "dbt_s": report.timings_s["build"], "gate_s": report.timings_s["validate"],
            "models": len(info.get("rebuilt_models") or []), "nodes_s": dbt_node_seconds(data, since)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--source", default="pegelonline", choices=["pegelonline", "rki_inzidenz"])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    import great_expectations  # noqa: F401  -- imported once up front: neither build pays for the import

    work = Path(tempfile.mkdtemp(prefix="regiohub-incremental-"))
    try:
        data = settings.paths(work / "data")
        shutil.copytree(args.data_dir, data.data_dir, symlinks=True)
        print(f"{'round':>5} {'mode':<12} {'build s':>8} {'gate s':>8} {'models':>7} {'dbt nodes s':>12}")
        for n in range(1, args.rounds + 1):
            payload = pegel_poll(work / f"poll{n}", n) if args.source == "pegelonline" else rki_file(
                work / f"rki{n}.csv", n)
            result = ingest_source(args.source, from_path=payload, data=data)
            assert result.status == "loaded", result
            inc = build(data)
            shutil.rmtree(incremental.base_dir(data))  # the same loads again, as a full build
            full = build(data)
            for row in (inc, full):
                print(f"{n:>5} {row['mode']:<12} {row['dbt_s']:>8.1f} {row['gate_s']:>8.1f} {row['models']:>7} "
                      f"{row['nodes_s']:>12.1f}")
            print(f"{n:>5} {'ratio':<12} {inc['dbt_s'] / full['dbt_s']:>8.0%} {inc['gate_s'] / full['gate_s']:>8.0%} "
                  f"{'':>7} {inc['nodes_s'] / full['nodes_s']:>12.0%}; build + gate: "
                  f"{(inc['dbt_s'] + inc['gate_s']) / (full['dbt_s'] + full['gate_s']):.0%}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
