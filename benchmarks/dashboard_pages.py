"""Dashboard page times over the shipped data: cold start, cached rerun and cache miss per page.

    uv run python benchmarks/dashboard_pages.py [--runs 30] [--data-dir DIR]

Without ``--data-dir`` (or ``REGIOHUB_DATA_DIR`` holding a published mart) the pipeline first runs offline
on the shipped samples into a temporary directory. Every page is rendered with Streamlit's AppTest (the
script runs as in the server, without browser and websocket):

- cold start: a new Python process renders the page once (imports, first connection, empty caches);
- cached rerun: the same session reruns the page (what a user's click costs when the data is cached);
- cache miss: all Streamlit caches are cleared before each rerun (a new snapshot, or a first visitor);
- switch p95: each partner chosen once in a running session (a selection change on a warm server).

Targets: cached p95 < 200 ms, cache miss p95 < 1 s. AppTest polls for the end of a run every few
milliseconds, so the figures include up to ~10 ms of polling.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGES = {
    "Übersicht": "pages/uebersicht.py",
    "Steckbrief": "pages/steckbrief.py",
    "Indikatoren": "pages/indikatoren.py",
    "Kooperationsbericht": "pages/kooperationsbericht.py",
    "Datenqualität": "pages/datenqualitaet.py",
    "Datenkatalog": "pages/datenkatalog.py",
}
CACHED_TARGET_S, MISS_TARGET_S, SWITCH_TARGET_S = 0.2, 1.0, 1.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _app(page: str):
    from streamlit.testing.v1 import AppTest

    from regiohub.core import settings

    at = AppTest.from_file(str(settings.DASHBOARD_APP), default_timeout=120)
    at.switch_page(page)
    return at


def _timed_run(at) -> float:
    t0 = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def cold(page: str) -> float:
    """Seconds from a fresh interpreter to the first rendered page (run in a child process)."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child-cold", page], capture_output=True, text=True, check=True, env=os.environ
    )
    json.loads(out.stdout.strip().splitlines()[-1])
    return time.perf_counter() - t0


def warm(page: str, runs: int) -> tuple[list[float], list[float]]:
    """(cached rerun times, cache-miss times) of one page in this process."""
    import streamlit as st

    at = _app(page)
    _timed_run(at)
    cached = [_timed_run(at) for _ in range(runs)]
    missed = []
    for _ in range(max(5, runs // 2)):
        st.cache_data.clear()
        st.cache_resource.clear()
        missed.append(_timed_run(at))
    return cached, missed


def switch(page: str) -> list[float]:
    """Seconds of a partner change on a warm server: every partner chosen once (its first visit, other
    selections cached), for pages with a partner choice; empty otherwise."""
    at = _app(page)
    _timed_run(at)
    boxes = [b for b in at.selectbox if b.key == "partner"]
    if not boxes:
        return []
    times = []
    from regiohub.registry.model import load_registry

    current = boxes[0].value
    for partner in [p.id for p in load_registry().partners if p.id != current]:
        at.selectbox(key="partner").select(partner)
        times.append(_timed_run(at))
    return times


def ensure_data(data_dir: str | None) -> Path:
    """A data dir with a published mart: the given one, $REGIOHUB_DATA_DIR, or a fresh offline run."""
    from regiohub.core import settings

    candidate = Path(data_dir) if data_dir else settings.data_dir()
    if settings.paths(candidate).published.exists():
        return candidate
    from regiohub.ingest.replay import offline
    from regiohub.ops.pipeline import run

    target = Path(tempfile.mkdtemp(prefix="regiohub-bench-"))
    print(f"no published mart: running the pipeline offline into {target} …", flush=True)
    with offline():
        run(settings.paths(target))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="reruns per page (cache misses: half of it)")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per page")
    parser.add_argument("--data-dir")
    parser.add_argument("--child-cold", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_cold:
        seconds = _timed_run(_app(args.child_cold))
        print(json.dumps({"first_run_s": seconds}))
        return

    import logging

    logging.disable(logging.WARNING)  # AppTest outside a server logs its cache storage choice on every clear
    os.environ["REGIOHUB_DATA_DIR"] = str(ensure_data(args.data_dir))
    print(f"data: {os.environ['REGIOHUB_DATA_DIR']}; {args.runs} cached reruns, {max(5, args.runs // 2)} cache misses,"
          f" {args.cold_runs} cold starts per page\n")
    header = (f"{'page':<22}{'cold p95':>10}{'cached p50':>12}{'cached p95':>12}{'miss p50':>10}{'miss p95':>10}"
              f"{'switch p95':>12}  targets")
    print(header)
    print("-" * len(header))
    ok = True
    for title, page in PAGES.items():
        cold_times = [cold(page) for _ in range(args.cold_runs)]
        cached, missed = warm(page, args.runs)
        switched = switch(page)
        met = (p95(cached) < CACHED_TARGET_S and p95(missed) < MISS_TARGET_S
               and (not switched or p95(switched) < SWITCH_TARGET_S))
        ok &= met
        print(
            f"{title:<22}{p95(cold_times) * 1000:>8.0f}ms{statistics.median(cached) * 1000:>10.0f}ms"
            f"{p95(cached) * 1000:>10.0f}ms{statistics.median(missed) * 1000:>8.0f}ms{p95(missed) * 1000:>8.0f}ms"
            f"{(p95(switched) * 1000 if switched else 0):>10.0f}ms  {'ok' if met else 'MISSED'}",
            flush=True,
        )
    print(f"\ntargets: cached p95 < {CACHED_TARGET_S * 1000:.0f} ms, cache miss p95 < {MISS_TARGET_S * 1000:.0f} ms,"
          f" partner change p95 < {SWITCH_TARGET_S * 1000:.0f} ms"
          f" — {'all met' if ok else 'not all met'}")


if __name__ == "__main__":
    main()
