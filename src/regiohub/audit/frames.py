"""What the suites validate: mart tables read from the candidate (whole, or only the rows an incremental build
changed), and run-time parameters.

GX's SQL datasource gives wrong results on DuckDB (via duckdb-engine), so the rows are validated with GX's pandas
engine — in bounded batches streamed from DuckDB (:mod:`regiohub.audit.batches`), never a whole table in one
frame; what must see every row is aggregated in DuckDB first (:mod:`regiohub.audit.derived`), and an incremental
build reads only its changed rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import duckdb
import pandas as pd

from regiohub.audit.batches import Rows
from regiohub.ingest.quarantine import quote
from regiohub.registry.model import Domain, Registry

DOMAINS: tuple[str, ...] = get_args(Domain)
DIMENSIONS = ("dim_region", "dim_indicator", "dim_source")  # small; always validated whole


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """Table ``cand.main.<table>`` (a name of the candidate's catalogue) whole, as a DataFrame: the small
    dimensions only; the other tables are read in batches (:func:`table_rows`)."""
    return con.execute(f"select * from cand.main.{quote(table)}").df()


def table_rows(con: duckdb.DuckDBPyConnection, table: str, changed_only: bool = False,
               key: list[str] | None = None, columns: set[str] | None = None) -> Rows:
    """The rows of ``cand.main.<table>`` (a name of the candidate's catalogue, never from data) to validate.

    ``changed_only``: just the rows that are not in the published snapshot's table (``pub``) — the new and
    changed partitions of an incremental build — and, with a ``key`` (column names from the reviewed suite),
    every row sharing a key with them, so that uniqueness is checked against the unchanged rows too.
    ``columns``: only these of the table's columns (those its suite reads; e.g. not the load-id lists).
    """
    present = [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = 'cand' and schema_name = 'main' "
        "and table_name = ? order by column_index", [table]).fetchall()]
    wanted = tuple(c for c in present if columns is None or c in columns) or tuple(present)
    base = f"cand.main.{quote(table)} t"
    if not changed_only:
        return Rows(wanted, base, order="t.rowid")
    changed = f"select * from cand.main.{quote(table)} except all select * from pub.main.{quote(table)}"
    if not key:
        return Rows(wanted, f"({changed}) t")
    on = " and ".join(f"t.{quote(c)} is not distinct from c.{quote(c)}" for c in key)
    keys = ", ".join(quote(c) for c in key)
    return Rows(wanted, f"{base} semi join (select distinct {keys} from ({changed})) c on {on}", order="t.rowid")


def suite_columns(suites_dir: Path, extra: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Per suite, the columns its expectations read (and ``extra``: the columns failing rows are named by)."""
    out = {}
    for path in suites_dir.glob("*.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        names = set(extra) | set((spec.get("meta") or {}).get("row_keys") or [])
        for item in spec.get("expectations") or []:
            kwargs = item.get("kwargs") or {}
            names |= {kwargs.get(k) for k in ("column", "column_A", "column_B")}
            names |= set(kwargs.get("column_list") or []) | set(kwargs.get("column_set") or [])
            condition = kwargs.get("row_condition")
            if isinstance(condition, dict) and isinstance(condition.get("column"), dict):
                names.add(condition["column"].get("name"))
        out[path.stem] = {n for n in names if isinstance(n, str)}
    return out


def suite_keys(suites_dir: Path) -> dict[str, list[str]]:
    """Per suite, the columns its (compound) uniqueness expectation names."""
    keys = {}
    for path in suites_dir.glob("*.json"):
        for item in json.loads(path.read_text(encoding="utf-8")).get("expectations") or []:
            kwargs = item.get("kwargs") or {}
            if item.get("type") == "expect_compound_columns_to_be_unique":
                keys[path.stem] = list(kwargs.get("column_list") or [])
            elif item.get("type") == "expect_column_values_to_be_unique" and path.stem not in keys:
                keys[path.stem] = [kwargs.get("column")]
    return {name: [c for c in cols if isinstance(c, str)] for name, cols in keys.items()}


def run_parameters(frames: dict[str, pd.DataFrame], registry: Registry) -> dict[str, list[str] | int]:
    """Values of the ``$PARAMETER`` references in the suites (data-dependent sets)."""
    partner_ids = [p.id for p in registry.partners]
    return {
        "region_ars": _distinct(frames, "dim_region", "ars"),
        "indicator_ids": _distinct(frames, "dim_indicator", "indicator_id"),
        "source_ids": _distinct(frames, "dim_source", "source_id"),
        "partner_ids": partner_ids,
        "partner_count": len(partner_ids),
        "partner_domains": [f"{p}/{d}" for p in partner_ids for d in DOMAINS],
    }


def _distinct(frames: dict[str, pd.DataFrame], table: str, column: str) -> list[str]:
    frame = frames.get(table)
    if frame is None or column not in frame.columns:
        return []
    return sorted(frame[column].dropna().astype(str).unique().tolist())
