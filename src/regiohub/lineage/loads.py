"""The loads behind published data: the ingest log (``runs/ingest_log.jsonl``) and the registry's publisher URLs."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from regiohub.core import settings

_cache: dict[str, tuple[tuple[int, int], dict[str, dict[str, Any]]]] = {}
_lock = threading.Lock()
PUBLIC_FIELDS = ("source_id", "load_id", "status", "rows", "payload_sha256", "started_at", "duration_s")


def ingest_log(data: settings.Paths) -> dict[str, dict[str, Any]]:
    """Ingest log entries by load id (re-read only when the file changed)."""
    path = data.runs / "ingest_log.jsonl"
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    key = (st.st_size, st.st_mtime_ns)
    with _lock:
        hit = _cache.get(str(path))
        if hit and hit[0] == key:
            return hit[1]
    entries: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("load_id"):
                entries[entry["load_id"]] = entry
    with _lock:
        _cache[str(path)] = (key, entries)
    return entries


def public(entry: dict[str, Any]) -> dict[str, Any]:
    """An ingest log entry without local paths."""
    return {k: entry.get(k) for k in PUBLIC_FIELDS}


def publisher_urls() -> dict[str, str]:
    """The URL each registered source is fetched from (placeholders filled from its params where possible)."""
    from regiohub.registry.model import load_registry

    urls = {}
    for source in load_registry().sources:
        try:
            urls[source.id] = source.url.format_map(source.params)
        except (KeyError, ValueError, IndexError):
            urls[source.id] = source.url
    return urls


def raw_files(data: settings.Paths, source_id: str, load_id: str) -> list[Path]:
    """The raw Parquet files of one load (``raw/<source>/<entity>/<load_id>.parquet``)."""
    return sorted((data.raw / source_id).glob(f"*/{load_id}.parquet"))
