"""Publish a new snapshot (same tables) through the real publisher."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from regiohub.core import settings
from regiohub.publish.swap import publish_candidate


def publish_again(data: settings.Paths) -> str:
    candidate = data.build / f"candidate-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.duckdb"
    with duckdb.connect(str(candidate)) as con:
        con.execute("ATTACH ? AS pub (READ_ONLY)", [str(data.published)])
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'pub'").fetchall():
            if name != "meta_snapshot":
                con.execute(f'CREATE TABLE main."{name}" AS FROM pub.main."{name}"')
    return publish_candidate(candidate, data).snapshot_id
