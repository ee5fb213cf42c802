"""Transform: build a candidate mart from the raw Parquet files with dbt (dbt-duckdb).

The candidate is a new DuckDB file under ``build/``; the published mart is never opened for
writing here. dbt runs as a child process with the data dir's paths passed as vars.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from regiohub.build import incremental
from regiohub.build.dbt_progress import keep_log, stream_dbt
from regiohub.core import duckdb_settings, settings
from regiohub.core.errors import PipelineError
from regiohub.core.ids import new_candidate_name
from regiohub.registry.model import Registry, load_registry
from regiohub.registry.targets import load_targets, target_rows
from regiohub.store import layout
from regiohub.store.loads import compose_raw_view, raw_loads
from regiohub.store.provenance import is_sample, source_loads
from regiohub.store.snapshot_store import published_snapshot
from regiohub.store.state import read_state_or_empty

log = logging.getLogger(__name__)

DBT_DATABASE = "mart"  # the name dbt attaches the candidate under (dbt_project/profiles.yml)


def export_registry(registry: Registry, data: settings.Paths, cutoffs: dict[str, str | None] | None = None) -> Path:
    """Write partners, sources, per source the load the build reads up to (``source_state``: sample or not by
    provenance), the loads used and the agreed targets as JSON for dbt.

    What changes with every load is kept out of ``sources``: a new load leaves the models that read only
    the registry's own fields (``dim_indicator``) as they are in an incremental build."""
    target = layout.registry_export_dir(data)
    target.mkdir(parents=True, exist_ok=True)
    partners = [p.model_dump() for p in registry.partners]
    sources, state, loads = [], [], []
    for s in registry.sources:
        last = read_state_or_empty(data, s.id)
        built = cutoffs[s.id] if cutoffs is not None and s.id in cutoffs else last.get("last_load_id")
        pinned = built != last.get("last_load_id")
        if cutoffs is not None and s.id in cutoffs:  # the build reads loads up to the cut-off, none without one
            used = source_loads(data, s, up_to=cutoffs[s.id]) if cutoffs[s.id] else []
        else:
            used = source_loads(data, s)
        loads += used
        sources.append(s.model_dump(exclude={"params", "credentials_env"}))
        state.append({"source_id": s.id, "is_sample": is_sample(used), "last_load_id": built,
                      "last_loaded_at": None if pinned else last.get("last_loaded_at")})
    (target / "loads.json").write_text(json.dumps(loads, ensure_ascii=False, indent=1))
    (target / "partners.json").write_text(json.dumps(partners, ensure_ascii=False, indent=1))
    (target / "sources.json").write_text(json.dumps(sources, ensure_ascii=False, indent=1))
    (target / "source_state.json").write_text(json.dumps(state, ensure_ascii=False, indent=1))
    targets = target_rows(load_targets(), registry)
    (target / "targets.json").write_text(json.dumps(targets, ensure_ascii=False, indent=1))
    export_regions(registry, data, target)
    return target


def export_regions(registry: Registry, data: settings.Paths, target: Path) -> None:
    """The cooperation (its Land from the registry) and the region reference of that Land, for dbt."""
    from regiohub.registry import regions

    coop = registry.cooperation
    rows = regions.export_rows(data, [coop.land])
    if not any(r["level"] == "land" for r in rows):
        raise PipelineError(
            f"the region reference {regions.reference_path(data)} does not cover Land {coop.land} of the cooperation: "
            "run `regiohub regions refresh --from GV100AD_<DDMMYYYY>.txt` (Destatis Gemeindeverzeichnis)"
        )
    cooperation = [{"cooperation_ars": coop.ars, "cooperation_name": coop.name, "land": coop.land,
                    "land_ars": coop.land_ars}]
    (target / "cooperation.json").write_text(json.dumps(cooperation, ensure_ascii=False, indent=1))
    (target / "regions.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def missing_raw_sources(registry: Registry, data: settings.Paths) -> list[str]:
    return [s.id for s in registry.sources if not raw_loads(data, s.id)]


def build_candidate(
    data: settings.Paths | None = None,
    registry: Registry | None = None,
    pins: dict[str, str | None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Run ``dbt build`` into a fresh candidate file; return its path.

    ``pins`` holds sources back at an older load (see :mod:`regiohub.store.loads`). The candidate records
    the load each source was built up to in ``meta_loads``. Raises :class:`DbtBuildError` (with the
    failed nodes and the candidate, for :mod:`regiohub.build.isolation`) or :class:`PipelineError`.
    """
    data = (data or settings.paths()).ensure()
    registry = registry or load_registry()
    missing = missing_raw_sources(registry, data)
    if missing:
        raise PipelineError(
            f"no raw data yet for {', '.join(missing)}: run `regiohub ingest SOURCE` (or `regiohub run`) first"
        )
    base = (published_snapshot(data) or {}).get("snapshot_id")
    view, cutoffs = compose_raw_view(data, pins or {})
    export_registry(registry, data, cutoffs)
    candidate = layout.candidate_file(data, new_candidate_name())
    plan = incremental.plan_build(data, cutoffs, base, {s.id: s.connector for s in registry.sources})
    incremental.start_candidate(plan, candidate)
    select = incremental.dbt_selection(plan)
    message = f"build: {plan.mode}" + (f", only {' '.join(plan.select)}" if plan.base else f" ({plan.reason})")
    log.info("%s", message)
    if progress is not None:
        progress(message)
    rebuilt: list[str] = []
    if select is not None:
        # models first, then every test on the finished candidate (one dbt process, one parse): a failing
        # test does not skip what is downstream of it, so one build shows every broken source
        models = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        target = layout.dbt_target_dir(data)
        (target / "run_results.1.json").unlink(missing_ok=True)
        # unit tests check the project's SQL on fixed inputs, not data: the kept build ran them on this
        # very project (the fingerprint), so an incremental build runs the data tests only
        tests = ["test", *select] + (["--exclude-resource-type", "unit_test"] if plan.base is not None else [])
        run_dbt_steps([[*models, *select], tests], data, candidate, raw_dir=view, progress=progress)
        rebuilt = incremental.built_models(target / "run_results.1.json")
    total = incremental.model_count(layout.dbt_manifest(data))
    mode = incremental.describe(plan, rebuilt, total)
    log.info("build %s", mode)
    if progress is not None:
        progress(f"build {mode}")
    record_loads(candidate, cutoffs, pins or {}, base)
    incremental.record_plan(candidate, plan, rebuilt, layout.registry_export_dir(data), view)
    return candidate


def record_loads(
    candidate: Path, cutoffs: dict[str, str | None], pins: dict[str, str | None], base: str | None
) -> None:
    """Write ``meta_loads`` (per source: newest load built, pinned or not) and ``meta_build`` into the candidate.

    ``meta_build.base_snapshot_id`` is the snapshot published when the build started: publishing
    refuses the candidate if another one was published since (see :mod:`regiohub.publish.swap`).
    """
    rows = [(s, c, s in pins) for s, c in sorted(cutoffs.items())]
    with duckdb_settings.connect(candidate) as con:
        con.execute("create or replace table main.meta_build as select ?::varchar as base_snapshot_id", [base])
        con.execute("create or replace table main.meta_loads (source_id varchar, load_id varchar, is_pinned boolean)")
        if rows:
            con.executemany("insert into main.meta_loads values (?, ?, ?)", rows)
        con.execute(
            "comment on table main.meta_loads is 'Je Quelle die neueste Lieferung (Load-ID), aus der dieser Stand "
            "gebaut ist; is_pinned: wegen eines Fehlers in einer neueren Lieferung zurückgehalten.'"
        )


class DbtBuildError(PipelineError):
    """``dbt build`` failed; ``failed`` holds the failed nodes of run_results.json, ``candidate`` the file."""

    def __init__(self, message: str, failed: list[dict], candidate: Path) -> None:
        super().__init__(message)
        self.failed = failed
        self.candidate = candidate


def run_dbt(
    args: list[str],
    data: settings.Paths,
    candidate: Path,
    raw_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Run one dbt command in a child process against ``candidate`` (see :func:`run_dbt_steps`)."""
    run_dbt_steps([args], data, candidate, raw_dir, progress)


def run_dbt_steps(
    steps: list[list[str]],
    data: settings.Paths,
    candidate: Path,
    raw_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Run dbt commands one after another in one child process (:mod:`regiohub.build.dbt_child`) against
    ``candidate``; the first that fails raises :class:`DbtBuildError` naming its failed nodes."""
    dbt_vars = {
        "raw_dir": str(raw_dir or data.raw),
        "registry_dir": str(layout.registry_export_dir(data)),
        "geo_dir": str(settings.GEO_DIR),
    }
    target_path = layout.dbt_target_dir(data)
    link = incremental.stable_path(data, candidate)
    env = {
        **os.environ,
        "REGIOHUB_CANDIDATE_PATH": str(link),
        "REGIOHUB_DBT_TARGET_PATH": str(target_path),
        "DBT_LOG_PATH": str(layout.dbt_log_dir(data)),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **duckdb_settings.dbt_env(link),  # a stable profile: dbt parses only what changed
    }
    cmd = [
        sys.executable, "-m", "regiohub.build.dbt_child", json.dumps(steps),
        "--project-dir", str(settings.DBT_PROJECT_DIR),
        "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--vars", json.dumps(dbt_vars),
        "--no-use-colors",
    ]
    layout.dbt_run_results(data).unlink(missing_ok=True)  # never read a previous build's results
    try:
        returncode, output = stream_dbt(cmd, env, progress)
    finally:
        incremental.release_stable_path(data, candidate)
    log_file = keep_log(layout.build_log_dir(data), candidate, output)
    if returncode != 0:
        failed = failed_nodes(layout.dbt_run_results(data))
        detail = "; ".join(describe_node(r) for r in failed[:5]) or " ".join(output.strip().splitlines()[-1:])
        step = steps[min(max(returncode, 1), len(steps)) - 1]
        raise DbtBuildError(f"dbt {step[0]} failed: {detail} (log: {log_file})", failed, candidate)


def describe_node(result: dict) -> str:
    """``dbt test <name>: 3 failing rows`` / ``dbt model <name>: <error>`` — the node's name, never its hash."""
    kind, _, name = result["unique_id"].split(".")[:3]
    if result.get("status") == "fail":
        return f"dbt {kind} {name}: {result.get('failures')} failing rows"
    return f"dbt {kind} {name}: {' '.join(str(result.get('message') or result['status']).split())[:200]}"


def failed_nodes(run_results: Path) -> list[dict]:
    """The failed or errored results of a dbt invocation (empty if dbt wrote none)."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text(encoding="utf-8")).get("results", [])
    return [r for r in results if r.get("status") in ("error", "fail")]
