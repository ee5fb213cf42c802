"""Publishing a changed snapshot through the real publisher (for tests of what readers make of it)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from regiohub.core import settings
from regiohub.publish.swap import publish_candidate


def publish_changed(data_dir: Path, sql: str = "", params: list | None = None) -> str:
    """Publish a new snapshot through the real publisher: the published tables, optionally changed by ``sql``."""
    data = settings.paths(data_dir)
    candidate = data.build / f"candidate-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.duckdb"
    with duckdb.connect(str(candidate)) as con:
        con.execute("ATTACH ? AS pub (READ_ONLY)", [str(data.published)])
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'pub'").fetchall():
            if name != "meta_snapshot":
                con.execute(f'CREATE TABLE main."{name}" AS FROM pub.main."{name}"')
        con.execute("DETACH pub")
        if sql:
            con.execute(sql, params or [])
    return publish_candidate(candidate, data).snapshot_id
