"""Ingestion throughput against DuckDB's own CSV reader, on sample payloads scaled up.

    uv run python benchmarks/ingest_throughput.py [--mb 100]

For each format the shipped sample is repeated until it reaches the target size; then, in the same
run, it times (a) DuckDB's ``read_csv`` of the file into a table and (b) the full connector path
(``ingest_source --from``: encoding check, hashing, parsing, typing, lineage, Parquet), and prints
(a)/(b) as the connector's throughput relative to raw DuckDB. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from regiohub import settings
from regiohub.ingest import ingest_source
from regiohub.replay import RECORDINGS_DIR

LADESAEULEN = next(RECORDINGS_DIR.glob("data.bundesnetzagentur.de/**/Ladesaeulenregister_BNetzA_*.csv"))
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))


def scale(sample: Path, target: Path, header_lines: int, megabytes: int) -> int:
    """Write ``sample`` with its body repeated until ``target`` reaches ``megabytes``; return data rows."""
    raw = sample.read_bytes()
    lines = raw.splitlines(keepends=True)
    head, body = b"".join(lines[:header_lines]), b"".join(lines[header_lines:])
    repeats = max(1, megabytes * 1_000_000 // len(body))
    with open(target, "wb") as fh:
        fh.write(head)
        for _ in range(repeats):
            fh.write(body)
    return repeats * (len(lines) - header_lines)


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of each scaled file in MB")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = [
        ("ladesaeulenregister", LADESAEULEN, 11, "skip = 10, delim = ';', header = true, all_varchar = true"),
        ("rki_inzidenz", RKI, 1, "delim = ',', header = true, all_varchar = true"),
    ]
    print(f"{'source':<22} {'MB':>6} {'rows':>10} {'duckdb s':>9} {'connector s':>12} {'MB/s':>7} {'ratio':>6}")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="regiohub-bench-") as tmp:
        for source, sample, header_lines, options in cases:
            path = Path(tmp) / sample.name
            rows = scale(sample, path, header_lines, args.mb)
            size_mb = path.stat().st_size / 1e6

            def raw_duckdb(path=path, options=options) -> None:
                with duckdb.connect() as con:
                    con.execute(f"create table t as select * from read_csv(?, {options})", [str(path)]).fetchall()

            def connector(path=path, source=source) -> None:
                data = settings.paths(Path(tempfile.mkdtemp(dir=tmp)))
                assert ingest_source(source, from_path=path, data=data).status == "loaded"

            t_duck = best_of(args.repeat, raw_duckdb)
            t_conn = best_of(args.repeat, connector)
            ratio = t_duck / t_conn
            ratios.append(ratio)
            print(f"{source:<22} {size_mb:>6.0f} {rows:>10,} {t_duck:>9.2f} {t_conn:>12.2f} "
                  f"{size_mb / t_conn:>7.0f} {ratio:>6.0%}")
    print(f"median throughput ratio connector/DuckDB: {statistics.median(ratios):.0%}")


if __name__ == "__main__":
    main()
