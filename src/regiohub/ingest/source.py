"""Ingestion of one source: fetch (or take an operator's file), keep the payload, write raw with lineage.

The steps live in their own modules: :mod:`regiohub.ingest.intake` (an operator's files into landing),
the connectors (fetch and parse), :mod:`regiohub.ingest.raw_writer` (quarantine and raw Parquet) and
:mod:`regiohub.store.state` (per-source state and the provenance of each load). This module runs them
in order for one load and records the outcome.

Loads are incremental and idempotent. A load is "unchanged" and writes nothing when the publisher
answers 304, when the payload equals the last one, or when an accumulating entity
(``Connector.accumulate``) brings no row that raw does not already hold. A payload that an earlier
load already holds is a no-op that names that load (``holds_load``). The payload is kept in every
case where something was written or went wrong; an empty landing folder is never left.

Every load records its payload's version (:mod:`regiohub.store.versions`). A full-snapshot payload older
than one already loaded is kept (raw and ledger) and reported (``superseded_by``), but it is not
the source's current load: the mart keeps the newer data.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from regiohub.core import duckdb_settings, settings
from regiohub.core.echo import cut
from regiohub.core.errors import SourceError
from regiohub.core.ids import new_load_id
from regiohub.ingest import intake
from regiohub.ingest.connectors import connector_for
from regiohub.ingest.connectors.base import Connector, FetchContext
from regiohub.ingest.raw_writer import max_merge, parse_and_write
from regiohub.registry.model import Registry, Source, load_registry
from regiohub.store import layout
from regiohub.store.loads import has_raw_load
from regiohub.store.records import append_ingest_log
from regiohub.store.state import (
    CorruptStateError,
    Origin,
    all_loads,
    read_state,
    read_state_or_empty,
    record_load,
    resync_from_raw,
    write_state,
)
from regiohub.store.versions import payload_version, superseded_note

__all__ = ["IngestResult", "ingest_source", "read_state", "write_state"]

log = logging.getLogger(__name__)
ERROR_LIMIT = 1000  # characters of one error line (the values quoted in it are cut at 120 already)


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
    origin: str | None = None  # "recording" | "publisher" | "operator"
    error: str | None = None
    started_at: str = ""
    duration_s: float = 0.0
    version: dict[str, str] | None = None  # the payload's version and its basis
    superseded_by: str | None = None  # an earlier load of a newer version: this one is kept, not published
    holds_load: str | None = None  # "unchanged": the earlier load that already holds this payload

    @property
    def changed(self) -> bool:
        return self.status == "loaded" and self.superseded_by is None


def origin_of_fetch() -> Origin:
    """A fetch against the replay server loads the shipped recordings (sample data)."""
    from regiohub.core import http  # not for an operator's file: its start-up skips the HTTP stack

    return "recording" if http.is_offline() else "publisher"


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
    result.origin = "operator" if from_path is not None else origin_of_fetch()
    landing_dir = layout.landing_dir(data, source.id, load_id)
    landing_dir.mkdir(parents=True)
    result.payload_dir = str(landing_dir)
    try:
        connector = connector_for(source.connector)
        state = _state_for_load(data, source.id, result)
        _load(connector, source, registry, data, landing_dir, state, result, from_path, backfill)
    except SourceError as exc:  # bounded: a hostile value quoted in it must not fill state, logs and status
        result.error = cut(_operator_words(str(exc), landing_dir, from_path), ERROR_LIMIT)
        raise SourceError(source.id, result.error.split(": ", 1)[1]) from None
    except Exception as exc:  # record anything unexpected with the source named, then re-raise
        result.error = f"{source.id}: {type(exc).__name__}: {' '.join(str(exc).split())}"
        result.error = cut(_operator_words(result.error, landing_dir, from_path), ERROR_LIMIT)
        raise
    finally:
        if landing_dir.exists() and not any(landing_dir.iterdir()):
            landing_dir.rmdir()
            result.payload_dir = None
        result.duration_s = round(time.monotonic() - started, 3)
        _record(data, result)
    return result


def _load(
    connector: Connector,
    source: Source,
    registry: Registry,
    data: settings.Paths,
    landing_dir: Path,
    state: dict,
    result: IngestResult,
    from_path: Path | None,
    backfill: tuple[date, date] | None,
) -> None:
    ctx = None
    if from_path is not None:
        intake.copy_in(Path(from_path), landing_dir, source.id)
    else:
        ctx = _fetch(connector, source, registry, landing_dir, state, backfill)
    hashes = intake.hash_files(landing_dir)
    if ctx is not None and ctx.not_modified and not hashes:
        _unchanged(result, landing_dir, f"not modified (HTTP 304 for {len(ctx.not_modified)} request(s))")
        return
    result.payload_sha256 = intake.combined_hash(hashes, landing_dir)
    validators = {**state.get("validators", {}), **ctx.validators} if ctx is not None and ctx.validators else None
    again = _keys_now_known(data, source.id, state.get("last_load_id") if state.get("payload_sha256") ==
                            result.payload_sha256 else (_earlier_load_with(data, source.id, result.payload_sha256)
                                                        or {}).get("load_id"))
    if again:
        result.notes.append(again)
    elif state.get("payload_sha256") == result.payload_sha256 and _raw_exists(data, source.id, state):
        _unchanged(result, landing_dir, "payload identical to the last load")
        result.holds_load = state["last_load_id"]
        if validators:
            write_state(data, source.id, {"validators": validators})
        return
    earlier = None if again else _earlier_load_with(data, source.id, result.payload_sha256)
    if earlier:
        _unchanged(result, landing_dir, (
            f"payload already loaded on {earlier['fetched_at']} (load {earlier['load_id']}); "
            "nothing written, so an older file never replaces newer data"))
        result.holds_load = earlier["load_id"]
        return
    fetched_at = datetime.now(UTC)
    written = parse_and_write(connector, source, landing_dir, hashes, result.load_id, fetched_at, data)
    result.rows, result.quarantined = written.rows, written.quarantined
    result.notes += connector.notes
    update: dict = {"payload_sha256": result.payload_sha256, "quarantined": written.quarantined}
    if any(written.rows.values()):
        result.status = "loaded"
        result.version = payload_version(data, source, result.load_id, ctx.validators if ctx is not None else None)
        record_load(data, source.id, result.load_id, _provenance(source, result, landing_dir, hashes,
                                                                 fetched_at, from_path, ctx))
        older = superseded_note(data, source, result.load_id, result.version) or connector.older_release(
            data, source, result.load_id)
        if older:
            result.superseded_by, note = older
            result.notes.append(note)
            log.warning("%s: load %s %s", source.id, result.load_id, note)
            update = {"quarantined": written.quarantined}
        else:
            update.update(last_load_id=result.load_id, last_loaded_at=fetched_at.isoformat(timespec="seconds"),
                          rows=written.rows)
    elif written.quarantined:
        result.status = "unchanged"
        result.notes.append("no new rows; the quarantined rows and their payload are kept")
    else:
        _unchanged(result, landing_dir, "no rows that are not already loaded")
    if validators:
        update["validators"] = validators
    if written.high_water_marks:
        update["hwm"] = max_merge(state.get("hwm", {}), written.high_water_marks)
    write_state(data, source.id, update)


def _provenance(
    source: Source, result: IngestResult, landing_dir: Path, hashes: dict[Path, str],
    fetched_at: datetime, from_path: Path | None, ctx: FetchContext | None,
) -> dict:
    """Where a load came from, kept beside its raw rows (see :mod:`regiohub.store.state`)."""
    return {
        "origin": result.origin,
        "payload_sha256": result.payload_sha256,
        "fetched_at": fetched_at.isoformat(timespec="seconds"),
        "files": {str(p.relative_to(landing_dir)): h for p, h in sorted(hashes.items())},
        "operator_file": Path(from_path).name if from_path is not None else None,
        "urls": sorted(u.split("?", 1)[0] for u in ctx.validators) if ctx is not None else [],
        "publisher": source.publisher,
        "licence": source.licence,
        "licence_url": source.licence_url,
        "version": result.version,
    }



def _state_for_load(data: settings.Paths, source_id: str, result: IngestResult) -> dict:
    """The source's state; a corrupt state file is kept aside and rebuilt from raw (with a note)."""
    try:
        return read_state(data, source_id)
    except CorruptStateError:
        state, note = resync_from_raw(data, source_id)
        result.notes.append(note)
        return state


def _operator_words(message: str, landing_dir: Path, from_path: Path | None) -> str:
    """Name the operator's file, not the internal load folder."""
    if from_path is None:
        return message.replace(str(landing_dir) + "/", "")
    shown = str(from_path)
    return message.replace(str(landing_dir), shown).replace(f"in {landing_dir.name}", f"in {shown}")


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
    import requests

    from regiohub.core import http

    if backfill and not connector.supports_backfill:
        raise SourceError(source.id, f"connector {source.connector} cannot fetch a date range (no backfill)")
    ctx = FetchContext(
        source=source, registry=registry, landing_dir=landing_dir,
        http=http.session(allow_hosts=tuple(registry.internal_hosts)), state=state,
        backfill=backfill,
    )
    try:
        connector.fetch(ctx)
    except requests.RequestException as exc:  # one line, no query string, no credentials
        raise SourceError(source.id, http.describe_error(exc)) from None
    return ctx


def _earlier_load_with(data: settings.Paths, source_id: str, payload_sha256: str) -> dict | None:
    """The earlier load of exactly this payload whose raw rows still exist, if any."""
    for load_id, entry in all_loads(data, source_id).items():
        if entry.get("payload_sha256") == payload_sha256 and has_raw_load(data, source_id, load_id):
            return entry
    return None


def _keys_now_known(data: settings.Paths, source_id: str, load_id: str | None) -> str | None:
    """A note if ``load_id`` (an earlier load of the same payload) quarantined region keys that the region
    reference knows now (after ``regiohub regions refresh``): then the payload is loaded again, not skipped."""
    from regiohub.ingest.connectors.region import UNKNOWN_KEY
    from regiohub.registry.regions import known_keys

    files = sorted(layout.quarantine_root(data).glob(f"{source_id}/*/{load_id}.parquet")) if load_id else []
    if not files:
        return None
    with duckdb_settings.connect() as con:
        names = {r[0] for r in con.execute("describe select * from read_parquet($f, union_by_name = true)",
                                           {"f": [str(f) for f in files]}).fetchall()}
        if "region_code" not in names:
            return None
        keys = [r[0] for r in con.execute(
            "select distinct region_code from read_parquet($f, union_by_name = true) where _reason = $reason",
            {"f": [str(f) for f in files], "reason": UNKNOWN_KEY}).fetchall()]
    known = [k for k in keys if k in known_keys(data).keys]
    if not known:
        return None
    return (f"load {load_id} of this payload quarantined {len(known)} region key(s) the region reference knows now "
            f"({', '.join(known[:3])}{' …' if len(known) > 3 else ''}): loaded again")


def _raw_exists(data: settings.Paths, source_id: str, state: dict) -> bool:
    load_id = state.get("last_load_id")
    return bool(load_id) and has_raw_load(data, source_id, load_id)


def _record(data: settings.Paths, result: IngestResult) -> None:
    """The outcome into the source's state and the ingest log.

    A refused operator file stays the source's ``last_error`` (shown by ``status`` and on Datenqualität)
    until a newer good load of that source: a later "unchanged" poll or an older release does not hide it.
    """
    update: dict = {"last_checked_at": result.started_at, "last_status": result.status}
    if result.status == "failed":
        update.update(last_error=result.error, last_failed_at=result.started_at, last_error_origin=result.origin)
    elif result.changed or read_state_or_empty(data, result.source_id).get("last_error_origin") != "operator":
        update.update(last_error=None, last_error_origin=None)
    if result.superseded_by and result.status == "loaded":
        older = read_state_or_empty(data, result.source_id).get("older_releases") or {}
        update["older_releases"] = {**older, result.load_id: result.superseded_by}
    write_state(data, result.source_id, update)
    append_ingest_log(data, asdict(result))
