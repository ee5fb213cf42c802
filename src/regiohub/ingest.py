"""Ingestion: fetch (or take an operator's file), keep the payload, parse, write raw Parquet with lineage.

Each source writes only below its own folders (``landing/<source>/`` and ``raw/<source>/``), one
Parquet file per load and entity, renamed into place when complete: ingestions of different
sources never share a file, let alone a DuckDB writer lock.

Every raw row carries its lineage: ``_source_id``, ``_load_id``, ``_fetched_at`` and the SHA-256 of
the payload file it came from (``_payload_sha256``).
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
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import requests

from regiohub import http, settings
from regiohub.connectors import connector_for
from regiohub.connectors.base import FetchContext
from regiohub.errors import SourceError
from regiohub.registry import Registry, Source, load_registry

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    source_id: str
    load_id: str
    status: str  # "loaded" | "unchanged" | "failed"
    rows: dict[str, int] = field(default_factory=dict)
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
) -> IngestResult:
    """Load one source; raise :class:`SourceError` (after recording it) if the payload is bad."""
    registry = registry or load_registry()
    source = registry.source(source_id)
    data = (data or settings.paths()).ensure()
    load_id = new_load_id()
    started = time.monotonic()
    result = IngestResult(source.id, load_id, "failed", started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    landing_dir = data.landing / source.id / load_id
    landing_dir.mkdir(parents=True)
    result.payload_dir = str(landing_dir)
    try:
        if from_path is not None:
            _copy_in(Path(from_path), landing_dir, source)
        else:
            _fetch(source, registry, landing_dir)
        hashes = _hash_files(landing_dir)
        result.payload_sha256 = _combined_hash(hashes, landing_dir)
        state = read_state(data, source.id)
        if state.get("payload_sha256") == result.payload_sha256 and _raw_exists(data, source.id, state):
            shutil.rmtree(landing_dir)
            result.status, result.payload_dir = "unchanged", None
        else:
            result.rows = _parse_and_write(source, landing_dir, hashes, load_id, data)
            result.status = "loaded"
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


def _fetch(source: Source, registry: Registry, landing_dir: Path) -> None:
    ctx = FetchContext(source=source, registry=registry, landing_dir=landing_dir, http=http.session())
    try:
        connector_for(source.connector).fetch(ctx)
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise SourceError(source.id, f"publisher answered HTTP {status} for {_safe_url(exc)}") from None
    except requests.RequestException as exc:
        raise SourceError(source.id, f"download failed: {type(exc).__name__}") from None


def _safe_url(exc: requests.HTTPError) -> str:
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


def _parse_and_write(
    source: Source, landing_dir: Path, hashes: dict[Path, str], load_id: str, data: settings.Paths
) -> dict[str, int]:
    fetched_at = datetime.now(UTC)
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix=f"regiohub-{source.id}-") as workdir, duckdb.connect() as con:
        relations = connector_for(source.connector).parse(con, landing_dir, source, Path(workdir))
        con.execute("create temp table _payloads (path varchar, sha256 varchar)").fetchall()
        con.executemany("insert into _payloads values (?, ?)", [[str(p), h] for p, h in hashes.items()])
        con.complete()
        staged: list[tuple[Path, Path]] = []
        for entity, rel in relations.items():
            target = data.raw / source.id / entity / f"{load_id}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".parquet.tmp")
            rel.create_view(f"_entity_{entity}", replace=True)
            con.execute(
                f"""
                copy (
                    select e.* exclude (_payload),
                        $source_id as _source_id,
                        $load_id as _load_id,
                        $fetched_at::timestamptz as _fetched_at,
                        p.sha256 as _payload_sha256
                    from "_entity_{entity}" e
                    left join _payloads p on p.path = e._payload
                ) to '{_sql_path(tmp)}' (format parquet, compression zstd)
                """,
                {"source_id": source.id, "load_id": load_id, "fetched_at": fetched_at},
            ).fetchall()
            rows[entity] = con.execute(f'select count(*) from "_entity_{entity}"').fetchall()[0][0]
            staged.append((tmp, target))
        for tmp, target in staged:  # all entities or none
            os.replace(tmp, target)
    write_state(
        data,
        source.id,
        {
            "last_load_id": load_id,
            "last_loaded_at": fetched_at.isoformat(timespec="seconds"),
            "payload_sha256": _combined_hash(hashes, landing_dir),
            "rows": rows,
        },
    )
    return rows


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
    elif result.status == "loaded":
        write_state(data, result.source_id, {"last_error": None})
    write_state(data, result.source_id, {"last_checked_at": result.started_at, "last_status": result.status})
    with open(data.runs / "ingest_log.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(result)) + "\n")
