"""Scale benchmark: the platform's phases at 1x/4x/16x against plain DuckDB doing the same work.

    uv run python -m benchmarks.scale.harness [--scales 1,4,16] [--fraction 1.0] [--out results.json]

Per scale, in a fresh data dir: generate the inputs (:mod:`benchmarks.scale.generate`), then run each
phase in its own child process, as the pipeline does — ``regiohub ingest SOURCE --from FILE`` per
source, then build, gate and publish (:mod:`benchmarks.scale.phase`) — measuring wall time and the
process tree's peak RSS (:mod:`benchmarks.scale.measure`). In the same run, plain DuckDB reads each
generated payload into Parquet (ingest baseline) and computes the mart's aggregations over the same
raw Parquet (build and gate baseline; :mod:`benchmarks.scale.baseline`); ratio = phase / DuckDB.
Then one changed source: a new RKI release is ingested and build, gate and publish run again; its
time is reported as a percentage of the full build + gate + publish. So is one new PEGELONLINE poll
(one new 15-minute reading per gauge) ingested, built, gated and published. Prints a table per scale,
writes everything as JSON. Figures on a loaded machine: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psutil

from benchmarks.scale.common import BASE, ROOT
from benchmarks.scale.generate import changed_rki, generate, new_poll
from benchmarks.scale.measure import Measured, run_measured

GOAL_MB = 2048
BASELINE_INGEST = ("pegelonline", "ladesaeulenregister", "rki_inzidenz", "vbb_gtfs", "regionalstatistik_bevoelkerung")
MART_PHASES = ("build", "gate", "publish")


def _say(message: str) -> None:
    print(message, flush=True)


class Scale:
    """One scale's run: a data dir, the inputs, and the measured rows."""

    def __init__(self, scale: float, fraction: float, seed: int, workdir: Path, progress=_say,
                 checkpoint=None) -> None:
        self.scale, self.fraction, self.seed, self.progress = scale, fraction, seed, progress
        self.checkpoint = checkpoint or (lambda rows: None)  # called with the rows measured so far
        self.root = workdir / f"{scale:g}x"
        self.inputs, self.data = self.root / "inputs", self.root / "data"
        self.rows: list[dict] = []
        self.env = {**os.environ, "REGIOHUB_DATA_DIR": str(self.data),
                    "REGIOHUB_REGISTRY": str(self.inputs / "registry.yml"),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

    def child(self, name: str, cmd: list[str]) -> Measured:
        log = self.root / "logs" / f"{len(self.rows):02d}-{name.replace(' ', '_')}.log"
        m = run_measured(cmd, self.env, ROOT, log)
        self.progress(f"  {self.scale:g}x {name}: {m.wall_s:.1f} s, {m.peak_rss_mb:.0f} MB"
                      + ("" if m.returncode == 0 else f" — FAILED ({m.returncode}): {m.tail(3)}"))
        return m

    def record(self, phase: str, m: Measured, baseline: Measured | None, step: str = "full") -> dict:
        row = {"step": step, "phase": phase, "wall_s": m.wall_s, "peak_rss_mb": m.peak_rss_mb, "ok": m.returncode == 0,
               "baseline_s": baseline.wall_s if baseline else None,
               "baseline_rss_mb": baseline.peak_rss_mb if baseline else None,
               "ratio": round(m.wall_s / baseline.wall_s, 1) if baseline and baseline.wall_s else None,
               "output": m.tail(3 if m.returncode else 2)}
        self.rows.append(row)
        self.checkpoint(self.rows)
        return row

    def ingest(self, source: str, payload: Path, step: str = "full", baseline: bool = True) -> None:
        m = self.child(f"ingest {source}", [_regiohub(), "ingest", source, "--from", str(payload)])
        b = None
        if baseline and source in BASELINE_INGEST:
            b = self.child(f"duckdb read {source}", [sys.executable, "-m", "benchmarks.scale.baseline", "ingest",
                                                      source, str(payload), str(self.root / "baseline" / source)])
        self.record(f"ingest {source}", m, b, step)

    def mart_phases(self, baseline: Measured | None, step: str) -> None:
        for phase in MART_PHASES:
            m = self.child(phase, [sys.executable, "-m", "benchmarks.scale.phase", phase])
            self.record(phase, m, baseline if phase != "publish" else None, step)
            if m.returncode:
                break

    def run(self) -> dict:
        t0 = time.monotonic()
        manifest = generate(self.inputs, self.scale, self.fraction, self.seed, self.progress)
        generated_s = round(time.monotonic() - t0, 1)
        for source, rel in manifest["inputs"].items():
            self.ingest(source, self.inputs / rel)
        mart = self.child("duckdb mart aggregations", [sys.executable, "-m", "benchmarks.scale.baseline", "mart",
                                                        str(self.data)])
        self.mart_phases(mart, "full")
        self.ingest("rki_inzidenz", changed_rki(self.inputs, manifest), "changed", baseline=False)
        self.mart_phases(mart, "changed")
        self.ingest("pegelonline", new_poll(self.inputs), "poll", baseline=False)
        self.mart_phases(mart, "poll")
        full, changed, poll = (sum(r["wall_s"] for r in self.rows if r["step"] == step and r["phase"] in MART_PHASES)
                               for step in ("full", "changed", "poll"))
        return {
            "scale": self.scale, "fraction": self.fraction, "base": manifest["base"], "generate_s": generated_s,
            "input_rows": manifest["rows"], "input_mb": {k: round(v / 1e6, 1) for k, v in manifest["bytes"].items()},
            "phases": self.rows, "duckdb_mart_s": mart.wall_s, "duckdb_mart_rss_mb": mart.peak_rss_mb,
            "full_build_gate_publish_s": round(full, 2), "changed_build_gate_publish_s": round(changed, 2),
            "changed_percent_of_full": round(100 * changed / full, 1) if full else None,
            "poll_build_gate_publish_s": round(poll, 2),
            "poll_percent_of_full": round(100 * poll / full, 1) if full else None,
            "over_memory_goal": [r["phase"] for r in self.rows if r["peak_rss_mb"] > GOAL_MB],
            "all_ok": all(r["ok"] for r in self.rows), "data_dir": str(self.data), "inputs_dir": str(self.inputs),
        }


def _regiohub() -> str:
    local = Path(sys.executable).with_name("regiohub")
    return str(local) if local.exists() else shutil.which("regiohub") or "regiohub"


def table(result: dict) -> str:
    """The per-phase table of one scale."""
    lines = [f"scale {result['scale']:g}x ({result['base']})",
             f"{'step':<8} {'phase':<40} {'wall s':>8} {'peak RSS MB':>12} {'DuckDB s':>9} {'ratio':>7}"]
    for r in result["phases"]:
        flag = " !" if r["peak_rss_mb"] > GOAL_MB else ""
        base = f"{r['baseline_s']:>9.2f}" if r["baseline_s"] is not None else f"{'-':>9}"
        ratio = f"{r['ratio']:>6.1f}x" if r["ratio"] is not None else f"{'-':>7}"
        status = "" if r["ok"] else "  FAILED"
        lines.append(f"{r['step']:<8} {r['phase']:<40} {r['wall_s']:>8.1f} {r['peak_rss_mb']:>10.0f}{flag:<2} "
                     f"{base} {ratio}{status}")
    lines.append(f"DuckDB mart aggregations: {result['duckdb_mart_s']:.2f} s, {result['duckdb_mart_rss_mb']:.0f} MB; "
                 f"build+gate+publish {result['full_build_gate_publish_s']:.1f} s full, "
                 f"{result['changed_build_gate_publish_s']:.1f} s after one changed source (RKI) = "
                 f"{result['changed_percent_of_full']}% of full, {result['poll_build_gate_publish_s']:.1f} s after "
                 f"one new PEGELONLINE poll = {result['poll_percent_of_full']}% of full")
    over = result["over_memory_goal"]
    lines.append(f"peak RSS over {GOAL_MB} MB (goal): {', '.join(over) if over else 'none'}")
    return "\n".join(lines)


def machine() -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(),
            "duckdb": duckdb.__version__, "commit": commit.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,4,16", help="comma-separated multiples of the base")
    parser.add_argument("--fraction", type=float, default=1.0, help="shrink the base (quick runs)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--workdir", type=Path, help="where inputs and data dirs go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep inputs and data dirs")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="regiohub-scale-"))
    results = {"machine": machine(), "base": BASE.describe(args.fraction), "scales": []}
    _say(f"scale benchmark in {workdir}; base: {results['base']}")

    def save(partial: list[dict] | None = None) -> None:
        if args.out:  # after every phase, so a long run that is stopped still leaves its figures
            args.out.parent.mkdir(parents=True, exist_ok=True)
            doc = {**results, "running": partial} if partial else results
            args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")

    for s in (float(x) for x in args.scales.split(",")):
        bench = Scale(s, args.fraction, args.seed, workdir, checkpoint=lambda rows, s=s: save([{"scale": s}, *rows]))
        result = bench.run()
        results["scales"].append(result)
        _say(table(result))
        save()
        if not args.keep:
            shutil.rmtree(bench.root, ignore_errors=True)
    if args.out:
        _say(f"results: {args.out}")
    return 0 if all(r["all_ok"] for r in results["scales"]) else 1


if __name__ == "__main__":
    sys.exit(main())
