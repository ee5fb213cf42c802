"""What the suites validate: mart tables read from the candidate, derived frames, and run-time parameters.

GX's SQL datasource gives wrong results on DuckDB (via duckdb-engine), so every table is read into pandas and
validated with GX's pandas engine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pandas as pd

from regiohub import duckdb_settings
from regiohub.registry import Domain, Registry

DOMAINS: tuple[str, ...] = get_args(Domain)


def read_tables(candidate: Path, names: set[str]) -> dict[str, pd.DataFrame]:
    """Read the named tables (those that exist) of schema ``main`` from the candidate, read-only."""
    con = duckdb_settings.connect(candidate, read_only=True)
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


PREVIOUS = "previous:"  # frames of the currently published snapshot are keyed "previous:<table>"
MART_TABLES = (
    "dim_region", "dim_indicator", "dim_source", "fct_indicator_value", "fct_partner_indicator_value",
    "fct_water_level_daily",
)


def row_counts(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows per mart table now and in the published snapshot; ``ratio`` is NaN when nothing is published."""
    rows = []
    for table in MART_TABLES:
        if table not in frames:
            continue
        previous = frames.get(PREVIOUS + table)
        before = len(previous) if previous is not None else None
        rows.append({
            "table_name": table,
            "rows": len(frames[table]),
            "previous_rows": before,
            "ratio": len(frames[table]) / before if before else float("nan"),
        })
    return pd.DataFrame(rows, columns=["table_name", "rows", "previous_rows", "ratio"])


def value_shift(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per indicator, the median ratio of values to the published snapshot's values for the same region and period.

    A unit change (m instead of cm) or a scaling error moves it far from 1; ordinary corrections do not.
    """
    columns = ["indicator_id", "overlapping_values", "median_ratio"]
    previous = frames.get(PREVIOUS + "fct_indicator_value")
    if previous is None:
        return pd.DataFrame(columns=columns)
    key = ["region_ars", "indicator_id", "period_start"]
    now = frames["fct_indicator_value"][[*key, "value"]]
    joined = now.merge(previous[[*key, "value"]], on=key, suffixes=("", "_previous")).dropna()
    joined = joined[joined["value_previous"] != 0]
    joined["ratio"] = joined["value"] / joined["value_previous"]
    shift = joined.groupby("indicator_id", as_index=False).agg(
        overlapping_values=("ratio", "size"), median_ratio=("ratio", "median")
    )
    return shift[columns]


_STEP = {"day": "D", "month": "MS", "year": "YS"}


def period_gaps(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per region and indicator with a regular period (day, month, year): periods missing between first and last."""
    values = frames["fct_indicator_value"][["region_ars", "indicator_id", "period_start"]]
    types = frames["dim_indicator"][["indicator_id", "period_type"]]
    joined = values.merge(types, on="indicator_id")
    joined = joined[joined["period_type"].isin(list(_STEP))]
    rows = []
    for (region, indicator, period_type), group in joined.groupby(["region_ars", "indicator_id", "period_type"]):
        starts = pd.to_datetime(group["period_start"])
        expected = len(pd.date_range(starts.min(), starts.max(), freq=_STEP[period_type]))
        rows.append({
            "series": f"{indicator} @ {region}",
            "missing_periods": expected - starts.nunique(),
        })
    return pd.DataFrame(rows, columns=["series", "missing_periods"])


# Frames computed from mart tables: suite name -> (tables it needs, builder). Inputs starting with
# "previous:" are optional (nothing may be published yet).
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[dict[str, pd.DataFrame]], pd.DataFrame]]] = {
    "fct_partner_indicator_value_coverage": (("fct_partner_indicator_value", "dim_indicator"), partner_domain_coverage),
    "mart_row_counts": ((*MART_TABLES, *(PREVIOUS + t for t in MART_TABLES)), row_counts),
    "indicator_value_shift": (
        ("fct_indicator_value", PREVIOUS + "fct_indicator_value"), value_shift,
    ),
    "indicator_period_gaps": (("fct_indicator_value", "dim_indicator"), period_gaps),
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
