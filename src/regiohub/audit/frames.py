"""What the suites validate: mart tables read from the candidate, derived frames, and run-time parameters.

GX's SQL datasource gives wrong results on DuckDB (via duckdb-engine), so every table is read into pandas and
validated with GX's pandas engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import get_args

import duckdb
import pandas as pd

from regiohub.registry import Domain, Registry

DOMAINS: tuple[str, ...] = get_args(Domain)


def read_tables(candidate: Path, names: set[str]) -> dict[str, pd.DataFrame]:
    """Read the named tables (those that exist) of schema ``main`` from the candidate, read-only."""
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        present = {
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        return {name: con.table(f"main.{name}").df() for name in sorted(names & present)}
    finally:
        con.close()


def partner_domain_coverage(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (partner, domain) with values in fct_partner_indicator_value; ``partner_domain`` = 'id/domain'."""
    values = frames["fct_partner_indicator_value"][["partner_id", "indicator_id"]]
    domains = frames["dim_indicator"][["indicator_id", "domain"]]
    joined = values.merge(domains, on="indicator_id", how="inner").dropna(subset=["partner_id", "domain"])
    coverage = joined.groupby(["partner_id", "domain"], as_index=False).size().rename(columns={"size": "n_values"})
    coverage["partner_domain"] = coverage["partner_id"].astype(str) + "/" + coverage["domain"].astype(str)
    return coverage


# Frames computed from mart tables: suite name -> (tables it needs, builder).
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[dict[str, pd.DataFrame]], pd.DataFrame]]] = {
    "fct_partner_indicator_value_coverage": (("fct_partner_indicator_value", "dim_indicator"), partner_domain_coverage),
}


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
