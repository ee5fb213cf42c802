"""Per-source state: the one home of ``state/<source>.json`` and of the per-load provenance ledger.

``state/<source>.json`` keeps what the next poll needs: the payload hash and validators (ETag /
Last-Modified) of the last good answer, high-water marks, the last load id and the last error.

Every load that wrote raw rows also leaves ``raw/<source>/_loads/<load_id>.json``: where the
payload came from (``origin``: ``recording`` = the shipped sample recordings, ``publisher`` = a
live fetch, ``operator`` = a file handed in with ``--from``), its hash, its files and when it was
fetched. It lives beside the raw rows it describes, so raw and its provenance are never apart.

A state file that cannot be read (a crash of another tool, a disk error, a hand edit), or that is JSON
of the wrong shape (:class:`SourceState`, e.g. ``{"validators": "notadict"}``), does not stop the
platform: it is kept aside as ``<source>.json.corrupt-<time>`` and the state is rebuilt from raw
(:func:`resync_from_raw`); the next poll then fetches in full, which loads are idempotent for.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from regiohub.core import settings
from regiohub.store import layout

log = logging.getLogger(__name__)

Origin = Literal["recording", "publisher", "operator"]
LOADS_DIR = layout.LEDGER


class CorruptStateError(Exception):
    """A state file exists but is not a JSON object of the :class:`SourceState` shape."""


class SourceState(BaseModel):
    """The shape of ``state/<source>.json``; keys it does not name are kept as they are."""

    model_config = ConfigDict(extra="allow")

    last_load_id: str | None = None
    last_loaded_at: str | None = None
    last_checked_at: str | None = None
    last_failed_at: str | None = None
    last_status: str | None = None
    last_error: str | None = None
    payload_sha256: str | None = None
    rows: dict[str, int] = {}
    quarantined: dict[str, dict[str, int]] = {}
    validators: dict[str, dict[str, str | None]] = {}
    hwm: dict[str, Any] = {}


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first.get("loc", ())) or "state"
    return f"{where}: {first.get('msg', 'invalid')}"


state_file = layout.state_file


def read_state(data: settings.Paths, source_id: str) -> dict:
    """The source's state; ``{}`` before its first load. Raises :class:`CorruptStateError`."""
    path = state_file(data, source_id)
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptStateError(f"state file {path.name} is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(state, dict):
        raise CorruptStateError(f"state file {path.name} does not hold a JSON object")
    try:
        SourceState.model_validate(state)
    except ValidationError as exc:
        raise CorruptStateError(f"state file {path.name} does not match its schema ({_problem(exc)})") from None
    return state


def read_state_or_empty(data: settings.Paths, source_id: str) -> dict:
    """For readers (status, freshness, dashboards): a corrupt state reads as ``{}`` with its error."""
    try:
        return read_state(data, source_id)
    except CorruptStateError as exc:
        return {"last_error": f"{source_id}: {exc}"}


def write_state(data: settings.Paths, source_id: str, update: dict) -> None:
    """Merge ``update`` into the state, atomically (write a temp file, rename it over)."""
    path = state_file(data, source_id)
    try:
        state = read_state(data, source_id)
    except CorruptStateError:
        state = {}
    state.update(update)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def resync_from_raw(data: settings.Paths, source_id: str) -> tuple[dict, str]:
    """Keep a corrupt state file aside and rebuild the state from raw; return (state, note)."""
    path = state_file(data, source_id)
    kept = path.with_name(f"{path.name}.corrupt-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")
    os.replace(path, kept)
    raw = layout.raw_source_dir(data, source_id)
    loads = sorted(p.stem for p in raw.glob("*/*.parquet") if p.parent.name != LOADS_DIR)
    state: dict = {}
    if loads:
        state["last_load_id"] = loads[-1]
        ledger = read_load(data, source_id, loads[-1])
        if ledger:
            state["payload_sha256"] = ledger.get("payload_sha256")
            state["last_loaded_at"] = ledger.get("fetched_at")
    write_state(data, source_id, state)
    note = (
        f"state file was unreadable and is kept as {kept.name}; state re-synchronised from raw "
        f"({len(set(loads))} load(s)); this poll fetches in full"
    )
    log.warning("%s: %s", source_id, note)
    return state, note


# --- provenance ledger ----------------------------------------------------------------------------


loads_dir = layout.ledger_dir


def record_load(data: settings.Paths, source_id: str, load_id: str, provenance: dict) -> None:
    """Write the provenance of one load beside its raw rows (atomic)."""
    folder = loads_dir(data, source_id)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{load_id}.json.tmp"
    tmp.write_text(json.dumps({"load_id": load_id, "source_id": source_id, **provenance}, indent=1,
                              ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / f"{load_id}.json")


def read_load(data: settings.Paths, source_id: str, load_id: str) -> dict | None:
    path = loads_dir(data, source_id) / f"{load_id}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def all_loads(data: settings.Paths, source_id: str) -> dict[str, dict]:
    """Load id -> provenance for every load of the source that has a ledger entry."""
    out = {}
    for path in sorted(loads_dir(data, source_id).glob("*.json")):
        try:
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return out
