"""Regionaldatenbank Deutschland (GENESIS REST 2020): population tables 12411-01-01-4 (Kreise) and -5 (Gemeinden).

Fetch: ``POST …/genesisws/rest/2020/data/tablefile`` with the account token in the ``username``
header and an empty ``password`` header (credentials only in headers, never in the URL); the token
comes from the environment variable named in the registry (``credentials_env``). The answer is a
ZIP holding one flat-file CSV (see :mod:`regiohub.ingest.connectors.genesis_ffcsv` for the layouts).

Both tables are accepted, as fetched or as the operator downloaded them (ZIP or CSV, any name, ffcsv
or the older flat layout); a payload of any other table is rejected, naming it. The service answers
``area=all`` with the rows of every regional level: Gemeinden (``GEMEIN``), Kreise (``KREISE``) and
Länder (``DLAND``) are kept — each level's official figure — and Germany (``DINSG``) and the
Regierungsbezirke (``REGBEZ``) set aside with a note. Rows of every Land are kept (the build picks the
cooperation's Land), each with the table it came from and the answer's release (``released_at``);
for one key and date the build takes the newest release. Rows whose value is a quality flag instead of a number
(``.`` secret, ``x`` not meaningful, ``/`` too uncertain) and unreadable numbers are quarantined
with their reason; ``-`` (nothing) is the value 0 with its flag kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from regiohub.ingest.connectors.base import Connector, FetchContext
from regiohub.ingest.connectors.genesis_ffcsv import CHECKS
from regiohub.ingest.connectors.genesis_intake import Table, read_tables, request_tablefile
from regiohub.ingest.connectors.region import cooperation_land, judge_region_keys
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

LEVELS = (("KREISE", ("kreis", "BEVSTD")), ("DLAND", ("land", "BEVSTD")))
TABLES = {
    "12411-01-01-4": Table("12411-01-01-4", "12411", LEVELS, frozenset({"GES"})),
    "12411-01-01-5": Table("12411-01-01-5", "12411", (("GEMEIN", ("gemeinde", "BEVSTD")), *LEVELS),
                           frozenset({"GES"}), marker="GEMEIN"),
}


class RegionalstatistikConnector(Connector):
    entities = RAW_ENTITIES["regionalstatistik_ffcsv"].entities
    accumulate = RAW_ENTITIES["regionalstatistik_ffcsv"].accumulate
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

    def older_release(self, data: object, source: Source, load_id: str) -> tuple[str, str] | None:
        """An earlier load holds a newer release of every level and date of the Land this load brought.

        The ranking is the build's (``stg_regionalstatistik__population``): a publisher's or operator's file
        before a sample recording, then the answer's own release time (a live answer without one: its fetch
        time; an undated operator file: below every dated release), then the newer load.
        """
        from regiohub.core import duckdb_settings
        from regiohub.store.loads import raw_files
        from regiohub.store.state import all_loads

        files = raw_files(data, source.id, "values")
        with duckdb_settings.connect() as con:
            names = {r[0] for r in con.execute("describe select * from read_parquet($f, union_by_name = true)",
                                               {"f": files}).fetchall()}
            if not {"level", "released_at"} <= names:
                return None
            groups = con.execute(
                "select _load_id, level, reference_date, max(released_at) from read_parquet($f, union_by_name = true) "
                "where starts_with(region_code, $land) and level is not null group by all",
                {"f": files, "land": cooperation_land()},
            ).fetchall()
        ledger = all_loads(data, source.id)

        def rank(load: str, released: datetime | None) -> tuple:
            entry = ledger.get(load, {})
            when = released.isoformat() if released else ""
            if not when and entry.get("origin") == "publisher" and entry.get("fetched_at"):
                when = datetime.fromisoformat(entry["fetched_at"]).astimezone(UTC).replace(tzinfo=None).isoformat()
            return (entry.get("origin") in ("publisher", "operator"), when, load)

        best: dict[tuple, tuple] = {}
        for load, level, day, released in groups:
            key = (level, day)
            best[key] = max(best.get(key, rank(load, released)), rank(load, released))
        mine = [(lv, day) for load, lv, day, _ in groups if load == load_id]
        if not mine or any(best[k][2] == load_id for k in mine):
            return None
        by = best[mine[0]][2]
        days = ", ".join(sorted({str(day) for _, day in mine}))
        return by, (f"older release than load {by} for every date it holds ({days}): kept in raw, not published "
                    "(the newest release of a date wins, whatever the loading order)")

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        accepted = [TABLES[t] for t in _tables(source, "tables") if t in TABLES]
        rel = read_tables(con, landing_dir, source, workdir, accepted, self.notes)
        return {"values": judge_region_keys(con, rel, "population_values", self.notes)}


def _tables(source: Source, param: str) -> list[str]:
    """Table codes from a comma-separated registry parameter; ``tables`` defaults to both 12411 tables."""
    default = ",".join(TABLES) if param == "tables" else ""
    return [t.strip() for t in source.params.get(param, default).split(",") if t.strip()]
