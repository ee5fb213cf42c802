"""Transform: build a candidate mart from the raw Parquet files with dbt (dbt-duckdb).

The candidate is a new DuckDB file under ``build/``; the published mart is never opened for
writing here. dbt runs as a child process with the data dir's paths passed as vars.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from regiohub import settings
from regiohub.errors import PipelineError
from regiohub.provenance import is_sample, source_loads
from regiohub.registry import Registry, load_registry
from regiohub.state import read_state_or_empty

log = logging.getLogger(__name__)

TARGETS_FILE = settings.REPO_ROOT / "registry" / "targets.yml"


class Target(BaseModel):
    """A target value the partners agreed for one indicator (``registry/targets.yml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator_id: str = Field(pattern=r"^[a-z0-9_]+$")
    comparison: Literal["at_least", "at_most"]
    target_value: float
    close_within_percent: float = Field(default=10, ge=0)
    note: str | None = None
    partners: dict[str, float] = Field(default_factory=dict, description="partner id -> partner-specific target")


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: list[Target]


def load_targets(path: Path = TARGETS_FILE) -> list[Target]:
    """Read and validate the targets file; raise :class:`PipelineError` naming the problem."""
    try:
        return Targets.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).targets
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PipelineError(f"targets file {path.name} is invalid: {exc}") from None


def target_rows(targets: list[Target], registry: Registry) -> list[dict]:
    """One row per target and per partner-specific override, as dbt reads them."""
    known = {p.id for p in registry.partners}
    rows = []
    for t in targets:
        unknown = set(t.partners) - known
        if unknown:
            raise PipelineError(f"targets file: {t.indicator_id} names unknown partners {sorted(unknown)}")
        base = {"indicator_id": t.indicator_id, "comparison": t.comparison,
                "close_within_percent": t.close_within_percent, "note": t.note}
        rows.append({**base, "partner_id": None, "target_value": t.target_value})
        rows += [{**base, "partner_id": p, "target_value": v} for p, v in sorted(t.partners.items())]
    return rows


def export_registry(registry: Registry, data: settings.Paths) -> Path:
    """Write partners, sources (last load, sample or not by provenance), used loads and targets as JSON for dbt."""
    target = data.build / "registry"
    target.mkdir(parents=True, exist_ok=True)
    partners = [p.model_dump() for p in registry.partners]
    sources, loads = [], []
    for s in registry.sources:
        state = read_state_or_empty(data, s.id)
        used = source_loads(data, s)
        loads += used
        sources.append(
            {
                **s.model_dump(exclude={"params", "credentials_env"}),
                "is_sample": is_sample(used),
                "last_load_id": state.get("last_load_id"),
                "last_loaded_at": state.get("last_loaded_at"),
            }
        )
    (target / "loads.json").write_text(json.dumps(loads, ensure_ascii=False, indent=1))
    (target / "partners.json").write_text(json.dumps(partners, ensure_ascii=False, indent=1))
    (target / "sources.json").write_text(json.dumps(sources, ensure_ascii=False, indent=1))
    targets = target_rows(load_targets(), registry)
    (target / "targets.json").write_text(json.dumps(targets, ensure_ascii=False, indent=1))
    return target


def missing_raw_sources(registry: Registry, data: settings.Paths) -> list[str]:
    return [s.id for s in registry.sources if not any((data.raw / s.id).glob("*/*.parquet"))]


def build_candidate(data: settings.Paths | None = None, registry: Registry | None = None) -> Path:
    """Run ``dbt build`` into a fresh candidate file; return its path. Raises :class:`PipelineError`."""
    data = (data or settings.paths()).ensure()
    registry = registry or load_registry()
    missing = missing_raw_sources(registry, data)
    if missing:
        raise PipelineError(
            f"no raw data yet for {', '.join(missing)}: run `regiohub ingest SOURCE` (or `regiohub run`) first"
        )
    export_registry(registry, data)
    candidate = data.build / f"candidate-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.duckdb"
    run_dbt(["build"], data, candidate)
    return candidate


def run_dbt(args: list[str], data: settings.Paths, candidate: Path) -> None:
    """Run dbt in a child process against ``candidate``; raise :class:`PipelineError` naming failed nodes.

    A child process, not ``dbtRunner``: dbt-duckdb keeps its connection open for the life of the
    process, and the candidate must be closed before it is audited and published.
    """
    dbt_vars = {
        "raw_dir": str(data.raw),
        "registry_dir": str(data.build / "registry"),
        "geo_dir": str(settings.GEO_DIR),
    }
    target_path = data.build / "dbt_target"
    env = {
        **os.environ,
        "REGIOHUB_CANDIDATE_PATH": str(candidate),
        "REGIOHUB_DBT_TARGET_PATH": str(target_path),
        "DBT_LOG_PATH": str(data.build / "dbt_logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [
        str(dbt) if dbt.exists() else "dbt",
        *args,
        "--project-dir", str(settings.DBT_PROJECT_DIR),
        "--profiles-dir", str(settings.DBT_PROJECT_DIR),
        "--vars", json.dumps(dbt_vars),
        "--no-use-colors",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    (data.build / "dbt_last_output.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        failed = _failed_nodes(target_path / "run_results.json")
        detail = "; ".join(failed[:5]) or (proc.stdout + proc.stderr).strip().splitlines()[-1:][0:1]
        raise PipelineError(f"dbt {' '.join(args)} failed: {detail} (log: {data.build / 'dbt_last_output.log'})")


def _failed_nodes(run_results: Path) -> list[str]:
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text(encoding="utf-8")).get("results", [])
    return [
        f"{r['unique_id'].split('.')[-1]}: {' '.join(str(r.get('message') or r['status']).split())[:160]}"
        for r in results
        if r.get("status") in ("error", "fail")
    ]
