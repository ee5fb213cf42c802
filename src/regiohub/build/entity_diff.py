"""Which tables of a changed source changed: a new load need not bring every entity of its source.

A PEGELONLINE poll whose station list is the one loaded before writes new readings but no new station
file; a full-snapshot release may leave some entities out. The raw view (``build/raw_view/<source>/
<entity>/<load>.parquet``) then holds the same files for that entity as the kept build's, so the models
downstream of that dbt source table come out the same and an incremental build keeps them. Compared are
the file names in the view (a load's file never changes), as recorded with each build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def view_files(view: Path) -> dict[str, str]:
    """``<source>/<entity>`` -> a hash of the names of the Parquet files the raw view holds for it."""
    out = {}
    for folder in sorted(p for p in view.glob("*/*") if p.is_dir()):
        names = "\0".join(sorted(f.name for f in folder.glob("*.parquet")))
        out[f"{folder.parent.name}/{folder.name}"] = hashlib.sha256(names.encode()).hexdigest()
    return out


def selectors(manifest: dict, source_id: str, dbt_name: str, before: dict[str, str], now: dict[str, str]) -> list[str]:
    """dbt selectors for dbt source ``dbt_name`` of registry source ``source_id`` with a new load: each table
    whose files in the raw view changed, or the whole source when its tables are not read per source."""
    tables = [n for n in manifest.get("sources", {}).values() if n["source_name"] == dbt_name]
    location = f"/{source_id}/{{name}}/"
    if not before or not tables or any(location not in str((t.get("meta") or {}).get("external_location"))
                                       for t in tables):
        return [f"source:{dbt_name}+"]
    changed = []
    for t in tables:
        key = f"{source_id}/{t['name']}"
        if key not in before or before.get(key) != now.get(key):
            changed.append(f"source:{dbt_name}.{t['name']}+")
    return changed
