"""Rows a source delivered that fail its checks: kept apart with a reason, never lost, never loaded.

The ingest step classifies each parsed row: the first failing connector check (e.g. "unknown
district key", "water level out of range") names the reason; a row repeating another row exactly is a
"duplicate row"; rows that share a natural key but differ are "conflicting rows for key (…)". A
connector may also name a row's problem itself in a ``_problem`` column (e.g. "unreadable number in
'Anzahl Ladepunkte'", see :mod:`regiohub.ingest.connectors.csv_values`): it comes first, and the column
itself is dropped (raw never holds it). Such
rows go to ``quarantine/<source>/<entity>/<load_id>.parquet`` (all columns, ``_reason`` and the
lineage columns); the rest to raw. Query them with::

    select _reason, count(*) from read_parquet('data/quarantine/*/*/*.parquet', union_by_name = true) group by 1
"""

from __future__ import annotations

import duckdb

from regiohub.core import duckdb_settings, settings
from regiohub.store import layout

quarantine_dir = layout.quarantine_root


def quote(name: str) -> str:
    """A DuckDB identifier, quoted (any name from a file or catalogue goes into SQL only through here)."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def classify(
    con: duckdb.DuckDBPyConnection,
    view: str,
    table: str,
    checks: tuple[tuple[str, str], ...],
    keys: tuple[str, ...] | None,
) -> tuple[int, dict[str, int]]:
    """Create view ``table`` = ``view`` plus ``_reason`` (NULL for good rows); return (rows, reasons).

    One aggregate pass first looks for repeated rows or keys; only if there are any are the
    (costlier) window functions that name them added.
    """
    all_cols = con.table(view).columns
    cols = [c for c in all_cols if c not in ("_payload", "_problem")]
    row_hash = f"hash({', '.join(quote(c) for c in cols)})"
    whens = [f"when coalesce(({cond}), false) then {_lit(reason)}" for reason, cond in checks]
    if "_problem" in all_cols:  # the connector's own finding comes first
        whens.insert(0, "when _problem is not null then _problem")
    check_reason = f"case {' '.join(whens)} end" if whens else "null::varchar"
    columns = "* exclude (_problem)" if "_problem" in all_cols else "*"
    # a key repeats if a row repeats: without keys, whole rows are compared (by hash)
    identity = f"hash({', '.join(quote(k) for k in keys)})" if keys else row_hash  # one integer: a fast distinct
    total, distinct, histogram = con.execute(
        f"select count(*), count(distinct _identity), histogram(_reason) filter (where _reason is not null) "
        f'from (select {identity} as _identity, {check_reason} as _reason from "{view}")'
    ).fetchall()[0]
    if distinct == total:  # the usual case: no window functions, the reasons are counted already
        con.execute(f'create or replace temp view "{table}" as select {columns}, {check_reason} as _reason '
                    f'from "{view}"').fetchall()
        return total, dict(sorted((histogram or {}).items(), key=lambda kv: -kv[1]))
    if keys:  # identical rows under a key are duplicates, differing ones conflicts
        by_key = f"partition by {', '.join(quote(k) for k in keys)}"
        same = f"min({row_hash}) over ({by_key}) = max({row_hash}) over ({by_key})"
        whens.append(f"when {same} and row_number() over ({by_key}) > 1 then 'duplicate row'")
        whens.append(f"when not ({same}) then {_lit('conflicting rows for key (' + ', '.join(keys) + ')')}")
    else:
        whens.append(f"when row_number() over (partition by {row_hash}) > 1 then 'duplicate row'")
    con.execute(f'create or replace temp table "{table}" as select {columns}, case {" ".join(whens)} end as _reason '
                f'from "{view}"').fetchall()
    reasons = con.execute(
        f'select _reason, count(*) from "{table}" where _reason is not null group by 1 order by 2 desc'
    ).fetchall()
    return total, dict(reasons)


def summary(data: settings.Paths, source_id: str | None = None) -> dict[tuple[str, str, str], int]:
    """(source, entity, reason) -> quarantined rows, over all loads."""
    pattern = quarantine_dir(data) / (source_id or "*") / "*" / "*.parquet"
    if not any(quarantine_dir(data).glob(f"{source_id or '*'}/*/*.parquet")):
        return {}
    with duckdb_settings.connect() as con:
        rows = con.execute(
            "select _source_id, regexp_extract(filename, '/([^/]+)/[^/]+\\.parquet$', 1), _reason, count(*) "
            "from read_parquet(?, union_by_name = true, filename = true) group by all",
            [str(pattern)],
        ).fetchall()
    return {(s, e, r): n for s, e, r, n in rows}
