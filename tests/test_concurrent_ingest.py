"""Different sources ingest at the same time, in separate processes, without sharing a writer lock."""

import os
import subprocess
import sys

import duckdb

from regiohub.ingest.replay import offline

SOURCES = ("pegelonline", "zensus2022_bevoelkerung", "ladesaeulenregister", "rki_inzidenz")


def test_all_sources_ingest_concurrently_in_separate_processes(data_dir):
    with offline() as server:
        env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir), "REGIOHUB_OFFLINE_BASE": server.base_url}
        procs = [
            subprocess.Popen([sys.executable, "-m", "regiohub.cli", "ingest", s], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for s in SOURCES
        ]
        outcomes = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for source, (code, out, err) in zip(SOURCES, outcomes):
        assert code == 0, err
        assert f"{source}: loaded" in out
    for source in SOURCES:
        files = list((data_dir / "raw" / source).glob("*/*.parquet"))
        assert files and all(duckdb.sql(f"select count(*) from '{f}'").fetchall()[0][0] > 0 for f in files)
