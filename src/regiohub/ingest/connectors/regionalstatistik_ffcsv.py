"""Regionaldatenbank Deutschland (GENESIS REST 2020): population tables 12411-01-01-4 (Kreise) and -5 (Gemeinden).

Fetch: ``POST …/genesisws/rest/2020/data/tablefile`` with the account token in the ``username``
header and an empty ``password`` header (credentials only in headers, never in the URL); the token
comes from the environment variable named in the registry (``credentials_env``). The answer is a
ZIP holding one flat-file CSV (see :mod:`regiohub.ingest.connectors.genesis_ffcsv` for the layouts).

Both tables are accepted, as fetched or as the operator downloaded them (ZIP or CSV, any name); a
payload of any other table is rejected. Rows whose value is a quality flag instead of a number
(``.`` secret, ``x`` not meaningful, ``/`` too uncertain) and unreadable numbers are quarantined
with their reason; ``-`` (nothing) is the value 0 with its flag kept.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.ingest.connectors.base import Connector, FetchContext
from regiohub.ingest.connectors.genesis_ffcsv import CHECKS
from regiohub.ingest.connectors.genesis_intake import Table, read_tables, request_tablefile
from regiohub.registry.model import Source

TABLES = {
    "12411-01-01-4": Table("12411-01-01-4", "12411", "KREISE", "BEVSTD"),
    "12411-01-01-5": Table("12411-01-01-5", "12411", "GEMEIN", "BEVSTD"),
}


class RegionalstatistikConnector(Connector):
    entities = ("values",)
    accumulate = ("values",)  # backfills of earlier years add to what is there
    keys = {"values": ("statistics_code", "reference_date", "region_code", "value_variable_code",
                       "variable_2_attribute_code")}
    checks = {
        "values": (
            *CHECKS,
            ("unknown region key", r"not regexp_full_match(region_code, 'DG|(0[1-9]|1[0-6])([0-9]{1,10})?')"),
        )
    }
    supports_backfill = True

    def fetch(self, ctx: FetchContext) -> None:
        years = {}
        if ctx.backfill:
            years = {"startyear": str(ctx.backfill[0].year), "endyear": str(ctx.backfill[1].year)}
        elif "startyear" in ctx.source.params:
            years = {"startyear": ctx.source.params["startyear"]}
        for table in _tables(ctx.source, "table"):
            request_tablefile(ctx, table, **years)

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        accepted = [TABLES[t] for t in _tables(source, "tables") if t in TABLES]
        rel = read_tables(con, landing_dir, source, workdir, accepted, self.notes)
        return {"values": rel}


def _tables(source: Source, param: str) -> list[str]:
    """Table codes from a comma-separated registry parameter; ``tables`` defaults to both 12411 tables."""
    default = ",".join(TABLES) if param == "tables" else ""
    return [t.strip() for t in source.params.get(param, default).split(",") if t.strip()]
