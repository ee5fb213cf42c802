"""Seconds and peak RSS of the audit gate on a published data dir, against plain DuckDB doing the same reads.

Usage: ``python benchmarks/gate_cost.py DATA_DIR [gate|duckdb]`` — validates a copy of the published mart as
a candidate (a full gate: every suite, the content checks) in this process and prints wall seconds and peak
RSS; ``duckdb`` instead runs the queries the gate's checks need (every mart table and the latest raw loads
scanned once, the content checks) in plain DuckDB, for the ratio. Run each mode in its own process.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from regiohub.core import duckdb_settings, settings


def gate(data: settings.Paths) -> None:
    from regiohub.audit import validate_candidate

    with tempfile.TemporaryDirectory(dir=data.build) as tmp:
        candidate = Path(tmp) / "candidate-bench.duckdb"
        shutil.copyfile(data.published, candidate)
        t0 = time.perf_counter()
        report = validate_candidate(candidate, data)
        print(f"gate: {time.perf_counter() - t0:.2f} s, success={report.success}, failures={len(report.failures)}")


def plain(data: settings.Paths) -> None:
    from regiohub.audit.content import content_findings
    from regiohub.audit.derived import MART_TABLES

    t0 = time.perf_counter()
    with duckdb_settings.connect() as con:
        con.execute("attach ? as cand (read_only)", [str(data.published)])
        for table in MART_TABLES:  # a fixed list of names
            con.execute(f'select count(*), count(distinct columns(*)) from cand.main."{table}"').fetchall()
        for folder in sorted(p for p in data.raw.glob("*/*") if p.is_dir() and not p.name.startswith("_")):
            files = sorted(folder.glob("*.parquet"))
            if files:
                con.execute("select count(*), count(distinct columns(*)) from read_parquet(?)",
                            [str(files[-1])]).fetchall()
    content_findings(data.published, data.published)
    print(f"duckdb: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    paths = settings.paths(Path(sys.argv[1]))
    (plain if sys.argv[2:] == ["duckdb"] else gate)(paths)
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
