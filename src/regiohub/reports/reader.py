"""Read-only access to a mart file for code outside Streamlit, and schema checks shared with the dashboards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from regiohub.core import duckdb_settings


class Reader(Protocol):
    """Anything that runs a parameterised query on the mart and returns a DataFrame."""

    def query(self, sql: str, params: Sequence[Any] = ...) -> pd.DataFrame: ...


@dataclass(frozen=True)
class DuckDBReader:
    """One read-only connection per query on a mart file (DuckDB connections are not thread-safe)."""

    path: Path

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with duckdb_settings.connect(self.path, read_only=True) as con:
            return con.sql(sql, params=list(params)).to_arrow_table().to_pandas()


def table_columns(reader: Reader, table: str) -> frozenset[str]:
    """The columns of a mart table (empty if the table does not exist)."""
    df = reader.query(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?", [table]
    )
    return frozenset(df["column_name"])


def optional(columns: frozenset[str], column: str, default: str, alias: str = "") -> str:
    """``alias.column`` if the mart has it, else ``default AS column`` (for columns other issues add)."""
    prefix = f"{alias}." if alias else ""
    return f"{prefix}{column}" if column in columns else f"{default} AS {column}"
