"""Regionaldatenbank Deutschland (GENESIS REST 2020): a table as flat-file CSV, e.g. 12411-01-01-5.

Fetch: ``POST …/genesisws/rest/2020/data/tablefile`` with the account token in the ``username``
header and an empty ``password`` header (since 2025 credentials go in headers, never in the URL);
the token comes from the environment variable named in the registry (``credentials_env``).

Two layouts are read:

* ffcsv: ``statistics_code;…;time;1_variable_code;…;1_variable_attribute_code;…;value;value_unit;
  value_variable_code;value_variable_label;value_q`` (one value per row);
* the older "flat" export: ``Statistik_Code;…;Zeit;1_Merkmal_Code;1_Merkmal_Label;1_Auspraegung_Code;
  1_Auspraegung_Label;<CODE>__<label>__<unit>…`` (one column per value variable), unpivoted here.

Values may be the quality flags ``-`` (nothing), ``.`` (unknown/secret), ``x`` (not meaningful),
``/`` (too uncertain): value NULL, flag kept. Dates come as ``2023-12-31`` or ``31.12.2023``.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from regiohub.connectors.base import (
    Connector,
    FetchContext,
    column_names,
    duckdb_error,
    find_payloads,
    materialise,
    reject_error_page,
    require_columns,
)
from regiohub.connectors.csv_payloads import as_utf8
from regiohub.errors import SourceError
from regiohub.http import is_offline
from regiohub.registry import Source

FLAGS = ("-", ".", "x", "/")
FFCSV = ("statistics_code", "time", "1_variable_code", "1_variable_attribute_code", "1_variable_attribute_label",
         "value", "value_variable_code")
FLAT = ("Statistik_Code", "Zeit", "1_Merkmal_Code", "1_Auspraegung_Code", "1_Auspraegung_Label")
DATE = "coalesce(try_strptime(trim({c}), '%Y-%m-%d'), try_strptime(trim({c}), '%d.%m.%Y'))::date"
NUMBER = "case when trim({c}) in {flags} then null else try_cast(replace(trim({c}), ',', '.') as double) end"


class RegionalstatistikConnector(Connector):
    entities = ("values",)
    accumulate = ("values",)  # backfills of earlier years add to what is there
    keys = {"values": ("statistics_code", "reference_date", "region_code", "value_variable_code",
                       "variable_2_attribute_code")}
    checks = {
        "values": (
            ("unreadable date or value", f"reference_date is null or (value is null and value_text not in {FLAGS})"),
            ("unknown region key", r"not regexp_full_match(region_code, 'DG|(0[1-9]|1[0-6])([0-9]{1,10})?')"),
            ("value out of range", "value < 0"),
        )
    }
    supports_backfill = True

    def fetch(self, ctx: FetchContext) -> None:
        table = ctx.source.params["table"]
        years = {}
        if ctx.backfill:
            years = {"startyear": str(ctx.backfill[0].year), "endyear": str(ctx.backfill[1].year)}
        elif "startyear" in ctx.source.params:
            years = {"startyear": ctx.source.params["startyear"]}
        ctx.get(
            ctx.source.resolved_url(),
            ctx.landing_dir / f"{table}_ffcsv.csv",
            method="POST",
            conditional=False,
            headers=_credentials(ctx.source),
            data={"name": table, "area": "all", "compress": "false", "format": "ffcsv", "language": "de", **years},
        )

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        rels = []
        for i, path in enumerate(find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")):
            reject_error_page(path, source, "CSV")
            utf8 = as_utf8(path, source, workdir)
            reader = "read_csv($file, header = true, delim = ';', all_varchar = true, strict_mode = true)"
            params = {"file": str(utf8), "payload": str(path)}
            try:
                header = column_names(con, reader, {"file": str(utf8)})
                if "statistics_code" in header:
                    require_columns(header, FFCSV, source, path.name)
                    query = _ffcsv(reader, header)
                elif "Statistik_Code" in header:
                    require_columns(header, FLAT, source, path.name)
                    query = _flat(reader, header, source, path)
                else:
                    require_columns(header, FFCSV, source, path.name)
                rels.append(materialise(con, f"values_{i}", query, params))
            except duckdb.Error as exc:
                raise duckdb_error(source, path, exc) from None
        rel = rels[0]
        for more in rels[1:]:
            rel = rel.union(more)
        return {"values": rel}


def _credentials(source: Source) -> dict[str, str]:
    """Headers with the account token from the environment; offline (replay server) none are needed."""
    token = os.environ.get(source.credentials_env or "")
    if token:
        return {"username": token, "password": ""}
    if is_offline():
        return {}
    raise SourceError(source.id, f"set the environment variable {source.credentials_env} to the account token")


def _col(header: list[str], name: str) -> str:
    return f'"{name}"' if name in header else "null::varchar"


def _ffcsv(reader: str, header: list[str]) -> str:
    return f"""
        select
            statistics_code,
            {_col(header, 'statistics_label')} as statistics_label,
            {DATE.format(c='"time"')} as reference_date,
            "1_variable_code" as region_variable,
            trim("1_variable_attribute_code") as region_code,
            trim("1_variable_attribute_label") as region_label,
            {_col(header, '2_variable_code')} as variable_2_code,
            {_col(header, '2_variable_attribute_code')} as variable_2_attribute_code,
            {_col(header, '2_variable_attribute_label')} as variable_2_attribute_label,
            value_variable_code,
            {_col(header, 'value_variable_label')} as value_variable_label,
            {_col(header, 'value_unit')} as value_unit,
            {NUMBER.format(c='"value"', flags=FLAGS)} as value,
            trim("value") as value_text,
            coalesce(nullif(trim({_col(header, 'value_q')}), ''),
                     case when trim("value") in {FLAGS} then trim("value") end) as quality_flag,
            $payload as _payload
        from {reader}
    """


def _flat(reader: str, header: list[str], source: Source, path: Path) -> str:
    value_columns = [h for h in header if h.count("__") == 2]
    if not value_columns:
        raise SourceError(source.id, f"unknown column layout in {path.name}: no <CODE>__<label>__<unit> value column")
    unpivot = ", ".join(f'"{c}"' for c in value_columns)
    keep_empty = ", ".join(f"coalesce({_quoted(c)}, '') as {_quoted(c)}" for c in value_columns)  # UNPIVOT drops NULLs
    return f"""
        select
            "Statistik_Code" as statistics_code,
            {_col(header, 'Statistik_Label')} as statistics_label,
            {DATE.format(c='"Zeit"')} as reference_date,
            "1_Merkmal_Code" as region_variable,
            trim("1_Auspraegung_Code") as region_code,
            trim("1_Auspraegung_Label") as region_label,
            null::varchar as variable_2_code,
            null::varchar as variable_2_attribute_code,
            null::varchar as variable_2_attribute_label,
            split_part(value_column, '__', 1) as value_variable_code,
            split_part(value_column, '__', 2) as value_variable_label,
            split_part(value_column, '__', 3) as value_unit,
            {NUMBER.format(c='raw_value', flags=FLAGS)} as value,
            nullif(trim(raw_value), '') as value_text,
            case when trim(raw_value) in {FLAGS} then trim(raw_value) end as quality_flag,
            $payload as _payload
        from (unpivot (select * replace ({keep_empty}) from {reader}) on {unpivot}
              into name value_column value raw_value)
    """


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
