"""Ingestion throughput against DuckDB's own CSV reader, on sample payloads scaled up.

    uv run python benchmarks/ingest_throughput.py [--mb 100] [--repeat 3]

For each format the shipped sample is scaled to the target size (rows are varied per copy, so the
connector's duplicate and key checks see distinct rows rather than quarantining copies; RKI copies keep
their dates inside the connector's horizon and take other valid Kreis keys); then, in
the same run, it times (a) DuckDB's ``read_csv`` of the file(s) into tables and (b) the full
connector path (``ingest_source --from``: encoding check, hashing, unzipping, parsing, typing,
quarantine checks, lineage, Parquet), and prints (a)/(b) as the connector's throughput relative to
raw DuckDB. Cases: a Ladesäulenregister-shaped CSV, the RKI CSV, and a GTFS feed of VBB size
(ZIP; ``stop_times.txt`` scaled up). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from regiohub.core import settings
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ingest.source import ingest_source

LADESAEULEN = next(RECORDINGS_DIR.glob("data.bundesnetzagentur.de/**/Ladesaeulenregister_BNetzA_*.csv"))
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
GTFS = RECORDINGS_DIR / "www.vbb.de" / "vbbgtfs"


def scale(sample: Path, target: Path, header_lines: int, megabytes: int, vary: Callable[[bytes, int], bytes]) -> int:
    """Write ``sample`` with its body repeated (``vary``-ing each copy) up to ``megabytes``; return data rows."""
    lines = sample.read_bytes().splitlines(keepends=True)
    head, body = b"".join(lines[:header_lines]), lines[header_lines:]
    repeats = max(1, megabytes * 1_000_000 // sum(map(len, body)))
    with open(target, "wb") as fh:
        fh.write(head)
        for k in range(repeats):
            fh.write(b"".join(vary(line, k) for line in body))
    return repeats * len(body)


def _prefix_first_field(line: bytes, k: int) -> bytes:
    return b"%d_" % k + line  # the facility id / trip id becomes unique per copy


def _rki_vary(days: int, classes: int) -> Callable[[bytes, int], bytes]:
    """Copy ``k``: dates ``days * (k % classes)`` earlier, Kreis ids from a fresh block of valid keys per group.

    The dates stay inside the connector's horizon (2020 until today) and every (date, Kreis) stays unique.
    """
    fresh = [b"%02d%03d" % (land, n) for n in range(999, 0, -1) for land in range(1, 17)]
    blocks: dict[tuple[bytes, int], bytes] = {}
    dates: dict[tuple[bytes, int], bytes] = {}

    def vary(line: bytes, k: int) -> bytes:
        shift, group = k % classes, k // classes
        day, kreis = line[:10], line[11:16]
        if (day, shift) not in dates:
            dates[(day, shift)] = (date.fromisoformat(day.decode()) - timedelta(days=days * shift)).isoformat().encode()
        if group and (kreis, group) not in blocks:
            taken = {key for (_, g), key in blocks.items() if g == group}
            blocks[(kreis, group)] = next(f for f in fresh[group * 40:] if f not in taken)
        return dates[(day, shift)] + line[10:11] + (blocks[(kreis, group)] if group else kreis) + line[16:]

    return vary


def scaled_gtfs(target: Path, megabytes: int, workdir: Path) -> tuple[int, list[Path]]:
    """A GTFS ZIP whose stop_times.txt is scaled to ``megabytes``; return rows and the extracted .txt files."""
    extracted = workdir / "gtfs"
    with zipfile.ZipFile(GTFS) as zf:
        zf.extractall(extracted)
    stop_times = extracted / "stop_times.txt"
    original = workdir / "stop_times.sample.txt"
    stop_times.rename(original)
    rows = scale(original, stop_times, 1, megabytes, _prefix_first_field)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for f in sorted(extracted.iterdir()):
            zf.write(f, f.name)
    return rows, sorted(extracted.iterdir())


def best_of(n: int, fn: Callable[[], None]) -> float:
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
    print(f"{'source':<22} {'MB':>6} {'rows':>10} {'duckdb s':>9} {'connector s':>12} {'MB/s':>7} {'ratio':>6}")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="regiohub-bench-") as tmp:
        cases = []
        path = Path(tmp) / LADESAEULEN.name
        rows = scale(LADESAEULEN, path, 11, args.mb, _prefix_first_field)
        cases.append(("ladesaeulenregister", path, rows, [(path, "skip = 10, delim = ';'")]))
        path = Path(tmp) / RKI.name
        rows = scale(RKI, path, 1, args.mb, _rki_vary(77, 30))
        cases.append(("rki_inzidenz", path, rows, [(path, "delim = ','")]))
        path = Path(tmp) / "vbbgtfs.zip"
        rows, texts = scaled_gtfs(path, args.mb, Path(tmp))
        cases.append(("vbb_gtfs", path, rows, [(t, "delim = ','") for t in texts]))
        for source, path, rows, readers in cases:
            size_mb = sum(p.stat().st_size for p, _ in readers) / 1e6

            def raw_duckdb(readers=readers) -> None:
                with duckdb.connect() as con:
                    for i, (file, options) in enumerate(readers):
                        con.execute(
                            f"create table t{i} as select * from read_csv(?, {options}, header = true, "
                            "all_varchar = true)",
                            [str(file)],
                        ).fetchall()

            def connector(path=path, source=source) -> None:
                data = settings.paths(Path(tempfile.mkdtemp(dir=tmp)))
                result = ingest_source(source, from_path=path, data=data)
                assert result.status == "loaded" and not result.quarantined, result

            t_duck = best_of(args.repeat, raw_duckdb)
            t_conn = best_of(args.repeat, connector)
            ratio = t_duck / t_conn
            ratios.append(ratio)
            print(f"{source:<22} {size_mb:>6.0f} {rows:>10,} {t_duck:>9.2f} {t_conn:>12.2f} "
                  f"{size_mb / t_conn:>7.0f} {ratio:>6.0%}")
    print(f"median throughput ratio connector/DuckDB: {statistics.median(ratios):.0%}")


if __name__ == "__main__":
    main()
