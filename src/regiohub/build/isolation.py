"""Failure isolation: which source broke a build, described so that an operator can act on it.

A failed dbt node (a model that errored, a test that found rows) is traced through dbt's manifest to
the raw sources upstream of it; a failure of the gate (an expectation, a content check) to the sources
of its failing rows (:mod:`regiohub.audit.blame`). Of those, only sources with loads that are not yet
published can be to blame (the published snapshot was built from the older loads). Each such source is
pinned to its last published load for a rebuild, and reported in one line: the check by name, the model,
the source, a few failing rows with their keys, and the next step. Only a failure no such source explains
stops the publish. The gate's verdict on the final candidate is kept in the run report for the audit step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb

from regiohub.build.lineage import upstream_sources
from regiohub.build.transform import DBT_DATABASE, DbtBuildError, build_candidate
from regiohub.core import duckdb_settings
from regiohub.core.echo import cut
from regiohub.core.errors import PipelineError
from regiohub.core.settings import Paths
from regiohub.registry.model import Registry
from regiohub.store import layout
from regiohub.store.loads import published_loads, unpublished_loads
from regiohub.store.runs import RunReport

_ROWS_SHOWN = 3
MAX_BUILDS = 3  # a failing build pins the sources it blames; content checks can blame more after that
_KEYS_SHOWN = 4


class Verdict(Protocol):
    """What isolation reads of the gate's report: success, and each blocking failure with its sources."""

    success: bool
    traced: list[dict[str, Any]]


# (candidate, published mart or None) -> findings with check, indicator_id, detail, sources (audit.content.Finding)
ContentCheck = Callable[[Path, Path | None], list[Any]]


@dataclass
class SourceFailure:
    source_id: str
    check: str  # the dbt test or model, or the gate's content check
    model: str
    rows: str  # a few failing rows with their keys, or the error
    next_step: str

    @property
    def line(self) -> str:
        return f"{self.source_id}: {self.check} failed on {self.model} — {self.rows}. Next: {self.next_step}"

    def as_dict(self) -> dict[str, str]:
        return {**asdict(self), "line": self.line}


def next_step(source_id: str, pinned: bool) -> str:
    held = "its last published load stays in the mart" if pinned else "nothing of it is published yet"
    return (f"check the newest delivery of {source_id} (data/landing/{source_id}/), fix or re-fetch it, "
            f"then `regiohub run` ({held})")


def dbt_failures(
    failed: list[dict], manifest_path: Path, candidate: Path, registry: Registry, suspects: set[str]
) -> tuple[list[SourceFailure], list[str]]:
    """Failures per suspect source, and the failed nodes no suspect explains (those block the build)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    nodes = manifest.get("nodes", {})
    out: list[SourceFailure] = []
    unexplained: list[str] = []
    for result in failed:
        unique_id = result["unique_id"]
        node = nodes.get(unique_id, {})
        blamed = upstream_sources(manifest, unique_id, registry) & suspects
        model_id = node.get("attached_node") or unique_id
        model = nodes.get(model_id, {}).get("name", model_id.split(".")[-1])
        rows, row_sources = _failing_rows(node, nodes.get(model_id, {}), result, candidate)
        if row_sources & blamed:  # the failing rows name their source: blame only those
            blamed &= row_sources
        if not blamed:
            unexplained.append(f"{node.get('name', unique_id)}: {_one_line(result.get('message'))}")
            continue
        check = f"dbt test {node.get('name')}" if unique_id.startswith("test.") else f"dbt model {node.get('name')}"
        out += [SourceFailure(s, check, model, rows, "") for s in sorted(blamed)]
    return out, unexplained


def _failing_rows(test: dict, model: dict, result: dict, candidate: Path) -> tuple[str, set[str]]:
    """A few failing rows with their first columns as keys, and the source ids the failing rows name."""
    if result.get("status") == "error" or not test.get("resource_type") == "test":
        return _one_line(result.get("message")), set()
    meta = test.get("test_metadata") or {}
    column = (meta.get("kwargs") or {}).get("column_name")
    relation = model.get("relation_name")
    if meta.get("name") == "not_null" and column and relation:
        sql = f'select * from {relation} where "{column}" is null'  # names from our dbt manifest, not from data
        what = f"{column} is empty"
    elif test.get("compiled_code"):
        sql, what = f"select * from ({test['compiled_code']}) as failing", "the test fails"
    else:
        return _one_line(result.get("message")), set()
    try:
        with duckdb_settings.connect() as con:
            # dbt names relations in the database it attaches the candidate as (see dbt_project/profiles.yml)
            con.execute(f"attach ? as {DBT_DATABASE} (read_only)", [str(candidate)])
            cursor = con.execute(f"{sql} limit {_ROWS_SHOWN + 1}")
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            sources = set()
            if "source_id" in names:
                sources = {r[0] for r in con.execute(f"select distinct source_id from ({sql})").fetchall()}
    except (duckdb.Error, OSError) as exc:
        return f"{_one_line(result.get('message'))} (rows not readable: {_one_line(str(exc))})", set()
    total = result.get("failures")
    keys = [n for n in names if n != column][:_KEYS_SHOWN] or names[:_KEYS_SHOWN]
    keys += [n for n in ("value",) if n in names and n not in keys]  # the offending value itself
    shown = "; ".join(", ".join(f"{k}={cut(row[names.index(k)])}" for k in keys) for row in rows[:_ROWS_SHOWN])
    count = total if total is not None else f"{len(rows)}+"
    return f"{what} in {count} rows" + (f", e.g. {shown}" if shown else ""), sources


def _one_line(message: Any) -> str:
    return cut(message or "failed", 240)


def known_bad(last_run: dict | None) -> dict[str, dict]:
    """Failures of sources the previous run held back (``bad_load``: the newest load, which failed)."""
    return {f["source_id"]: f for f in (last_run or {}).get("source_failures", []) if f.get("bad_load")}


def build_isolated(
    data: Paths,
    registry: Registry,
    report: RunReport,
    progress: Callable[[str], None] | None = None,
    previous: dict[str, dict] | None = None,
    gate: Callable[[Path], Verdict] | None = None,
    content_check: ContentCheck | None = None,
) -> Path:
    """Build a candidate; a source whose new loads break dbt or the content checks is pinned, and built again.

    ``previous`` (from :func:`known_bad`) pins sources that failed before with the same newest load up
    front. ``gate`` (the audit gate, :func:`regiohub.audit.isolation_gate`) judges each candidate; without it
    only ``content_check`` (the gate's content checks, :func:`regiohub.audit.content.content_findings`) is run;
    it also blames sources when dbt fails. Raises :class:`DbtBuildError` / :class:`PipelineError` when a failure
    has no source to blame or a blamed source has no published load to fall back on.
    """
    published = published_loads(data)
    pending = unpublished_loads(data)
    suspects = set(pending)
    pins: dict[str, str | None] = {}
    failures: dict[str, SourceFailure] = {}
    for source_id, old in (previous or {}).items():
        if pending.get(source_id, [None])[-1] == old["bad_load"] and published.get(source_id):
            pins[source_id] = published[source_id]
            failures[source_id] = SourceFailure(source_id, old["check"], old["model"], old["rows"], "")
    for attempt in range(1, MAX_BUILDS + 1):
        last = attempt == MAX_BUILDS
        held = f" (without the new loads of {', '.join(sorted(pins))})" if pins else ""
        _say(progress, f"build: dbt build{held}")
        try:
            candidate = build_candidate(data, registry, pins, progress)
        except DbtBuildError as exc:
            found, unexplained = dbt_failures(
                exc.failed, layout.dbt_manifest(data), exc.candidate, registry, suspects - set(pins)
            )
            blamed = {f.source_id for f in found}
            content = _content(content_check, exc.candidate, data, suspects - set(pins))
            found += [f for f in content if f.source_id not in blamed]
            _remove_db(exc.candidate)
            _record(report, {**failures, **_first_per_source(found)}, pending)
            if unexplained or not found or last:
                raise
        else:
            if gate is None:  # the content checks only; the whole gate runs in the audit step
                found, unexplained, passed = _content(content_check, candidate, data, suspects - set(pins)), [], False
            else:
                validation = gate(candidate)
                found = blamed_by_gate(validation, suspects - set(pins))
                unexplained = [t for t in validation.traced if not set(t["sources"]) & (suspects - set(pins))]
                passed = validation.success
            if passed or not found or unexplained or last:
                # an unexplained failure blocks the publish whatever is held back: no rebuild for it
                _record(report, {**failures, **_first_per_source(found)}, pending)
                return candidate  # the audit step reports the gate's verdict
            _remove_db(candidate)
        unpinnable = sorted({f.source_id for f in found if not published.get(f.source_id)})
        failures |= _first_per_source(found)
        _record(report, failures, pending)
        if unpinnable:
            lines = "; ".join(failures[s].line for s in unpinnable)
            raise PipelineError(f"{lines} (no published load to fall back on)")
        pins |= {f.source_id: published[f.source_id] for f in found}
    raise AssertionError("unreachable")


def blamed_by_gate(validation: Verdict, suspects: set[str]) -> list[SourceFailure]:
    """The gate's blocking failures, one per suspect source behind its failing rows."""
    return [SourceFailure(s, t["check"], t["model"], t["rows"], "")
            for t in validation.traced for s in sorted(set(t["sources"]) & suspects)]


def _first_per_source(found: list[SourceFailure]) -> dict[str, SourceFailure]:
    """One failure per source: the first found (dbt's own finding, then the content checks in order)."""
    return {f.source_id: f for f in reversed(found)}


def _content(check: ContentCheck | None, candidate: Path, data: Paths, suspects: set[str]) -> list[SourceFailure]:
    """Content-check failures of ``candidate`` blamed on suspect sources (none if its marts are not all there)."""
    if check is None:
        return []
    try:
        findings = check(candidate, data.published if data.published.is_file() else None)
    except (duckdb.Error, OSError):
        return []  # a model failed: the marts the checks read are missing; dbt's failures say why
    return [SourceFailure(s, f"gate check {f.check}", f.indicator_id, f.detail, "")
            for f in findings for s in sorted(set(f.sources) & suspects)]


def _record(report: RunReport, failures: dict[str, SourceFailure], pending: dict[str, list[str]]) -> None:
    """Put the failures into the run report: one line per source, also in its ingest entry."""
    report.source_failures = []
    for source_id, failure in sorted(failures.items()):
        failure.next_step = next_step(source_id, pinned=True)
        report.source_failures.append({**failure.as_dict(), "bad_load": (pending.get(source_id) or [None])[-1]})
        entry = next((i for i in report.ingested if i["source_id"] == source_id), None)
        if entry is None:
            entry = {"source_id": source_id, "rows": {}}
            report.ingested.append(entry)
        entry.update(status="failed", error=failure.line)


def _remove_db(database: Path) -> None:
    for p in (database, Path(f"{database}.wal")):
        p.unlink(missing_ok=True)


def _say(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is not None:
        progress(message)


def carry_forward(report: RunReport, previous: dict[str, dict]) -> None:
    """An unchanged run still reports the sources held back by a known-bad load."""
    failures = {s: SourceFailure(s, f["check"], f["model"], f["rows"], "") for s, f in previous.items()}
    pending = {s: [f["bad_load"]] for s, f in previous.items()}
    _record(report, failures, pending)
