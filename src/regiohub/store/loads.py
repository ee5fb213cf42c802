"""Which raw loads a build reads, and which of them the published snapshot was built from.

Raw files are ``raw/<source>/<entity>/<load_id>.parquet``; load ids sort by time and raw files are
never removed, so "the loads up to X" describes exactly what a build of one source reads. A build
reads the raw files through ``build/raw_view/``, a tree of hard links that holds, per source, the
loads up to its *cut-off*: the newest load for a healthy source, the last published load for a
source that is pinned because its newer loads broke the build.

The published snapshot records the cut-off per source in its table ``meta_loads``; loads newer
than that are *unpublished* (``regiohub status`` lists them, ``regiohub run`` builds them).

A full-snapshot load whose payload is an older version than an earlier load's is *superseded*
(:mod:`regiohub.store.versions`): the view leaves it out, so the newest version is built, and it is never
unpublished — it is kept and reported instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from regiohub.core import duckdb_settings, settings
from regiohub.registry.model import Source, load_registry
from regiohub.store import layout
from regiohub.store.versions import is_full_snapshot, superseded

VIEW = layout.RAW_VIEW


def raw_loads(data: settings.Paths, source_id: str) -> list[str]:
    """Every load id with a raw file for ``source_id``, oldest first."""
    return sorted({f.stem for f in layout.raw_source_dir(data, source_id).glob("*/*.parquet")})


def raw_files(data: settings.Paths, source_id: str, entity: str) -> list[str]:
    """The raw Parquet files of one entity of ``source_id``, oldest load first."""
    return sorted(str(p) for p in layout.raw_entity_dir(data, source_id, entity).glob("*.parquet"))


def raw_sources(data: settings.Paths) -> list[str]:
    return sorted(p.name for p in data.raw.glob("*") if p.is_dir() and not p.name.startswith("."))


def published_loads(data: settings.Paths) -> dict[str, str | None]:
    """Per source, the newest load the published snapshot includes ({} when nothing is published).

    Snapshots published before ``meta_loads`` existed fall back to ``dim_source.last_load_id``.
    """
    from regiohub.store.snapshot_store import readable_mart

    mart = readable_mart(data)  # a published file that cannot be opened: the snapshot readers use meanwhile
    if mart is None:
        return {}
    with duckdb_settings.connect(mart.path, read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        if "meta_loads" in tables:
            rows = con.execute("select source_id, load_id from meta_loads").fetchall()
        elif "dim_source" in tables:
            rows = con.execute("select source_id, last_load_id from dim_source").fetchall()
        else:
            rows = []
    return dict(rows)


def _registered() -> dict[str, Source]:
    return {s.id: s for s in load_registry().sources}


def superseded_loads(data: settings.Paths, source_id: str, sources: dict[str, Source] | None = None) -> dict[str, str]:
    """The source's superseded loads (load id -> the earlier load of a newer version); {} if unregistered."""
    source = (sources if sources is not None else _registered()).get(source_id)
    return superseded(data, source, raw_loads(data, source_id)) if source is not None else {}


def unpublished_loads(data: settings.Paths) -> dict[str, list[str]]:
    """Per source, raw loads newer than the published snapshot's (all loads when nothing is published),
    superseded loads left out."""
    published = published_loads(data)
    sources = _registered()
    out = {}
    for source_id in raw_sources(data):
        cutoff = published.get(source_id) or ""
        older = superseded_loads(data, source_id, sources)
        newer = [load for load in raw_loads(data, source_id) if load > cutoff and load not in older]
        if newer:
            out[source_id] = newer
    return out


def never_built(data: settings.Paths, source_id: str, load_ids: list[str | None]) -> list[str]:
    """Those of ``load_ids`` no build has taken up yet: unpublished, not superseded, and not the load the
    last finished run held back as broken. A re-run emits the raw asset again for them."""
    from regiohub.store.runs import recent_runs

    pending = set(unpublished_loads(data).get(source_id, []))
    last = next((r for r in recent_runs(data, 20) if r.get("outcome") not in ("running", None)), None)
    held = {f.get("bad_load") for f in (last or {}).get("source_failures") or [] if f.get("source_id") == source_id}
    return sorted({load for load in load_ids if load in pending and load not in held})


def compose_raw_view(data: settings.Paths, pins: dict[str, str | None]) -> tuple[Path, dict[str, str | None]]:
    """Build ``build/raw_view`` with every source's loads up to its cut-off; return it and the cut-offs.

    ``pins`` maps a source to the newest load it may use (None: leave the source out entirely).
    Sources not in ``pins`` use all their loads. Superseded loads of full-snapshot entities are left
    out, and a cut-off is never a superseded load.
    """
    view = layout.raw_view_dir(data)
    shutil.rmtree(view, ignore_errors=True)
    cutoffs: dict[str, str | None] = {}
    sources = _registered()
    for source_id in raw_sources(data):
        loads = raw_loads(data, source_id)
        older = superseded_loads(data, source_id, sources)
        current = [load for load in loads if load not in older]
        cutoff = pins[source_id] if source_id in pins else (current[-1] if current else None)
        cutoffs[source_id] = cutoff
        for entity in layout.raw_source_dir(data, source_id).iterdir():
            if not entity.is_dir():
                continue
            target = view / source_id / entity.name
            target.mkdir(parents=True, exist_ok=True)
            skip = older if source_id in sources and is_full_snapshot(sources[source_id], entity.name) else {}
            for f in entity.glob("*.parquet"):
                if cutoff is not None and f.stem <= cutoff and f.stem not in skip:
                    _link(f, target / f.name)
    return view, cutoffs


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)


def has_raw_load(data: settings.Paths, source_id: str, load_id: str) -> bool:
    """Some entity of ``source_id`` holds raw rows of ``load_id``."""
    return any(layout.raw_source_dir(data, source_id).glob(f"*/{load_id}.parquet"))


def raw_temp_files(data: settings.Paths) -> list[Path]:
    """Half-written raw files (``<entity>/<load>.parquet.tmp``) a killed load left behind."""
    return sorted(data.raw.glob("*/*/*.parquet.tmp"))


def load_files(data: settings.Paths, source_id: str, load_id: str) -> list[Path]:
    """The raw Parquet files of one load (``raw/<source>/<entity>/<load_id>.parquet``), by entity."""
    raw = layout.raw_source_dir(data, source_id)
    return sorted(p for p in raw.glob(f"*/{load_id}.parquet") if p.parent.name != layout.LEDGER)


def load_rows(data: settings.Paths, source_id: str, load_ids: list[str]) -> dict[str, dict[str, int]]:
    """Load id -> entity -> rows in its raw file (from the Parquet footers; loads without files are left out)."""
    files = {str(f): (load_id, f.parent.name) for load_id in load_ids for f in load_files(data, source_id, load_id)}
    out: dict[str, dict[str, int]] = {}
    if not files:
        return out
    with duckdb_settings.connect() as con:
        counts = con.execute("SELECT file_name, num_rows FROM parquet_file_metadata(?)", [list(files)]).fetchall()
    for name, rows in sorted(counts):
        load_id, entity = files[name]
        out.setdefault(load_id, {})[entity] = int(rows)
    return out
