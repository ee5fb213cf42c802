"""What the gate reads for a candidate: only what changed since the published snapshot, which passed the gate.

When the suites and their parameters (the sets of regions, indicators, sources) are those the published snapshot
was validated with (:func:`vouched`), a published row needs no second look, after an incremental build
(:mod:`regiohub.build.incremental`) and a full one alike:

* a mart table dbt did not rebuild (incremental) is the published one — its suite is skipped;
* of a rebuilt table only the rows that are not in the published table, and the rows sharing their key
  (from the suite's uniqueness expectation), are validated (computed in DuckDB); whole-table rules run in
  DuckDB anyway: row counts, the derived aggregates of :mod:`regiohub.audit.derived`, dbt's uniqueness
  tests on every rebuilt model, the content checks;
* a raw suite is validated only for the sources whose load differs from the published one.

Otherwise (nothing published, changed suites or parameters) every table is read and validated whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from regiohub.audit.batches import Rows
from regiohub.audit.blame import TRACE_COLUMNS
from regiohub.audit.derived import DERIVED, tables
from regiohub.audit.frames import DIMENSIONS, read_table, run_parameters, suite_columns, suite_keys, table_rows
from regiohub.audit.raw import PREFIX as RAW
from regiohub.audit.raw import raw_rows, source_freshness
from regiohub.build.incremental import build_info
from regiohub.core import duckdb_settings
from regiohub.core.settings import Paths
from regiohub.ingest.quarantine import quote
from regiohub.registry.model import Registry
from regiohub.store.runs import recent_runs


@dataclass
class Scope:
    frames: dict[str, pd.DataFrame]  # small, whole: dimensions, aggregates computed in DuckDB, freshness
    parameters: dict[str, list[str] | int]
    rows: dict[str, Rows] = field(default_factory=dict)  # the other tables: read in batches when validated
    mode: str = "full"  # "full": everything validated; "changed": only what the incremental build changed
    skipped: list[str] = field(default_factory=list)  # suites with nothing to validate (unchanged)
    changed_rows: dict[str, int] = field(default_factory=dict)
    vacuous: dict[str, int] = field(default_factory=dict)  # per suite: expectations whose condition selects no row

    def as_dict(self) -> dict:
        return {"mode": self.mode, "skipped": self.skipped, "changed_rows": self.changed_rows,
                "vacuous_expectations": {k: v for k, v in self.vacuous.items() if v}}


def suites_digest(suites_dir: Path) -> str:
    """One hash over the suite files (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(suites_dir.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def vouched(con: duckdb.DuckDBPyConnection, data: Paths, digest: str) -> bool:
    """Whether the published snapshot (``pub``) passed the gate with these suites (the run that published it
    recorded its validation)."""
    if "meta_snapshot" not in tables(con, "pub"):
        return False
    [(snapshot_id,)] = con.execute("select snapshot_id from pub.main.meta_snapshot").fetchall()
    run = next((r for r in recent_runs(data, 50) if r.get("snapshot_id") == snapshot_id), None)
    results = Path((run or {}).get("validation_results") or "")
    if not results.is_file():
        return False
    return json.loads(results.read_text(encoding="utf-8")).get("suites_digest") == digest


@contextmanager
def candidate_connection(candidate: Path, data: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the candidate attached as ``cand`` and the published snapshot (if any) as ``pub``."""
    with duckdb_settings.connect() as con:
        con.execute("attach ? as cand (read_only)", [str(candidate)])
        if data.published.is_file():
            con.execute("attach ? as pub (read_only)", [str(data.published)])
        yield con


def collect(con: duckdb.DuckDBPyConnection, candidate: Path, data: Paths, registry: Registry,
            suites_dir: Path) -> Scope:
    """What every suite in ``suites_dir`` validates (frames, or rows to read), and the parameters."""
    suite_names = sorted(p.stem for p in suites_dir.glob("*.json"))
    keys = suite_keys(suites_dir)
    columns = suite_columns(suites_dir, TRACE_COLUMNS)
    info = build_info(candidate) or {}
    published = data.published if data.published.is_file() else None
    present = tables(con, "cand")
    frames = {t: read_table(con, t) for t in DIMENSIONS if t in present}
    parameters = run_parameters(frames, registry)
    changed_only = published is not None and vouched(con, data, suites_digest(suites_dir)) and \
        _published_parameters(con, registry) == parameters
    scope = Scope(frames, parameters, mode="changed" if changed_only else "full")
    incremental = info.get("build_mode") == "incremental"
    rebuilt = set(info.get("rebuilt_models") or []) if incremental else present
    changed_sources = _changed_sources(con) if changed_only else set()
    if changed_only and incremental:
        changed_sources |= set(info.get("changed") or [])
    for name in suite_names:
        if name in DERIVED:
            inputs, build = DERIVED[name]
            try:
                if all(t in present for t in inputs):
                    frames[name] = build(con)
            except duckdb.Error:
                pass  # an input lacks a column: reported as missing, its own suite names the column
        elif name in present and name not in frames:
            if changed_only and name not in rebuilt:
                scope.skipped.append(name)
                continue
            in_pub = name in tables(con, "pub") if published is not None else False
            rows = table_rows(con, name, changed_only and in_pub, keys.get(name), columns.get(name))
            if changed_only:
                scope.changed_rows[name] = rows.count(con)
                if not scope.changed_rows[name]:
                    scope.skipped.append(name)
                    continue
            scope.rows[name] = rows
    raw = {n for n in suite_names if n.startswith(RAW)}
    if changed_only:
        scope.skipped += sorted(n for n in raw if n.removeprefix(RAW).split("__", 1)[0] not in changed_sources)
        raw -= set(scope.skipped)
    scope.rows |= raw_rows(con, data, raw)
    frames["source_freshness"] = source_freshness(data, registry)
    return scope


def _changed_sources(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Sources whose load in the candidate differs from the published snapshot's (``meta_loads``)."""
    if "meta_loads" not in tables(con, "cand") or "meta_loads" not in tables(con, "pub"):
        return set()
    return {r[0] for r in con.execute(
        "select source_id from (select source_id, load_id from cand.main.meta_loads "
        "except select source_id, load_id from pub.main.meta_loads)").fetchall()}


def _published_parameters(con: duckdb.DuckDBPyConnection, registry: Registry) -> dict[str, list[str] | int]:
    present = tables(con, "pub")
    frames = {t: con.execute(f"select * from pub.main.{quote(t)}").df() for t in DIMENSIONS if t in present}
    return run_parameters(frames, registry)
