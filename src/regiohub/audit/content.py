"""Content checks of the gate, in DuckDB SQL over the candidate (and the published snapshot).

* ``values_finite`` — no indicator value is infinite or NaN;
* ``series_kept`` — every series (indicator × region) of the published snapshot is still there, unless
  the catalogue dropped the indicator;
* ``catalogue_coverage`` — every indicator of the catalogue has, for every partner, a value (or a
  suppression flag) for its latest period, unless ``great_expectations/coverage_exceptions.yml`` states
  why not. This one also guards a first publish.

Each finding names the check, the series and the sources behind the indicator (for isolation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from regiohub.core import duckdb_settings, settings

CHECKS = ("values_finite", "series_kept", "catalogue_coverage")
EXCEPTIONS_FILE = settings.GX_DIR / "coverage_exceptions.yml"
_SHOWN = 5


@dataclass
class Finding:
    check: str
    indicator_id: str
    detail: str
    sources: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        return f"{self.check}: {self.indicator_id} — {self.detail}"


def coverage_exceptions(path: Path = EXCEPTIONS_FILE) -> list[tuple[str, str]]:
    """(indicator_id, partner_id) pairs that are known not to have a value, each with a stated reason."""
    if not path.exists():
        return []
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for item in doc.get("exceptions", []):
        if not item.get("reason"):
            raise ValueError(f"{path.name}: exception for {item.get('indicator_id')} states no reason")
        pairs += [(item["indicator_id"], p) for p in item.get("partners", [])]
    return pairs


def content_findings(candidate: Path, published: Path | None) -> list[Finding]:
    """Run every content check; return the findings (empty: all passed)."""
    with duckdb_settings.connect() as con:
        con.execute("attach ? as cand (read_only)", [str(candidate)])
        con.execute("create temp table exceptions (indicator_id varchar, partner_id varchar)")
        pairs = coverage_exceptions()
        if pairs:
            con.executemany("insert into exceptions values (?, ?)", pairs)
        indicator_columns = _columns(con, "dim_indicator")
        ids = "source_ids" if "source_ids" in indicator_columns else "[source_id]"  # older marts: one source
        sources = dict(con.execute(f"select indicator_id, {ids} from cand.main.dim_indicator").fetchall())
        rows = _finite(con)
        if published is not None and published.is_file():
            con.execute("attach ? as pub (read_only)", [str(published)])
            rows += _kept(con)
        suppressed = "v.is_suppressed" if "is_suppressed" in _columns(con, "fct_partner_indicator_value") else "false"
        rows += _coverage(con, suppressed)
    return [Finding(check, ind, detail, list(sources.get(ind) or [])) for check, ind, detail in rows]


def _finite(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    rows = con.execute(
        f"""
        select indicator_id, count(*), string_agg(region_ars || ' ' || period || ' = ' || value, ', ')
            filter (where rn <= {_SHOWN})
        from (select *, row_number() over (partition by indicator_id order by region_ars, period) as rn
              from cand.main.fct_indicator_value where isinf(value) or isnan(value))
        group by indicator_id order by indicator_id
        """
    ).fetchall()
    return [("values_finite", ind, f"{n} values not finite, e.g. {shown}") for ind, n, shown in rows]


def _kept(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    rows = con.execute(
        f"""
        with previous as (select distinct indicator_id, region_ars from pub.main.fct_indicator_value),
        current as (select distinct indicator_id, region_ars from cand.main.fct_indicator_value),
        gone as (
            select p.*, r.name from previous p
            join cand.main.dim_indicator i using (indicator_id)  -- still in the catalogue
            left join cand.main.dim_region r on r.ars = p.region_ars
            where not exists (select 1 from current c
                              where c.indicator_id = p.indicator_id and c.region_ars = p.region_ars)
        )
        select indicator_id, count(*), string_agg(coalesce(name, region_ars) || ' (' || region_ars || ')', ', ')
            filter (where rn <= {_SHOWN})
        from (select *, row_number() over (partition by indicator_id order by region_ars) as rn from gone)
        group by indicator_id order by indicator_id
        """
    ).fetchall()
    return [("series_kept", ind, f"{n} series of the published snapshot missing from the candidate "
             f"without a reason in the catalogue: {shown}") for ind, n, shown in rows]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = 'cand' and table_name = ?", [table]
    ).fetchall()}


def _coverage(con: duckdb.DuckDBPyConnection, suppressed: str) -> list[tuple[str, str, str]]:
    rows = con.execute(
        f"""
        with partners as (select partner_id, name from cand.main.dim_region where is_partner),
        latest as (
            select i.indicator_id, max(v.period_start) as period_start from cand.main.dim_indicator i
            left join cand.main.fct_partner_indicator_value v using (indicator_id) group by all
        ),
        missing as (
            select l.indicator_id, p.partner_id, p.name, l.period_start from latest l cross join partners p
            where not exists (
                select 1 from cand.main.fct_partner_indicator_value v
                where v.indicator_id = l.indicator_id and v.partner_id = p.partner_id
                  and v.period_start = l.period_start and (v.value is not null or {suppressed})
            )
            and not exists (select 1 from exceptions e
                            where e.indicator_id = l.indicator_id and e.partner_id = p.partner_id)
        )
        select indicator_id, any_value(period_start), count(*), string_agg(name, ', ') filter (where rn <= {_SHOWN})
        from (select *, row_number() over (partition by indicator_id order by partner_id) as rn from missing)
        group by indicator_id order by indicator_id
        """
    ).fetchall()
    return [
        ("catalogue_coverage", ind, f"no value for {period or 'any period'} and no reason in the catalogue "
         f"for {n} partners: {shown}")
        for ind, period, n, shown in rows
    ]
