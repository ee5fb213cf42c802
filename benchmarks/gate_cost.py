"""Seconds and peak RSS of the audit gate on a published data dir, against plain DuckDB doing the same reads.

Usage: ``python benchmarks/gate_cost.py DATA_DIR [gate|duckdb] [CANDIDATE]`` — validates a copy of CANDIDATE
(default: the published mart, i.e. a rebuild that changed nothing) in this process and prints wall seconds
(Great Expectations' import included: it is part of every gate) and peak RSS; ``duckdb`` instead runs in
plain DuckDB what the checks must read (every mart table and the latest raw loads scanned once, the content
checks), for the ratio. Run each mode in its own process.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from regiohub.core import duckdb_settings, settings


def gate(data: settings.Paths, source: Path) -> None:
    from regiohub.audit import validate_candidate

    with tempfile.TemporaryDirectory(dir=data.build) as tmp:
        candidate = Path(tmp) / "candidate-bench.duckdb"
        shutil.copyfile(source, candidate)
        t0 = time.perf_counter()
        report = validate_candidate(candidate, data)
        print(f"gate: {time.perf_counter() - t0:.2f} s, success={report.success}, failures={len(report.failures)}")


def plain(data: settings.Paths, source: Path) -> None:
    from regiohub.audit.content import content_findings
    from regiohub.audit.derived import MART_TABLES

    t0 = time.perf_counter()
    with duckdb_settings.connect() as con:
        con.execute("attach ? as cand (read_only)", [str(source)])
        for table in MART_TABLES:  # a fixed list of names
            con.execute(f'select count(*), count(distinct columns(*)) from cand.main."{table}"').fetchall()
        for folder in sorted(p for p in data.raw.glob("*/*") if p.is_dir() and not p.name.startswith("_")):
            files = sorted(folder.glob("*.parquet"))
            if files:
                con.execute("select count(*), count(distinct columns(*)) from read_parquet(?)",
                            [str(files[-1])]).fetchall()
    content_findings(source, data.published)
    print(f"duckdb: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    paths = settings.paths(Path(sys.argv[1]))
    mode = sys.argv[2] if len(sys.argv) > 2 else "gate"
    (plain if mode == "duckdb" else gate)(paths, Path(sys.argv[3]) if len(sys.argv) > 3 else paths.published)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"process CPU (user+sys, imports included): {usage.ru_utime + usage.ru_stime:.1f} s; "
          f"peak RSS: {usage.ru_maxrss / 1024:.0f} MB")
