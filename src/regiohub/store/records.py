"""Run records in ``runs/``: the ingest log and the gate's validation results with their Data Docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from regiohub.core.settings import Paths
from regiohub.store import layout


def append_ingest_log(data: Paths, record: dict[str, Any]) -> None:
    """One JSON line for one ingest attempt."""
    with open(layout.ingest_log(data), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def validation_results(data: Paths) -> list[Path]:
    """The stored validation results (``<timestamp>.json``), oldest first."""
    return sorted(layout.validations_dir(data).glob("*.json"))


def newest_validation(data: Paths) -> dict[str, Any] | None:
    """The newest stored validation result, if any."""
    results = validation_results(data)
    return json.loads(results[-1].read_text(encoding="utf-8")) if results else None


def data_docs_index(data: Paths) -> Path | None:
    """The Great Expectations Data Docs index, if built."""
    return _index(layout.data_docs_dir(data))


def data_docs_beside(results_path: Path) -> Path | None:
    """The Data Docs index of the runs folder a validation result (``runs/validations/<t>.json``) lies in."""
    return _index(layout.data_docs_in(results_path.parent.parent))


def _index(docs_dir: Path) -> Path | None:
    index = docs_dir / "index.html"
    return index if index.is_file() else None
