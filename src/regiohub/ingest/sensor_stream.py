"""Water-level sensor readings: durable in a Redis Stream, announced by a pub/sub wake-up message.

Sensors (or a gateway in front of them) call :func:`publish`: each reading is appended to the stream
``regiohub:water_level:readings`` (kept until read and acknowledged) and one message on the pub/sub
channel ``regiohub:water_level:wakeup`` wakes the Airflow DAG. Pub/sub drops messages sent while no
one listens (a triggerer restart, a deploy), so the message carries no data: the loader reads the
stream through the consumer group ``regiohub`` — first what it was given but did not acknowledge
(a crashed run), then everything new — and acknowledges only after the raw Parquet file is in place.
A missed wake-up therefore delays readings until the next one; it never loses them.

One bad entry never blocks the others: an entry that is not UTF-8, lacks a field, or has an unreadable,
offset-less or future timestamp or a non-finite value is copied with its reason to the dead-letter stream
``regiohub:water_level:dead_letter`` (original bytes kept) and acknowledged with the rest. Readable
readings go through the raw writer like a PEGELONLINE file: an unknown station, a water level out of
range or an implausible date is quarantined with the same reason a file's row gets.

Redis may require a password: ``REGIOHUB_REDIS_PASSWORD`` (in compose from ``.env``) is used unless the
URL ``REGIOHUB_REDIS_URL`` carries one itself.

Readings are PEGELONLINE-shaped (``station_uuid``, ``timestamp`` ISO-8601 with offset, ``value`` in cm)
and land next to the polled PEGELONLINE measurements (``raw/pegelonline/measurements/<load_id>.parquet``),
where the mart de-duplicates overlapping readings (newest load wins).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from regiohub.core import settings
from regiohub.core.echo import cut
from regiohub.store import layout
from regiohub.store.state import record_load

log = logging.getLogger(__name__)

# Key prefix ``REGIOHUB_EVENTS_NAMESPACE`` (default ``regiohub``) keeps installations sharing a Redis apart.
NAMESPACE = os.environ.get("REGIOHUB_EVENTS_NAMESPACE", "regiohub")
STREAM = f"{NAMESPACE}:water_level:readings"
DEAD_LETTER = f"{NAMESPACE}:water_level:dead_letter"
CHANNEL = f"{NAMESPACE}:water_level:wakeup"
GROUP = "regiohub"
CONSUMER = "airflow"  # one loader at a time (the DAG has max_active_runs=1): pending entries come back to it
RAW_SOURCE_ID = "pegelonline"
LANDING_NAME = "pegelonline_sensors"
FIELDS = ("station_uuid", "timestamp", "value")
FUTURE_TOLERANCE = timedelta(days=1)  # clocks of sensors drift; a reading from tomorrow is an error


def redis_url() -> str:
    return os.environ.get("REGIOHUB_REDIS_URL", "redis://127.0.0.1:6379/0")


def client(url: str | None = None):
    """A Redis client (``redis`` package, installed with Airflow's Redis provider).

    Answers are bytes: entries are decoded one by one, so a non-UTF-8 entry cannot fail a whole read.
    """
    import redis

    return redis.Redis.from_url(url or redis_url(), password=os.environ.get("REGIOHUB_REDIS_PASSWORD") or None)


def ensure_group(r) -> None:
    """Create the consumer group reading from the stream's start (``id=0``): nothing published is skipped."""
    import redis

    try:
        r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def publish(r, readings: list[dict[str, Any]], *, wake: bool = True) -> list[str]:
    """Append readings to the stream (durable), then wake the loader; returns the stream ids."""
    ids = []
    for reading in readings:
        ids.append(_text(r.xadd(STREAM, {k: str(reading[k]) for k in FIELDS})))
    if wake:
        r.publish(CHANNEL, json.dumps({"stream": STREAM, "last_id": ids[-1] if ids else None}))
    return ids


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def read_unacknowledged(r, limit: int = 100_000, batch: int = 5_000) -> list[tuple[str, dict[bytes, bytes]]]:
    """Entries delivered earlier but never acknowledged, then new ones — up to ``limit`` (the rest next run).

    Values are the entries' raw fields; an entry deleted from the stream while pending has none (``{}``).
    """
    ensure_group(r)
    entries: dict[str, dict[bytes, bytes]] = {}
    for _stream, items in r.xreadgroup(GROUP, CONSUMER, {STREAM: "0"}, count=limit) or []:
        entries.update((_text(entry_id), values or {}) for entry_id, values in items)
    while len(entries) < limit:
        new = r.xreadgroup(GROUP, CONSUMER, {STREAM: ">"}, count=min(batch, limit - len(entries)))
        items = [item for _stream, stream_items in new or [] for item in stream_items]
        if not items:
            break
        entries.update((_text(entry_id), values or {}) for entry_id, values in items)
    return list(entries.items())


@dataclass
class SensorLoad:
    load_id: str | None
    rows: int = 0
    rejected: list[str] = field(default_factory=list)  # dead-lettered: could not be read at all
    quarantined: dict[str, int] = field(default_factory=dict)  # reason -> readings (the file path's checks)
    entry_ids: list[str] = field(default_factory=list)
    raw_file: str | None = None


def decode(values: dict[bytes, bytes]) -> tuple[dict[str, str] | None, str | None]:
    """The entry's fields as text, or why it cannot be read (not UTF-8)."""
    try:
        return {_text(k): _text(v) for k, v in values.items()}, None
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 ({exc.reason} at byte {exc.start})"


def check(values: dict[str, str] | None, now: datetime | None = None) -> str | None:
    """Why a reading is unusable, or None."""
    if not values:
        return "empty entry (deleted from the stream)"
    missing = [k for k in FIELDS if not values.get(k)]
    if missing:
        return f"missing {', '.join(missing)}"
    try:
        stamp = datetime.fromisoformat(values["timestamp"])
    except ValueError:
        return f"unreadable timestamp {_quote(values['timestamp'])} (ISO 8601 with UTC offset expected)"
    try:
        value = float(values["value"])
    except ValueError:
        return f"unreadable value {_quote(values['value'])} (a number in cm expected)"
    if stamp.tzinfo is None:
        return "timestamp without UTC offset"
    if stamp > (now or datetime.now(UTC)) + FUTURE_TOLERANCE:
        return "timestamp in the future"
    if not math.isfinite(value):
        return "value is not a number"
    return None


def _quote(text: str, limit: int = 40) -> str:
    """A value from outside, quoted for a one-line message: cut (:func:`regiohub.core.echo.cut`), then escaped."""
    return repr(cut(text, limit))


def _readable(values: dict[bytes, bytes]) -> dict[str, str]:
    """For the landing JSON: every entry, undecodable bytes escaped."""
    return {k.decode(errors="backslashreplace"): v.decode(errors="backslashreplace") for k, v in values.items()}


def dead_letter(r, entry_id: str, values: dict[bytes, bytes], reason: str) -> None:
    """Copy an unusable entry, with its reason and its original bytes, to the dead-letter stream."""
    fields = {b"entry_id": entry_id.encode(), b"reason": reason.encode(), b"stream": STREAM.encode()}
    fields |= {b"field:" + k: v for k, v in values.items()}
    r.xadd(DEAD_LETTER, fields)


def load(r, data: settings.Paths | None = None) -> SensorLoad:
    """Read unacknowledged readings, write them as one raw load through the raw writer, then acknowledge them.

    Entries that cannot be read at all go to the dead-letter stream; readable ones are checked like any
    PEGELONLINE file (:mod:`regiohub.ingest.connectors.pegelonline_stream`): failing ones are quarantined with
    their reason under ``quarantine/pegelonline/measurements/``, the load is in the ledger and the state.
    """
    from regiohub.core.ids import new_load_id

    data = (data or settings.paths()).ensure()
    entries = read_unacknowledged(r)
    if not entries:
        return SensorLoad(None)
    load_id = new_load_id()
    landing = layout.landing_dir(data, LANDING_NAME, load_id)
    landing.mkdir(parents=True)
    payload = landing / "readings.json"
    payload.write_text(json.dumps([{"id": i, **_readable(v)} for i, v in entries], indent=1))
    good, bad = [], []
    now = datetime.now(UTC)
    for entry_id, raw_values in entries:
        values, why = decode(raw_values)
        why = why or check(values, now)
        if why:
            bad.append((entry_id, raw_values, why))
        else:
            good.append((entry_id, values))
    result = SensorLoad(load_id, rejected=[f"{i}: {why}" for i, _, why in bad], entry_ids=[i for i, _ in entries])
    if good:
        _write_raw(good, load_id, landing, data, result)
    for entry_id, raw_values, why in bad:
        dead_letter(r, entry_id, raw_values, why)
        log.warning("%s sensor reading %s rejected: %s (kept in %s and the dead-letter stream %s)",
                    RAW_SOURCE_ID, entry_id, why, payload.name, DEAD_LETTER)
    r.xack(STREAM, GROUP, *result.entry_ids)
    log.info("%s: sensor load %s: %d readings, %d quarantined, %d rejected", RAW_SOURCE_ID, load_id, result.rows,
             sum(result.quarantined.values()), len(bad))
    return result


def _write_raw(entries: list[tuple[str, dict[str, str]]], load_id: str, landing: Path, data: settings.Paths,
               result: SensorLoad) -> None:
    """The readable readings through the raw writer (checks, quarantine, only new rows), ledger and state."""
    from regiohub.ingest.connectors.pegelonline_stream import ACCEPTED, StreamReadingsConnector
    from regiohub.ingest.raw_writer import parse_and_write
    from regiohub.registry.model import load_registry
    from regiohub.store.state import write_state

    accepted = landing / ACCEPTED
    readings = [{**v, "timestamp": datetime.fromisoformat(v["timestamp"]).isoformat()} for _, v in entries]
    accepted.write_text(json.dumps([{k: x[k] for k in FIELDS} for x in readings], ensure_ascii=False))
    sha = hashlib.sha256(accepted.read_bytes()).hexdigest()
    source = load_registry().source(RAW_SOURCE_ID)
    fetched_at = datetime.now(UTC)
    written = parse_and_write(StreamReadingsConnector(), source, landing, {accepted: sha}, load_id, fetched_at, data)
    result.rows = written.rows.get("measurements", 0)
    result.quarantined = written.quarantined.get("measurements", {})
    target = layout.raw_file(data, RAW_SOURCE_ID, "measurements", load_id)
    result.raw_file = str(target) if target.exists() else None
    if result.rows:
        record_load(data, RAW_SOURCE_ID, load_id, {
            "origin": "publisher", "payload_sha256": sha, "fetched_at": fetched_at.isoformat(timespec="seconds"),
            "files": {f"{LANDING_NAME}/{load_id}/{ACCEPTED}": sha}, "operator_file": None, "urls": [],
        })
    write_state(data, RAW_SOURCE_ID, {"stream_load_id": load_id, "stream_checked_at": fetched_at.isoformat(
        timespec="seconds"), "stream_rows": result.rows, "stream_quarantined": result.quarantined})
