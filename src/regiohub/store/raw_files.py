"""The raw files of one load and how many rows each holds (read at build time for ``dim_load``)."""

from __future__ import annotations

from pathlib import Path

from regiohub.core import duckdb_settings, settings
from regiohub.store import layout


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
