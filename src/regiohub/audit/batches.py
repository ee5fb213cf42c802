"""A suite's rows as a DuckDB query, read in bounded batches (never the whole table in one frame).

:class:`Rows` names the columns and the ``FROM`` clause (catalogue names and suite columns, quoted by
:func:`regiohub.ingest.quarantine.quote`; values are parameters). The rows are streamed in the order DuckDB
returns them (the table's insertion order, as a whole-table read gave them) in frames of at most
``BATCH_ROWS`` rows; what a batch cannot show — the rows sharing a key with another row anywhere in the table,
the distinct values of a column — is computed by DuckDB and handed over as its own small frame.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from regiohub.ingest.quarantine import quote

BATCH_ENV = "REGIOHUB_GATE_BATCH_ROWS"
BATCH_ROWS = 200_000  # rows per frame GX validates: the gate's memory is bounded by this, not by the table
_VECTOR = 2048  # DuckDB's rows per vector (fetch_df_chunk counts in vectors)


def batch_rows() -> int:
    """Rows per batch (``REGIOHUB_GATE_BATCH_ROWS``, default :data:`BATCH_ROWS`)."""
    value = os.environ.get(BATCH_ENV, "").strip()
    if not value:
        return BATCH_ROWS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{BATCH_ENV}={value[:40]!r}: expected a whole number of rows (1 or more)")
    return int(value)


@dataclass(frozen=True)
class Rows:
    """``select <columns> from <source>``; ``order`` is the expression giving the rows' read order.

    ``arrow``: convert through Arrow (raw Parquet, as the raw suites always read it), else DuckDB's own
    pandas conversion (the mart tables).
    """

    columns: tuple[str, ...]
    source: str
    params: tuple[object, ...] = ()
    order: str | None = None
    arrow: bool = False

    def _select(self, prefix: str = "t.") -> str:
        return ", ".join(prefix + quote(c) for c in self.columns) or "*"

    def count(self, con: duckdb.DuckDBPyConnection) -> int:
        return int(con.execute(f"select count(*) from {self.source}", list(self.params)).fetchall()[0][0])

    def batches(self, con: duckdb.DuckDBPyConnection, size: int) -> Iterator[pd.DataFrame]:
        """The rows in frames of at most ``size`` rows (one empty frame for no rows).

        Both reads stream: Arrow batches from a relation (Arrow from ``con.execute`` would copy every row
        first), DuckDB's pandas chunks from the executed query.
        """
        query, first = f"select {self._select()} from {self.source}", True
        if self.arrow:
            for batch in con.sql(query, params=list(self.params)).to_arrow_reader(size):
                if batch.num_rows or first:
                    yield batch.to_pandas()
                    first = False
            if first:
                yield pd.DataFrame(columns=list(self.columns))
            return
        result = con.execute(query, list(self.params))
        vectors = max(1, size // _VECTOR)  # DuckDB hands out whole vectors: a smaller batch is cut from one
        while True:
            with warnings.catch_warnings():  # DuckDB's own conversion uses a pandas keyword pandas deprecates
                warnings.filterwarnings("ignore", message="The inplace keyword")
                chunk = result.fetch_df_chunk(vectors)
            if chunk.empty:
                if first:
                    yield chunk
                return
            for start in range(0, len(chunk), size):
                yield chunk.iloc[start:start + size]
            first = False

    def duplicates(self, con: duckdb.DuckDBPyConnection, key: Sequence[str], skip_null: str,
                   limit: int) -> tuple[pd.DataFrame, int]:
        """Rows sharing their ``key`` with another row (in read order, at most ``limit``; indexed by ``order``)
        and how many there are in all.

        ``skip_null``: GX's ``ignore_row_if`` — rows whose key is all null (``all_values_are_missing``) or has
        a null (``any_value_is_missing``) are never duplicates.
        """
        cols = [f"t.{quote(c)}" for c in key]
        joiner = {"all_values_are_missing": " and ", "any_value_is_missing": " or "}.get(skip_null)
        where = f"where not ({joiner.join(f'{c} is null' for c in cols)})" if joiner else ""
        order = self.order or "1"
        inner = (f"select {self._select()}, {order} as _row, count(*) over (partition by {', '.join(cols)}) as _n "
                 f"from {self.source} {where}")
        frame = self._fetch(con, f"select * exclude (_n), count(*) over () as _dups from ({inner}) "
                                 f"where _n > 1 order by _row limit ?", [*self.params, limit])
        total = int(frame.pop("_dups").iloc[0]) if len(frame) else 0
        return frame.set_index("_row").rename_axis(None), total

    def distinct(self, con: duckdb.DuckDBPyConnection, column: str) -> pd.DataFrame:
        """The distinct values of ``column`` (what a distinct-value-set expectation reads)."""
        return self._fetch(con, f"select distinct t.{quote(column)} from {self.source}", list(self.params))

    def _fetch(self, con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> pd.DataFrame:
        if self.arrow:
            return con.sql(sql, params=params).to_arrow_table().to_pandas()
        return con.execute(sql, params).df()
