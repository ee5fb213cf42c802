"""Operations records under ``runs/``: the ingest log (run history of every load attempt, not provenance: that is
``dim_load``) and the default file of the OpenLineage events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from regiohub.core import settings

INGEST_LOG = "ingest_log.jsonl"
OPENLINEAGE = "openlineage.jsonl"


def ingest_log_file(data: settings.Paths) -> Path:
    return data.runs / INGEST_LOG


def openlineage_file(data: settings.Paths) -> Path:
    return data.runs / OPENLINEAGE


def last_ingest(data: settings.Paths, source_id: str) -> dict[str, Any]:
    """The newest ingest log entry of ``source_id`` (load id, status, error, payload folder), or {}."""
    path = ingest_log_file(data)
    if not path.exists():
        return {}
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and entry.get("source_id") == source_id:
            return entry
    return {}
