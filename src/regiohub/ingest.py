"""Ingestion: fetch (or take an operator's file), keep the payload, parse, check, write raw Parquet with lineage.

Each source writes only below its own folders (``landing/<source>/``, ``raw/<source>/``,
``quarantine/<source>/``), one Parquet file per load and entity, renamed into place when complete:
ingestions of different sources never share a file, let alone a DuckDB writer lock.

Every raw row carries its lineage: ``_source_id``, ``_load_id``, ``_fetched_at`` and the SHA-256 of
the payload file it came from (``_payload_sha256``).

Loads are incremental and idempotent. ``state/<source>.json`` keeps the payload hash, the
validators (ETag / Last-Modified) per URL and the connector's high-water marks. A load is
"unchanged" and writes nothing when the publisher answers 304, when the payload equals the last
one, or when an accumulating entity (``Connector.accumulate``) brings no row that raw does not
already hold. Rows failing the connector's checks go to quarantine with a reason
(:mod:`regiohub.quarantine`); too many of them reject the payload. The payload is kept in every case
where something was written or went wrong.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import requests

from regiohub import http, quarantine, settings
from regiohub.connectors import connector_for
from regiohub.connectors.base import Connector, FetchContext
from regiohub.errors import SourceError
from regiohub.registry import Registry, Source, load_registry

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    source_id: str
    load_id: str
    status: str  # "loaded" | "unchanged" | "failed"
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, dict[str, int]] = field(default_factory=dict)  # entity -> reason -> rows
    notes: list[str] = field(default_factory=list)
    payload_dir: str | None = None
    payload_sha256: str | None = None
    error: str | None = None
    started_at: str = ""
    duration_s: float = 0.0

    @property
    def changed(self) -> bool:
        return self.status == "loaded"


def new_load_id() -> str:
    """Sortable, unique: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]


def ingest_source(
    source_id: str,
    *,
    from_path: Path | None = None,
    data: settings.Paths | None = None,
    registry: Registry | None = None,
    backfill: tuple[date, date] | None = None,
) -> IngestResult:
    """Load one source; raise :class:`SourceError` (after recording it) if the payload is bad.

    "unchanged" (nothing written, landing folder removed) when the publisher answers 304, when the
    payload is byte-identical to the last good load, or when an accumulating source brings no new row.
    """
    registry = registry or load_registry()
    source = registry.source(source_id)
    data = (data or settings.paths()).ensure()
    load_id = new_load_id()
    started = time.monotonic()
    result = IngestResult(source.id, load_id, "failed", started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    landing_dir = data.landing / source.id / load_id
    landing_dir.mkdir(parents=True)
    result.payload_dir = str(landing_dir)
    connector = connector_for(source.connector)
    state = read_state(data, source.id)
    try:
        ctx = None
        if from_path is not None:
            _copy_in(Path(from_path), landing_dir, source)
        else:
            ctx = _fetch(connector, source, registry, landing_dir, state, backfill)
        hashes = _hash_files(landing_dir)
        if ctx is not None and ctx.not_modified and not hashes:
            _unchanged(result, landing_dir, f"not modified (HTTP 304 for {len(ctx.not_modified)} request(s))")
            return result
        result.payload_sha256 = _combined_hash(hashes, landing_dir)
        if state.get("payload_sha256") == result.payload_sha256 and _raw_exists(data, source.id, state):
            _unchanged(result, landing_dir, "payload identical to the last load")
            if ctx is not None and ctx.validators:
                write_state(data, source.id, {"validators": {**state.get("validators", {}), **ctx.validators}})
        else:
            written = _parse_and_write(connector, source, landing_dir, hashes, load_id, data, state, ctx)
            result.rows, result.quarantined = written.rows, written.quarantined
            result.notes += connector.notes
            if any(written.rows.values()):
                result.status = "loaded"
            elif written.quarantined:
                result.status = "unchanged"
                result.notes.append("no new rows; the quarantined rows and their payload are kept")
            else:
                _unchanged(result, landing_dir, "no rows that are not already loaded")
    except SourceError as exc:
        result.error = str(exc)
        raise
    except Exception as exc:  # record anything unexpected with the source named, then re-raise
        result.error = f"{source.id}: {type(exc).__name__}: {' '.join(str(exc).split())}"
        raise
    finally:
        result.duration_s = round(time.monotonic() - started, 3)
        _record(data, result)
    return result


def _unchanged(result: IngestResult, landing_dir: Path, why: str) -> None:
    shutil.rmtree(landing_dir, ignore_errors=True)
    result.status, result.payload_dir, result.rows = "unchanged", None, {}
    result.notes.append(why)


def _fetch(
    connector: Connector,
    source: Source,
    registry: Registry,
    landing_dir: Path,
    state: dict,
    backfill: tuple[date, date] | None,
) -> FetchContext:
    if backfill and not connector.supports_backfill:
        raise SourceError(source.id, f"connector {source.connector} cannot fetch a date range (no backfill)")
    ctx = FetchContext(
        source=source, registry=registry, landing_dir=landing_dir, http=http.session(), state=state,
        backfill=backfill,
    )
    try:
        connector.fetch(ctx)
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise SourceError(source.id, f"publisher answered HTTP {status} for {_safe_url(exc)}") from None
    except http.IncompleteDownload as exc:
        raise SourceError(source.id, f"download of {_safe_url(exc)} incomplete: {exc} (payload kept)") from None
    except requests.Timeout:
        raise SourceError(source.id, f"download timed out (read timeout {http.timeout()[1]:g} s)") from None
    except requests.RequestException as exc:
        raise SourceError(source.id, f"download failed: {_describe_request_error(exc)}") from None
    return ctx


def _describe_request_error(exc: requests.RequestException) -> str:
    """The error class and its innermost reason, without URLs' query strings or headers."""
    reason = exc.args[0] if exc.args else None
    inner = getattr(reason, "reason", None)
    if inner is not None:
        if "timed out" in str(inner).lower() or "timeout" in type(inner).__name__.lower():
            return f"{type(exc).__name__}: timed out after retries (read timeout {http.timeout()[1]:g} s)"
        return f"{type(exc).__name__}: {type(inner).__name__}"
    return type(exc).__name__


def _safe_url(exc: requests.RequestException) -> str:
    """The URL without query string (which could carry tokens)."""
    url = exc.response.url if exc.response is not None else ""
    return url.split("?", 1)[0]


def _copy_in(path: Path, landing_dir: Path, source: Source) -> None:
    if path.is_dir():
        shutil.copytree(path, landing_dir, dirs_exist_ok=True)
    elif path.is_file():
        shutil.copy2(path, landing_dir / path.name)
    else:
        raise SourceError(source.id, f"--from {path}: no such file or folder")


def _hash_files(landing_dir: Path) -> dict[Path, str]:
    hashes = {}
    for p in sorted(landing_dir.rglob("*")):
        if p.is_file():
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
            hashes[p] = h.hexdigest()
    return hashes


def _combined_hash(hashes: dict[Path, str], base: Path) -> str:
    h = hashlib.sha256()
    for p, digest in sorted(hashes.items()):
        h.update(f"{p.relative_to(base)}\0{digest}\n".encode())
    return h.hexdigest()


@dataclass
class _Written:
    rows: dict[str, int]
    quarantined: dict[str, dict[str, int]]


def _parse_and_write(
    connector: Connector,
    source: Source,
    landing_dir: Path,
    hashes: dict[Path, str],
    load_id: str,
    data: settings.Paths,
    state: dict,
    ctx: FetchContext | None,
) -> _Written:
    fetched_at = datetime.now(UTC)
    out = _Written({}, {})
    lineage = {"source_id": source.id, "load_id": load_id, "fetched_at": fetched_at}
    with tempfile.TemporaryDirectory(prefix=f"regiohub-{source.id}-") as workdir, duckdb.connect() as con:
        relations = connector.parse(con, landing_dir, source, Path(workdir))
        con.execute("create temp table _payloads (path varchar, sha256 varchar)").fetchall()
        con.executemany("insert into _payloads values (?, ?)", [[str(p), h] for p, h in hashes.items()])
        con.complete()
        staged: list[tuple[Path, Path]] = []
        valid_tables: dict[str, str] = {}
        for entity, rel in relations.items():
            rel.create_view(f"_entity_{entity}", replace=True)
            total, reasons = quarantine.classify(
                con, f"_entity_{entity}", f"_checked_{entity}", connector.checks.get(entity, ()),
                connector.keys.get(entity),
            )
            bad = sum(reasons.values())
            if total and bad / total > connector.max_quarantine_share:
                top = next(iter(reasons))
                raise SourceError(
                    source.id, f"{entity}: {bad} of {total} rows fail the checks (mostly: {top}); payload rejected"
                )
            con.execute(
                f'create temp view "_valid_{entity}" as select * exclude (_reason) '
                f'from "_checked_{entity}" where _reason is null'
            ).fetchall()
            valid_tables[entity] = f"_valid_{entity}"
            new_rows, n_new = f"_valid_{entity}", total - bad
            if entity in connector.accumulate:
                new_rows = _only_new_rows(con, entity, data.raw / source.id / entity)
                n_new = con.execute(f'select count(*) from "{new_rows}"').fetchall()[0][0]
            out.rows[entity] = n_new
            if n_new:
                target = data.raw / source.id / entity / f"{load_id}.parquet"
                staged.append(_copy_with_lineage(con, f'select * from "{new_rows}"', target, lineage))
            if bad:
                out.quarantined[entity] = reasons
                target = quarantine.quarantine_dir(data) / source.id / entity / f"{load_id}.parquet"
                query = f'select * from "_checked_{entity}" where _reason is not null'
                staged.append(_copy_with_lineage(con, query, target, lineage))
        for tmp, target in staged:  # all entities or none
            os.replace(tmp, target)
        update: dict = {
            "payload_sha256": _combined_hash(hashes, landing_dir),
            "quarantined": out.quarantined,
        }
        if any(out.rows.values()):
            update.update(
                last_load_id=load_id, last_loaded_at=fetched_at.isoformat(timespec="seconds"), rows=out.rows
            )
        if ctx is not None and ctx.validators:
            update["validators"] = {**state.get("validators", {}), **ctx.validators}
        marks = connector.high_water_marks(con, valid_tables)
        if marks:
            update["hwm"] = _max_merge(state.get("hwm", {}), marks)
    write_state(data, source.id, update)
    return out


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
    on = " and ".join(f'e."{c}" is not distinct from r."{c}"' for c in cols)
    col_list = ", ".join(f'"{c}"' for c in cols)
    con.execute(
        f'create temp table "{name}" as select e.* from "_valid_{entity}" e anti join '
        f"(select distinct {col_list} from read_parquet($files, union_by_name = true)) r on {on}",
        {"files": existing},
    ).fetchall()
    return name


def _copy_with_lineage(
    con: duckdb.DuckDBPyConnection, query: str, target: Path, lineage: dict
) -> tuple[Path, Path]:
    """Write ``query``'s rows with the lineage columns to ``target``.tmp; return (tmp, target)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".parquet.tmp")
    con.execute(
        f"""
        copy (
            select e.* exclude (_payload),
                $source_id as _source_id,
                $load_id as _load_id,
                $fetched_at::timestamptz as _fetched_at,
                p.sha256 as _payload_sha256
            from ({query}) e
            left join _payloads p on p.path = e._payload
        ) to '{_sql_path(tmp)}' (format parquet, compression zstd, compression_level 1)
        """,
        lineage,
    ).fetchall()
    return tmp, target


def _max_merge(old: dict, new: dict) -> dict:
    """High-water marks: per key the later value (ISO-8601 UTC strings compare in time order)."""
    merged = dict(old)
    for k, v in new.items():
        if isinstance(v, dict):
            merged[k] = _max_merge(old.get(k, {}) if isinstance(old.get(k), dict) else {}, v)
        elif v is not None and (merged.get(k) is None or str(v) > str(merged[k])):
            merged[k] = v
    return merged


def _sql_path(path: Path) -> str:
    """A file path for a COPY target (COPY takes no parameters); our own paths only."""
    return str(path).replace("'", "''")


def _raw_exists(data: settings.Paths, source_id: str, state: dict) -> bool:
    load_id = state.get("last_load_id")
    return bool(load_id) and any((data.raw / source_id).glob(f"*/{load_id}.parquet"))


# --- per-source state and the ingest log -------------------------------------------------------


def read_state(data: settings.Paths, source_id: str) -> dict:
    path = data.state / f"{source_id}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def write_state(data: settings.Paths, source_id: str, update: dict) -> None:
    state = {**read_state(data, source_id), **update}
    path = data.state / f"{source_id}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
    os.replace(tmp, path)


def _record(data: settings.Paths, result: IngestResult) -> None:
    if result.status == "failed":
        write_state(data, result.source_id, {"last_error": result.error, "last_failed_at": result.started_at})
    else:
        write_state(data, result.source_id, {"last_error": None})
    write_state(data, result.source_id, {"last_checked_at": result.started_at, "last_status": result.status})
    with open(data.runs / "ingest_log.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(result)) + "\n")
