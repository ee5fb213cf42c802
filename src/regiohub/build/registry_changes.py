"""What changed in the registry export since the kept build, and which models that selects.

Most exports (``partners``, ``sources``, ``targets``, …) are read whole: any change selects the lineage
of the export. ``loads`` and ``source_state`` hold one row per load or per source and change with every
load; they are hashed per source. A model that reads them joins only the rows of the sources it is
built from (``stg_zensus__population`` its own loads, ``fct_indicator_value`` the loads and state of
the values' sources), so rows of source S changing selects S's lineage, the staging table and the
dimensions that list every source's rows (``dim_load``, ``dim_source``) — not every model that reads
the export.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

# per-source exports: the staging table reading the export, and the models listing every source's rows
PER_SOURCE: dict[str, tuple[str, ...]] = {
    "loads": ("stg_registry__loads", "dim_load+"),
    "source_state": ("stg_registry__source_state", "dim_source+"),
}


def registry_hashes(registry_dir: Path) -> dict[str, str]:
    """sha256 per registry export as dbt reads it; ``loads/<source>`` and ``source_state/<source>`` per source."""
    hashes: dict[str, str] = {}
    for path in sorted(registry_dir.glob("*.json")):
        if path.stem not in PER_SOURCE:
            hashes[path.stem] = hashlib.sha256(path.read_bytes()).hexdigest()
            continue
        rows: dict[str, list] = {}
        for row in json.loads(path.read_text(encoding="utf-8")):
            rows.setdefault(str(row.get("source_id")) if isinstance(row, dict) else "", []).append(row)
        for source_id, source_rows in rows.items():
            text = json.dumps(source_rows, sort_keys=True, ensure_ascii=False)
            hashes[f"{path.stem}/{source_id}"] = hashlib.sha256(text.encode()).hexdigest()
    return hashes


@dataclass
class RegistryChange:
    """Exports changed as a whole, sources whose per-source rows changed, and the models those select."""

    exports: list[str]
    row_keys: list[str]  # ``loads/<source>``, ``source_state/<source>``
    models: list[str]

    @property
    def row_sources(self) -> list[str]:
        return sorted({k.split("/", 1)[1] for k in self.row_keys})

    def labels(self, changed: list[str]) -> list[str]:
        """``registry.<export>`` per export, and per source row change not explained by a source in ``changed``."""
        rows = [k for k in self.row_keys if k.split("/", 1)[1] not in changed]
        return [f"registry.{n}" for n in [*self.exports, *rows]]


def compare(before: dict[str, str], now: dict[str, str]) -> RegistryChange:
    """The change from the kept build's hashes (``before``) to the export's hashes now."""
    keys = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    rows = [k for k in keys if "/" in k]
    return RegistryChange(
        exports=[k for k in keys if "/" not in k],
        row_keys=rows,
        models=sorted({m for k in rows for m in PER_SOURCE.get(k.split("/", 1)[0], ())}),
    )
