"""Which loads the mart is built from, and whether they are sample data — decided by provenance.

A source's rows in the mart come from its newest load per entity (full-snapshot entities; superseded
loads of an older version left out, see :mod:`regiohub.store.versions`) or from all its loads
(accumulating entities, ``Connector.accumulate``), as the staging models read them.
A source is sample data exactly when one of those loads came from the shipped recordings
(``origin == "recording"``) or has no recorded provenance (loads older than the ledger): a registry
flag cannot say so, since the same source can hold a real operator file today and a recording
tomorrow.
"""

from __future__ import annotations

from pathlib import Path

from regiohub.core import settings
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import raw_entities
from regiohub.store import layout
from regiohub.store.loads import load_rows
from regiohub.store.state import LOADS_DIR, all_loads
from regiohub.store.versions import superseded


def used_load_ids(data: settings.Paths, source: Source, up_to: str | None = None) -> set[str]:
    """The load ids whose rows the staging models read for ``source`` (only loads up to ``up_to`` if given)."""
    accumulate = set(raw_entities(source.connector).accumulate)
    used: set[str] = set()
    raw = layout.raw_source_dir(data, source.id)
    older = superseded(data, source, sorted({p.stem for p in raw.glob("*/*.parquet")}))
    for entity_dir in sorted(p for p in raw.glob("*") if p.is_dir()):
        if entity_dir.name == LOADS_DIR:
            continue
        loads = sorted(p.stem for p in entity_dir.glob("*.parquet") if up_to is None or p.stem <= up_to)
        if entity_dir.name in accumulate:
            used.update(loads)
        elif current := [load for load in loads if load not in older]:
            used.add(current[-1])
    return used


def publisher_url(source: Source) -> str:
    """The URL the source is fetched from (placeholders filled from its params where possible)."""
    try:
        return source.url.format_map(source.params)
    except (KeyError, ValueError, IndexError):
        return source.url


def source_loads(data: settings.Paths, source: Source, up_to: str | None = None) -> list[dict]:
    """One row per used load (the rows of ``dim_load``): id, origin (``unknown`` without a ledger entry), hash,
    time, files, rows per entity and the publisher's URL — none for an operator's file, which did not come from it."""
    ledger = all_loads(data, source.id)
    used = sorted(used_load_ids(data, source, up_to))
    counts = load_rows(data, source.id, used)
    rows = []
    for load_id in used:
        entry = ledger.get(load_id, {})
        origin = entry.get("origin", "unknown")
        rows.append({
            "source_id": source.id,
            "load_id": load_id,
            "origin": origin,
            "payload_sha256": entry.get("payload_sha256"),
            "fetched_at": entry.get("fetched_at"),
            "operator_file": Path(entry["operator_file"]).name if entry.get("operator_file") else None,
            "urls": ", ".join(entry.get("urls") or []),
            "rows": counts.get(load_id, {}),
            "publisher_url": None if origin == "operator" else publisher_url(source),
        })
    return rows


def is_sample(loads: list[dict]) -> bool:
    """Sample data unless every used load came from the publisher or an operator's file."""
    return any(row["origin"] not in ("publisher", "operator") for row in loads) or not loads
