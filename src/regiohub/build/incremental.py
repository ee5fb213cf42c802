"""Incremental builds: start from the published snapshot's build and rebuild only what changed sources feed.

After a publish, the published candidate (the whole dbt database: staging views, intermediate tables,
marts) is kept as ``build/incremental/base.duckdb`` with the dbt manifest and ``base.json`` (the
snapshot id, the project fingerprint, per source the load it was built up to, and a hash per registry
export). The next build is incremental when that base belongs to the snapshot that is published now,
the dbt project, the boundaries and the dbt/DuckDB versions are unchanged (the fingerprint), and no
source went back to an older load (a pin or a rollback): the candidate starts as a copy of the base and
dbt builds ``source:<changed>+`` only — the lineage of every source with a new load (of those of its
tables whose files in the raw view changed, see :mod:`regiohub.build.entity_diff`) and of every registry
export that changed (per source for the per-load exports, see :mod:`regiohub.build.registry_changes`).
Otherwise the build is a full one into an empty candidate. An incremental build runs the data tests of
what it built, not the unit tests: those test the project's SQL, which the fingerprint holds unchanged.

Accumulating facts (PEGELONLINE readings) are incremental dbt models that only recompute the days new
loads touch; the other heavy models are tables, so that a build which does not touch their sources reads
them instead of recomputing them from raw data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb

from regiohub.build.entity_diff import selectors, view_files
from regiohub.build.registry_changes import compare, registry_hashes
from regiohub.core import duckdb_settings, settings
from regiohub.store import layout

log = logging.getLogger(__name__)

_SKIP_DIRS = {"target", "logs", "dbt_packages"}


@dataclass
class Plan:
    """How to build: from ``base`` (a copy of it) with dbt ``select``ors, or in full (``base`` None)."""

    base: Path | None
    select: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # registry sources and registry exports that changed
    reason: str = ""

    @property
    def mode(self) -> str:
        return "incremental" if self.base is not None else "full"


def base_dir(data: settings.Paths) -> Path:
    return layout.incremental_dir(data)


def _full_marker(data: settings.Paths) -> Path:
    return layout.full_build_marker(data)


def request_full(data: settings.Paths, reason: str) -> None:
    """Make every build a full one until a candidate is published (``regiohub run --full``, ``transform --full``)."""
    data.build.mkdir(parents=True, exist_ok=True)
    _full_marker(data).write_text(reason, encoding="utf-8")


def fingerprint() -> str:
    """A hash of what makes a build's models: the dbt project, the boundaries, dbt and DuckDB versions."""
    digest = hashlib.sha256()
    for root in (settings.DBT_PROJECT_DIR, settings.GEO_DIR):
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or rel.parts[0] in _SKIP_DIRS or path.name == ".user.yml":
                continue
            digest.update(f"{root.name}/{rel}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"{package}={metadata.version(package)}\0".encode())
    return digest.hexdigest()


def plan_build(
    data: settings.Paths, cutoffs: dict[str, str | None], snapshot_id: str | None, connectors: dict[str, str]
) -> Plan:
    """Decide between a full and an incremental build (call after the registry export is written).

    ``connectors`` maps each registry source to its connector (dbt sources are named by either).
    """
    folder = base_dir(data)
    if _full_marker(data).is_file():
        return Plan(None, reason=_full_marker(data).read_text(encoding="utf-8").strip() or "a full build was requested")
    try:
        meta = json.loads((folder / "base.json").read_text(encoding="utf-8"))
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Plan(None, reason="no kept build of the published snapshot")
    if not (folder / "base.duckdb").is_file() or snapshot_id is None or meta.get("snapshot_id") != snapshot_id:
        return Plan(None, reason="the kept build is not the published snapshot's")
    if meta.get("fingerprint") != fingerprint():
        return Plan(None, reason="the dbt project, boundaries or versions changed")
    before: dict[str, str | None] = meta.get("cutoffs", {})
    back = sorted(s for s, c in cutoffs.items() if before.get(s) and (c is None or c < before[s]))
    if back or set(before) - set(cutoffs):
        return Plan(None, reason=f"sources back at older loads: {', '.join(back) or 'gone'}")
    changed = sorted(s for s, c in cutoffs.items() if c != before.get(s))
    registry = compare(meta.get("registry", {}), registry_hashes(layout.registry_export_dir(data)))
    names = {s["source_name"] for s in manifest.get("sources", {}).values()}
    view_before, view_now = meta.get("view", {}), view_files(layout.raw_view_dir(data))
    select = sorted(
        {sel for s in {*changed, *registry.row_sources} for n in {s, connectors.get(s)} if n in names
         for sel in selectors(manifest, s, n, view_before, view_now)}
        | {f"source:registry.{n}+" for n in registry.exports}
        | set(registry.models)
    )
    return Plan(folder / "base.duckdb", select, changed + registry.labels(changed))


def describe(plan: Plan, rebuilt: list[str], total: int) -> str:
    """The build mode in one line: ``incremental: 12 of 60 models (changed: …)`` or ``full: because …``."""
    if plan.base is None:
        return f"full: {len(rebuilt)} of {total} models, because {plan.reason}"
    changed = ", ".join(plan.changed) or "nothing"
    return f"incremental: {len(rebuilt)} of {total} models (changed: {changed})"


def model_count(manifest: Path) -> int:
    """Models of the dbt project (what a full build builds), from dbt's manifest."""
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    except (OSError, ValueError):
        return 0
    return sum(1 for n in nodes if n.startswith("model."))


def start_candidate(plan: Plan, candidate: Path) -> None:
    """Copy the base into ``candidate`` for an incremental build (nothing for a full one)."""
    if plan.base is not None:
        shutil.copyfile(plan.base, candidate)


def dbt_selection(plan: Plan) -> list[str] | None:
    """dbt arguments selecting what to build; None when an incremental build has nothing to build."""
    if plan.base is None:
        return []
    return ["--select", *plan.select] if plan.select else None


def stable_path(data: settings.Paths, candidate: Path) -> Path:
    """A fixed path (a symlink) dbt opens ``candidate`` through.

    dbt re-parses the whole project when its profile changes, and the candidate's name is new for every
    build; through a fixed name dbt's partial parsing works, which saves its parse on every build.
    """
    link = layout.dbt_candidate_link(data)
    release_stable_path(data, candidate, keep_wal=False)
    link.symlink_to(candidate.name)
    return link


def release_stable_path(data: settings.Paths, candidate: Path, keep_wal: bool = True) -> None:
    """Remove the symlink; a write-ahead log DuckDB left beside it belongs to ``candidate``."""
    link = layout.dbt_candidate_link(data)
    wal = link.with_name(link.name + ".wal")
    if wal.exists() and keep_wal:
        os.replace(wal, candidate.with_name(candidate.name + ".wal"))
    wal.unlink(missing_ok=True)
    link.unlink(missing_ok=True)


def record_plan(candidate: Path, plan: Plan, rebuilt: list[str], registry_dir: Path, view: Path) -> None:
    """Add the build mode, what changed, the models dbt built and what the base needs to ``meta_build``."""
    with duckdb_settings.connect(candidate) as con:
        con.execute(
            "create or replace table main.meta_build as select *, ?::varchar as build_mode, "
            "?::varchar[] as changed, ?::varchar[] as rebuilt_models, ?::varchar as fingerprint, "
            "?::varchar as registry_hashes, ?::varchar as view_files from main.meta_build",
            [plan.mode, plan.changed, sorted(rebuilt), fingerprint(), json.dumps(registry_hashes(registry_dir)),
             json.dumps(view_files(view))],
        )


def built_models(run_results: Path) -> list[str]:
    """Names of the models a dbt invocation built successfully."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text(encoding="utf-8")).get("results", [])
    return sorted(r["unique_id"].split(".")[-1] for r in results
                  if r["unique_id"].startswith("model.") and r.get("status") == "success")


def build_info(candidate: Path) -> dict | None:
    """``meta_build`` of a candidate as a dict (None for a candidate built before incremental builds)."""
    with duckdb_settings.connect(candidate, read_only=True) as con:
        columns = {r[0] for r in con.execute(
            "select column_name from duckdb_columns() where table_name = 'meta_build'").fetchall()}
        if "build_mode" not in columns:
            return None
        cursor = con.execute("select * from main.meta_build")
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchall()[0], strict=True))


def keep_base(candidate: Path, data: settings.Paths, snapshot_id: str) -> None:
    """After ``candidate`` was published as ``snapshot_id``: keep it (a hard link) as the next build's base."""
    folder = base_dir(data)
    try:
        info = build_info(candidate)
        if info is None:
            return
        if info["build_mode"] == "full":
            _full_marker(data).unlink(missing_ok=True)  # a requested full build is published
        with duckdb_settings.connect(candidate, read_only=True) as con:
            cutoffs = dict(con.execute("select source_id, load_id from main.meta_loads").fetchall())
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "base.json").unlink(missing_ok=True)  # no stale description while the files change
        tmp = folder / ".base.duckdb"
        tmp.unlink(missing_ok=True)
        try:
            os.link(candidate, tmp)
        except OSError:
            shutil.copyfile(candidate, tmp)
        os.replace(tmp, folder / "base.duckdb")
        shutil.copyfile(layout.dbt_manifest(data), folder / "manifest.json")
        meta = {"snapshot_id": snapshot_id, "fingerprint": info["fingerprint"], "cutoffs": cutoffs,
                "registry": json.loads(info["registry_hashes"]), "view": json.loads(info.get("view_files") or "{}")}
        (folder / "base.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    except (OSError, duckdb.Error) as exc:  # the next build is a full one; publishing went through
        log.warning("could not keep the build of snapshot %s for incremental builds: %s", snapshot_id, exc)
        shutil.rmtree(folder, ignore_errors=True)
