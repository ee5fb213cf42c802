"""Raw writer: parse a landing folder, quarantine failing rows, write raw Parquet with lineage.

Each source writes only below its own folders (``raw/<source>/``, ``quarantine/<source>/``), one
Parquet file per load and entity, renamed into place when every entity is complete. Every raw row
carries its lineage: ``_source_id``, ``_load_id``, ``_fetched_at`` and the SHA-256 of the payload
file it came from (``_payload_sha256``).

Write once: a parsed relation (typically lazy, straight over the payload) is read once and written to
Parquet once, with its lineage, next to its raw target; the checks and key tests then run in SQL over
that file. When every row is good and new, it is the raw file; otherwise the good rows and the
quarantined rows are written from it. Relations whose connector names row problems itself (a
``_problem`` column) take the same checks over the relation directly.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from regiohub.core import duckdb_settings, settings
from regiohub.core.errors import SourceError
from regiohub.ingest import quarantine
from regiohub.ingest.connectors.base import Connector
from regiohub.registry.model import Source
from regiohub.store import layout

LINEAGE = ("_source_id", "_load_id", "_fetched_at", "_payload_sha256")


@dataclass
class Written:
    """What one load wrote: new rows per entity, quarantined rows per entity and reason."""

    rows: dict[str, int]
    quarantined: dict[str, dict[str, int]]
    high_water_marks: dict | None = None


def parse_and_write(
    connector: Connector,
    source: Source,
    landing_dir: Path,
    hashes: dict[Path, str],
    load_id: str,
    fetched_at: datetime,
    data: settings.Paths,
) -> Written:
    """Parse ``landing_dir`` and write raw (and quarantine) Parquet for every entity, or nothing."""
    out = Written({}, {})
    lineage = {"source_id": source.id, "load_id": load_id, "fetched_at": fetched_at}
    if len(hashes) == 1:  # the usual single file: a comparison per row instead of a join
        (path, sha256), = hashes.items()
        lineage.update(payload_path=str(path), payload_sha256=sha256)
    with (
        tempfile.TemporaryDirectory(prefix=f"regiohub-{source.id}-") as workdir,
        duckdb_settings.connect(ordered=False) as con,  # raw row order carries no meaning
    ):
        relations = connector.parse(con, landing_dir, source, Path(workdir))
        con.execute("create temp table _payloads (path varchar, sha256 varchar)").fetchall()
        con.executemany("insert into _payloads values (?, ?)", [[str(p), h] for p, h in hashes.items()])
        staged: list[tuple[Path, Path]] = []  # (written, its place): renamed into place at the end
        scratch: list[Path] = []  # written once and read from: removed at the end
        try:
            out.high_water_marks = _write(connector, con, source, relations, data, load_id, lineage, staged, scratch,
                                          out)
        except BaseException:
            _discard([tmp for tmp, _ in staged] + scratch)
            raise
        for tmp, target in staged:  # all entities or none
            os.replace(tmp, target)
        _discard(scratch)
    return out


def _write(
    connector: Connector,
    con: duckdb.DuckDBPyConnection,
    source: Source,
    relations: dict[str, duckdb.DuckDBPyRelation],
    data: settings.Paths,
    load_id: str,
    lineage: dict,
    staged: list[tuple[Path, Path]],
    scratch: list[Path],
    out: Written,
) -> dict | None:
    """Check and write every entity (into ``staged``); return the connector's high-water marks."""
    valid_tables: dict[str, str] = {}
    for entity, rel in relations.items():
        rel.create_view(f"_entity_{entity}", replace=True)
        target = layout.raw_file(data, source.id, entity, load_id)
        rows = _stage(connector, con, source, entity, target, lineage, scratch)
        once = rows != f"_entity_{entity}"  # read back from the staged file: _payload holds the payload's hash
        total, reasons = quarantine.classify(
            con, rows, f"_checked_{entity}", connector.checks.get(entity, ()), connector.keys.get(entity),
        )
        connector.vet(con, source, entity, reasons)
        bad = sum(reasons.values())
        if total and bad / total > connector.max_quarantine_share:
            top = next(iter(reasons))
            raise SourceError(
                source.id, f"{entity}: {bad} of {total} rows fail the checks (mostly: {top}); payload rejected"
            )
        good = f'select * from "{rows}"' if once and not bad else (  # nothing to filter: no check evaluated again
            f'select * exclude (_reason) from "_checked_{entity}" where _reason is null')
        con.execute(f'create temp view "_valid_{entity}" as {good}').fetchall()
        valid_tables[entity] = f"_valid_{entity}"
        new_rows, n_new = f"_valid_{entity}", total - bad
        if entity in connector.accumulate:
            new_rows = _only_new_rows(con, entity, layout.raw_entity_dir(data, source.id, entity))
            n_new = con.execute(f'select count(*) from "{new_rows}"').fetchall()[0][0]
        out.rows[entity] = n_new
        if once and n_new and n_new == total:  # every row good and new: the staged file is the raw file
            staged.append((scratch[-1], target))
        elif n_new:
            staged.append(_copy_with_lineage(con, f'select * from "{new_rows}"', target, lineage, sha=once))
        if bad:
            out.quarantined[entity] = reasons
            target = layout.quarantine_file(data, source.id, entity, load_id)
            query = f'select * from "_checked_{entity}" where _reason is not null'
            staged.append(_copy_with_lineage(con, query, target, lineage, sha=once))
    return connector.high_water_marks(con, valid_tables)


def _stage(
    connector: Connector, con: duckdb.DuckDBPyConnection, source: Source, entity: str, target: Path,
    lineage: dict, scratch: list[Path],
) -> str:
    """Write the entity's rows once, with lineage, beside ``target``; return a view over them (or the entity's
    own view when its connector names row problems itself)."""
    view = f"_entity_{entity}"
    if "_problem" in con.table(view).columns:
        return view
    try:
        tmp, _ = _copy_with_lineage(con, f'select * from "{view}"', target, lineage, staged=True)
    except duckdb.Error as exc:  # a lazy relation meets its payload here
        _discard([_staged_file(target)])
        raise connector.reader_error(source, exc) from None
    scratch.append(tmp)
    con.execute(
        f'create temp view "_staged_{entity}" as select * exclude ({", ".join(LINEAGE)}), '
        f"_payload_sha256 as _payload from read_parquet('{_sql_path(tmp)}')"
    ).fetchall()
    return f"_staged_{entity}"


def _staged_file(target: Path) -> Path:
    return target.with_name(f"{target.stem}.staged.parquet.tmp")


def _discard(files: list[Path]) -> None:
    """Remove files written for a load, and the folders that this left empty (never ``raw`` itself)."""
    for f in files:
        f.unlink(missing_ok=True)
        for folder in (f.parent, f.parent.parent):
            try:
                folder.rmdir()
            except OSError:
                break


def _only_new_rows(con: duckdb.DuckDBPyConnection, entity: str, raw_dir: Path) -> str:
    """Temp table of the valid rows not already in raw (compared on every data column)."""
    name = f"_new_{entity}"
    existing = sorted(str(p) for p in raw_dir.glob("*.parquet"))
    cols = [c for c in con.table(f"_valid_{entity}").columns if c != "_payload"]
    if existing:
        old_cols = {r[0] for r in con.execute(
            "describe select * from read_parquet(?, union_by_name = true)", [existing]
        ).fetchall()}
    if not existing or not set(cols) <= old_cols:
        return f"_valid_{entity}"
    # Column names come from the connector's own relation (its fixed output layout), never from a payload.
    on = " and ".join(f'e."{c}" is not distinct from r."{c}"' for c in cols)
    col_list = ", ".join(f'"{c}"' for c in cols)
    con.execute(
        f'create temp table "{name}" as select e.* from "_valid_{entity}" e anti join '  # no distinct: an anti join
        f"(select {col_list} from read_parquet($files, union_by_name = true)) r on {on}",  # needs none (10x faster)
        {"files": existing},
    ).fetchall()
    return name


def _copy_with_lineage(
    con: duckdb.DuckDBPyConnection, query: str, target: Path, lineage: dict, *, sha: bool = False,
    staged: bool = False,
) -> tuple[Path, Path]:
    """Write ``query``'s rows with the lineage columns to ``target``.tmp; return (tmp, target).

    ``sha``: the rows' ``_payload`` holds the payload file's SHA-256 already (rows read back from a staged file).
    ``staged``: the entity's rows written once, to be read from (``<load>.staged.parquet.tmp``; like every
    ``*.parquet.tmp``, removed by the pipeline's recovery if a crash leaves it).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _staged_file(target) if staged else target.with_suffix(".parquet.tmp")
    if sha:
        sha_expr, join = "e._payload", ""
        lineage = {k: v for k, v in lineage.items() if k not in ("payload_path", "payload_sha256")}
    elif "payload_sha256" in lineage:
        sha_expr, join = "case when e._payload = $payload_path then $payload_sha256 end", ""
    else:
        sha_expr, join = "p.sha256", "left join _payloads p on p.path = e._payload"
    con.execute(
        f"""
        copy (
            select e.* exclude (_payload),
                $source_id as _source_id,
                $load_id as _load_id,
                $fetched_at::timestamptz as _fetched_at,
                {sha_expr} as _payload_sha256
            from ({query}) e
            {join}
        ) to '{_sql_path(tmp)}' (format parquet, compression zstd, compression_level 1)
        """,
        lineage,
    ).fetchall()
    return tmp, target


def _sql_path(path: Path) -> str:
    """A file path for a COPY target (COPY takes no parameters); our own paths only."""
    return str(path).replace("'", "''")


def max_merge(old: dict, new: dict) -> dict:
    """High-water marks: per key the later value (ISO-8601 UTC strings compare in time order)."""
    merged = dict(old)
    for k, v in new.items():
        if isinstance(v, dict):
            merged[k] = max_merge(old.get(k, {}) if isinstance(old.get(k), dict) else {}, v)
        elif v is not None and (merged.get(k) is None or str(v) > str(merged[k])):
            merged[k] = v
    return merged
