"""The partner region at ingest: a release without a single row for it is rejected, not loaded."""

from __future__ import annotations

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.csv_payloads import PublisherCsv, shown
from regiohub.registry.model import Source, load_registry


def region_kreise() -> list[str]:
    """The 5-digit keys of the Kreise the partners lie in (from the registry file)."""
    return sorted({p.ars[:5] for p in load_registry().partners})


def require_region_rows(
    con: duckdb.DuckDBPyConnection, name: str, condition: str, source: Source, table: PublisherCsv
) -> None:
    """Reject a release without a single row for the region (``condition`` uses ``$kreise``).

    ``name`` and ``condition`` are the connector's own constants (temp table, column test), never payload text.
    """
    hit = con.execute(f'select 1 from "{name}" where {condition} limit 1', {"kreise": region_kreise()}).fetchall()
    if not hit:  # the first row for the region ends the scan
        raise no_region_rows(source, table)


def no_region_rows(source: Source, table: PublisherCsv) -> SourceError:
    return SourceError(
        source.id,
        f"{shown(table.original.name)} has no rows for the region (Kreise {', '.join(region_kreise())}): "
        "release rejected",
    )
