"""Which raw loads a build reads, and which of them the published snapshot was built from.

Raw files are ``raw/<source>/<entity>/<load_id>.parquet``; load ids sort by time and raw files are
never removed, so "the loads up to X" describes exactly what a build of one source reads. A build
reads the raw files through ``build/raw_view/``, a tree of hard links that holds, per source, the
loads up to its *cut-off*: the newest load for a healthy source, the last published load for a
source that is pinned because its newer loads broke the build.

The published snapshot records the cut-off per source in its table ``meta_loads``; loads newer
than that are *unpublished* (``regiohub status`` lists them, ``regiohub run`` builds them).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from regiohub import duckdb_settings, settings

VIEW = "raw_view"


def raw_loads(data: settings.Paths, source_id: str) -> list[str]:
    """Every load id with a raw file for ``source_id``, oldest first."""
    return sorted({f.stem for f in (data.raw / source_id).glob("*/*.parquet")})


def raw_sources(data: settings.Paths) -> list[str]:
    return sorted(p.name for p in data.raw.glob("*") if p.is_dir() and not p.name.startswith("."))


def published_loads(data: settings.Paths) -> dict[str, str | None]:
    """Per source, the newest load the published snapshot includes ({} when nothing is published).

    Snapshots published before ``meta_loads`` existed fall back to ``dim_source.last_load_id``.
    """
    if not data.published.is_file():
        return {}
    with duckdb_settings.connect(data.published, read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        if "meta_loads" in tables:
            rows = con.execute("select source_id, load_id from meta_loads").fetchall()
        elif "dim_source" in tables:
            rows = con.execute("select source_id, last_load_id from dim_source").fetchall()
        else:
            rows = []
    return dict(rows)


def unpublished_loads(data: settings.Paths) -> dict[str, list[str]]:
    """Per source, raw loads newer than the published snapshot's (all loads when nothing is published)."""
    published = published_loads(data)
    out = {}
    for source_id in raw_sources(data):
        cutoff = published.get(source_id) or ""
        newer = [load for load in raw_loads(data, source_id) if load > cutoff]
        if newer:
            out[source_id] = newer
    return out


def compose_raw_view(data: settings.Paths, pins: dict[str, str | None]) -> tuple[Path, dict[str, str | None]]:
    """Build ``build/raw_view`` with every source's loads up to its cut-off; return it and the cut-offs.

    ``pins`` maps a source to the newest load it may use (None: leave the source out entirely).
    Sources not in ``pins`` use all their loads.
    """
    view = data.build / VIEW
    shutil.rmtree(view, ignore_errors=True)
    cutoffs: dict[str, str | None] = {}
    for source_id in raw_sources(data):
        loads = raw_loads(data, source_id)
        cutoff = pins[source_id] if source_id in pins else (loads[-1] if loads else None)
        cutoffs[source_id] = cutoff
        for entity in (data.raw / source_id).iterdir():
            if not entity.is_dir():
                continue
            target = view / source_id / entity.name
            target.mkdir(parents=True, exist_ok=True)
            for f in entity.glob("*.parquet"):
                if cutoff is not None and f.stem <= cutoff:
                    _link(f, target / f.name)
    return view, cutoffs


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)
