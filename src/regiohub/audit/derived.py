"""Frames the suites validate that are computed from whole mart tables — in DuckDB, not in pandas.

Each is a small aggregate over the candidate (``cand``) and, where it compares, the published snapshot
(``pub``, attached only when something is published): these are the checks that must see every row,
also when an incremental build validates only the rows that changed.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

MART_TABLES = (
    "dim_region", "dim_indicator", "dim_source", "fct_indicator_value", "fct_partner_indicator_value",
    "fct_water_level_daily",
)


def tables(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    return {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'", [database]
    ).fetchall()}


def row_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows per mart table now and in the published snapshot; ``ratio`` is NaN when nothing is published."""
    now, before = tables(con, "cand"), tables(con, "pub") if _has_pub(con) else set()
    rows = []
    for table in MART_TABLES:  # names from the fixed list above, never from data
        if table not in now:
            continue
        n = con.execute(f'select count(*) from cand.main."{table}"').fetchall()[0][0]
        previous = con.execute(f'select count(*) from pub.main."{table}"').fetchall()[0][0] if table in before else None
        rows.append({"table_name": table, "rows": n, "previous_rows": previous,
                     "ratio": n / previous if previous else float("nan")})
    return pd.DataFrame(rows, columns=["table_name", "rows", "previous_rows", "ratio"])


def value_shift(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator, the median ratio of values to the published snapshot's values for the same region and period.

    A unit change (m instead of cm) or a scaling error moves it far from 1; ordinary corrections do not.
    """
    if not _has_pub(con) or "fct_indicator_value" not in tables(con, "pub"):
        return pd.DataFrame(columns=["indicator_id", "overlapping_values", "median_ratio"])
    return con.execute(
        """
        select n.indicator_id, count(*) as overlapping_values, median(n.value / p.value) as median_ratio
        from cand.main.fct_indicator_value n
        join pub.main.fct_indicator_value p using (region_ars, indicator_id, period_start)
        where n.value is not null and p.value is not null and not isnan(n.value) and not isnan(p.value)
            and p.value <> 0
        group by n.indicator_id order by n.indicator_id
        """
    ).df()


def period_gaps(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per region and indicator with a regular period (day, month, year): periods missing between first and last."""
    return con.execute(
        """
        with series as (
            select v.region_ars, v.indicator_id, i.period_type,
                   min(v.period_start) as first, max(v.period_start) as last,
                   count(distinct v.period_start) as present
            from cand.main.fct_indicator_value v join cand.main.dim_indicator i using (indicator_id)
            where i.period_type in ('day', 'month', 'year')
            group by all
        )
        select indicator_id || ' @ ' || region_ars as series,
               case period_type when 'day' then date_diff('day', first, last)
                                when 'month' then date_diff('month', first, last)
                                else date_diff('year', first, last) end + 1 - present as missing_periods
        from series order by indicator_id, region_ars
        """
    ).df()


def partner_domain_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per (partner, domain) with values in fct_partner_indicator_value; ``partner_domain`` = 'id/domain'."""
    return con.execute(
        """
        select v.partner_id, i.domain, count(*) as n_values, v.partner_id || '/' || i.domain as partner_domain
        from cand.main.fct_partner_indicator_value v join cand.main.dim_indicator i using (indicator_id)
        where v.partner_id is not null and i.domain is not null
        group by all order by all
        """
    ).df()


def _has_pub(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select 1 from duckdb_databases() where database_name = 'pub'").fetchall())


# suite name -> (mart tables it needs, builder)
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]]] = {
    "fct_partner_indicator_value_coverage": (("fct_partner_indicator_value", "dim_indicator"), partner_domain_coverage),
    "mart_row_counts": ((), row_counts),
    "indicator_value_shift": (("fct_indicator_value",), value_shift),
    "indicator_period_gaps": (("fct_indicator_value", "dim_indicator"), period_gaps),
}
