"""The published file itself: the candidate's mart tables, their German comments and ``meta_snapshot``.

Written in DuckDB's v1.0.0 storage format so that analysts' DuckDB 1.x tools open it too.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from regiohub.core import duckdb_settings

MART_SCHEMA = "main"
STORAGE_VERSION = "v1.0.0"


def write_published_file(
    candidate: Path, target: Path, snapshot_id: str, published_at: datetime, run_id: str | None
) -> dict[str, int]:
    tables: dict[str, int] = {}
    with duckdb_settings.connect() as con:
        con.execute("attach ? as candidate (read_only)", [str(candidate)]).fetchall()
        con.execute(f"attach ? as incoming (storage_version '{STORAGE_VERSION}')", [str(target)]).fetchall()
        rows = con.execute(
            "select table_name, comment from duckdb_tables() where database_name = 'candidate' "
            "and schema_name = ? order by table_name",
            [MART_SCHEMA],
        ).fetchall()
        for name, comment in rows:
            if name == "meta_build":  # build bookkeeping, not part of the published mart
                continue
            con.execute(f'create table incoming.main."{name}" as from candidate.main."{name}"').fetchall()
            tables[name] = con.execute(f'select count(*) from incoming.main."{name}"').fetchall()[0][0]
            if comment:
                con.execute(f'comment on table incoming.main."{name}" is {_literal(comment)}').fetchall()
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns() where database_name = 'candidate' "
            "and schema_name = ? and comment is not null and comment <> ''",
            [MART_SCHEMA],
        ).fetchall()
        for table, column, comment in columns:
            con.execute(f'comment on column incoming.main."{table}"."{column}" is {_literal(comment)}').fetchall()
        con.execute(
            "create table incoming.main.meta_snapshot as select ?::varchar as snapshot_id, "
            "?::timestamptz as published_at, ?::varchar as run_id, ?::varchar as candidate",
            [snapshot_id, published_at, run_id, candidate.name],
        ).fetchall()
        con.execute(
            "comment on table incoming.main.meta_snapshot is "
            "'Veröffentlichter Stand: Snapshot-ID, Zeitpunkt, Lauf und Kandidat, aus dem er gebaut wurde.'"
        ).fetchall()
        con.execute("detach incoming").fetchall()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return tables


def _literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters); the text comes from our own dbt docs."""
    return "'" + " ".join(text.split()).replace("'", "''") + "'"
