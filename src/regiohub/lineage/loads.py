"""Where published data came from, as the published mart records it: ``dim_load`` (with ``dim_source``) is the one
home of load provenance that the read API, the dashboard, the DCAT catalogue and the OpenLineage events read.

``dim_load`` is built from the store's provenance ledger when the mart is built
(:func:`regiohub.store.provenance.source_loads`); the ingest log under ``runs/`` is the run history of every load
attempt and says nothing here. Every query is parameterised; column names are constants of this module.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

ORIGIN_LABELS = {
    "publisher": "beim Herausgeber abgerufen",
    "operator": "vom Datenteam übergebene Originaldatei",
    "recording": "mitgelieferte Beispieldaten",
    "unknown": "ohne Herkunftsnachweis",
}
# dim_load columns that snapshots built before they existed lack (read as NULL there)
_NEWER = ("rows", "publisher_url")
_LOADS = """
SELECT l.load_id, l.source_id, s.name AS source_name, l.origin, l.is_sample, l.payload_sha256, l.fetched_at,
       l.operator_file, l.urls, {rows} AS rows, {publisher_url} AS publisher_url, l.publisher, l.licence, l.licence_url
FROM dim_load l LEFT JOIN dim_source s ON s.source_id = l.source_id
WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], l.load_id)
ORDER BY l.source_id, l.fetched_at, l.load_id"""
_SOURCES = """
SELECT s.source_id, coalesce(bool_or(l.is_sample), true) AS is_sample, {publisher_url} AS publisher_url
FROM dim_source s LEFT JOIN dim_load l ON l.source_id = s.source_id
GROUP BY s.source_id ORDER BY 1"""
_BY_INDICATOR = """
SELECT indicator_id, list_sort(list_distinct(flatten(list(source_load_ids)))) FROM fct_indicator_value
WHERE source_load_ids IS NOT NULL GROUP BY indicator_id"""


def _columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                       "AND schema_name = 'main' AND table_name = 'dim_load'").fetchall()
    return {r[0] for r in rows}


def _file_name(name: str | None) -> str | None:
    """Only the name of an operator's file, never a local path (whatever an older ledger recorded)."""
    return re.split(r"[\\/]", name)[-1] or None if name else None


def unknown_load(load_id: str) -> dict[str, Any]:
    """A load id the mart has no provenance for (a value older than ``dim_load``)."""
    return {"load_id": load_id, "source_id": None, "source_name": None, "origin": "unknown", "is_sample": True,
            "payload_sha256": None, "fetched_at": None, "operator_file": None, "urls": [], "rows": {},
            "publisher_url": None, "publisher": None, "licence": None, "licence_url": None}


def load_provenance(con: duckdb.DuckDBPyConnection, load_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """One record per load: the ids asked for, in that order (``unknown`` origin where ``dim_load`` has none),
    or every load of the mart (by source, oldest first).

    Fields: load id, source (id, name, publisher, licence), origin, sample or not, SHA-256 of the payload, when it
    was fetched, the operator's file name, the fetched URLs, rows per entity and the publisher's URL (none for an
    operator's file: it did not come from there).
    """
    have = _columns(con)
    sql = _LOADS.format(**{c: f"l.{c}" if c in have else "NULL" for c in _NEWER})
    cursor = con.execute(sql, [load_ids, load_ids])
    names = [d[0] for d in cursor.description]
    found = {}
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        record["origin"] = record["origin"] or "unknown"
        record["urls"] = [u for u in (record["urls"] or "").split(", ") if u]
        record["rows"] = dict(record["rows"] or {})
        record["operator_file"] = _file_name(record["operator_file"])
        if record["origin"] == "operator":
            record["publisher_url"] = None
        found[record["load_id"]] = record
    if load_ids is None:
        return list(found.values())
    return [found.get(load_id) or unknown_load(load_id) for load_id in dict.fromkeys(load_ids)]


def source_provenance(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Per source of the mart: ``is_sample`` (one of its loads is not from the publisher or an operator's file,
    or it has no load with provenance) and ``publisher_url`` (as its loads name it; none for operator files only)."""
    url = "max(l.publisher_url)" if "publisher_url" in _columns(con) else "NULL"
    cursor = con.execute(_SOURCES.format(publisher_url=url))
    return {r[0]: {"is_sample": bool(r[1]), "publisher_url": r[2]} for r in cursor.fetchall()}


def indicator_load_ids(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per indicator, the loads its published values are computed from."""
    return {r[0]: list(r[1]) for r in con.execute(_BY_INDICATOR).fetchall()}
