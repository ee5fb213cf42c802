"""The version of a payload — what the publisher says its data is as of — and which load it makes current.

Every load records its payload's version in the provenance ledger (``version``: the value and its
``basis``). Per connector the version is read from the raw rows the load wrote (:data:`SPECS`): the
release date the Ladesäulenregister states in its preamble, the newest report date of the RKI file,
the newest period of a statistic. Where the rows carry none, the publisher's ``Last-Modified`` is
used; an operator's file without either has no version.

For full-snapshot entities (not ``Connector.accumulate``) the mart uses the load with the newest
version, not simply the newest load: a load whose version is older than that of an earlier load is
*superseded* — kept in raw with its ledger entry and reported, never published over the newer data.
Equal versions (or a load without a version) keep the old rule: the newer load wins. Accumulating
sources (PEGELONLINE, DWD, …) record their version too but keep every load, as before.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from regiohub.core import duckdb_settings, settings
from regiohub.registry.model import Registry, Source, load_registry
from regiohub.registry.raw_entities import raw_entities
from regiohub.store import layout
from regiohub.store.state import all_loads

# connector -> (entity, column of its raw rows, what the version is). Our own names, never payload text.
SPECS: dict[str, tuple[str, str, str]] = {
    "bnetza_ladesaeulen": ("charging_facilities", "release_date", "release date stated in the file"),
    "rki_incidence": ("incidence", "report_date", "newest report date"),
    "zensus_ffcsv": ("values", "reference_date", "reference date"),
    "regionalstatistik_ffcsv": ("values", "reference_date", "newest reference date of the rows added"),
    "gtfs": ("calendar", "start_date", "newest service period start (calendar)"),
    "dwd_climate": ("daily", "day", "newest day of the rows added"),
    "rki_wastewater": ("samples", "sample_date", "newest sample date of the rows added"),
    "pegelonline": ("measurements", "measured_at", "newest reading of the rows added"),
}
LAST_MODIFIED = "Last-Modified of the publisher"


def payload_version(
    data: settings.Paths, source: Source, load_id: str, validators: dict[str, dict[str, str]] | None = None
) -> dict[str, str] | None:
    """``{"version": ISO text, "basis": ...}`` of one load, from its raw rows or the ``Last-Modified`` header."""
    spec = SPECS.get(source.connector)
    if spec is not None:
        entity, column, basis = spec
        path = layout.raw_file(data, source.id, entity, load_id)
        value = _newest(str(path), column) if path.is_file() else None
        if value is not None:
            return {"version": value, "basis": basis}
    modified = [_http_date(v.get("last_modified")) for v in (validators or {}).values()]
    modified = [m for m in modified if m]
    return {"version": max(modified), "basis": LAST_MODIFIED} if modified else None


@functools.lru_cache(maxsize=4096)
def _newest(path: str, column: str) -> str | None:
    """The newest value of ``column`` in one raw file (raw files never change, so it is cached)."""
    with duckdb_settings.connect() as con:
        names = {r[0] for r in con.execute("describe select * from read_parquet(?)", [path]).fetchall()}
        if column not in names:
            return None
        value = con.execute(f'select max("{column}") from read_parquet(?)', [path]).fetchall()[0][0]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None if value is None else str(value)


def _http_date(text: str | None) -> str | None:
    try:
        when = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None
    return when.astimezone(UTC).isoformat(timespec="seconds") if when else None


def is_full_snapshot(source: Source, entity: str) -> bool:
    return raw_entities(source.connector).is_full_snapshot(entity)


def versions(data: settings.Paths, source: Source, loads: list[str]) -> dict[str, str | None]:
    """Load id -> version: the ledger's, else read from the load's raw rows (loads from before versions)."""
    ledger = all_loads(data, source.id)
    out = {}
    for load_id in loads:
        recorded = ledger.get(load_id, {}).get("version")
        if recorded is None and "version" not in ledger.get(load_id, {}):
            recorded = payload_version(data, source, load_id)
        out[load_id] = (recorded or {}).get("version")
    return out


def superseded(data: settings.Paths, source: Source, loads: list[str]) -> dict[str, str]:
    """Full-snapshot loads an earlier load of a newer version supersedes: load id -> that earlier load id."""
    if not any(is_full_snapshot(source, e) for e in raw_entities(source.connector).entities):
        return {}
    found: dict[str, str] = {}
    best: tuple[str, str] | None = None  # (version, load id) of the load in use so far
    for load_id, version in sorted(versions(data, source, loads).items()):
        if version is None:
            continue
        if best is not None and version < best[0]:
            found[load_id] = best[1]
        else:
            best = (version, load_id)
    return found


def superseded_note(
    data: settings.Paths, source: Source, load_id: str, version: dict[str, str] | None
) -> tuple[str, str] | None:
    """(superseding load id, one-line note) when an earlier load holds a newer version than ``load_id``."""
    loads = sorted({p.stem for p in layout.raw_source_dir(data, source.id).glob("*/*.parquet")})
    by = superseded(data, source, loads).get(load_id)
    if by is None:
        return None
    newer = versions(data, source, [by])[by]
    shown = f"{(version or {}).get('basis')} {(version or {}).get('version')}"
    return by, (f"older version ({shown}) than load {by} ({newer}): kept in raw and reported, "
                "not published over the newer data")


def superseded_lines(data: settings.Paths, registry: Registry | None = None) -> list[str]:
    """One line per superseded load of every registered source, with both versions (for ``regiohub status``)."""
    registry = registry or load_registry()
    lines = []
    for source in registry.sources:
        loads = sorted({f.stem for f in layout.raw_source_dir(data, source.id).glob("*/*.parquet")})
        found = superseded(data, source, loads) if loads else {}
        known = versions(data, source, sorted(set(found) | set(found.values()))) if found else {}
        lines += [f"{source.id}: load {load} (older than load {by}: version {known[load]} < {known[by]})"
                  for load, by in sorted(found.items())]
    return lines
