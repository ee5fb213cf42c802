"""Deutschlandatlas (BBSR/BMWSB): indicators per Kreis as one CSV (``Deutschlandatlas_KRS1222_*.csv``).

``;``-separated, decimal comma; the key columns ``Kennziffer`` (Kreis key, leading zero sometimes
dropped) and ``Raumeinheit``, then one column per indicator (``v_harzt`` = Hausärzte je 100.000
Einwohner, ``v_karzt`` = Kinderärzte …). Raw holds one row per Kreis and indicator; the registry's
``indicators`` param (comma-separated) limits which, ``reference_year`` says for when.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.connectors.base import (
    Connector,
    column_names,
    duckdb_error,
    find_payloads,
    materialise,
    reject_error_page,
    require_columns,
)
from regiohub.connectors.csv_payloads import as_utf8
from regiohub.errors import SourceError
from regiohub.registry import Source

KEYS = ("Kennziffer", "Raumeinheit")


class DeutschlandatlasConnector(Connector):
    entities = ("values",)
    keys = {"values": ("kreis_ags", "indicator")}
    checks = {
        "values": (
            ("unknown Kreis key", r"not regexp_full_match(kreis_ags, '(0[1-9]|1[0-6])[0-9]{3}')"),
            ("unreadable value", "value is null and value_text is not null"),
            ("value out of range", "value < 0"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        path = find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")[0]
        reject_error_page(path, source, "CSV")
        utf8 = as_utf8(path, source, workdir)
        reader = "read_csv($file, header = true, delim = ';', all_varchar = true, strict_mode = true)"
        try:
            header = column_names(con, reader, {"file": str(utf8)})
            require_columns(header, KEYS, source, path.name)
            wanted = [i.strip() for i in source.params.get("indicators", "").split(",") if i.strip()]
            indicators = wanted or [h for h in header if h.startswith("v_")]
            require_columns(header, indicators, source, path.name)
            if not indicators:
                raise SourceError(source.id, f"unknown column layout in {path.name}: no indicator columns (v_…)")
            on = ", ".join(f'"{c}"' for c in indicators)
            # UNPIVOT drops NULLs: empty cells become '' and are read as missing values below
            keep_empty = ", ".join(f"coalesce({_quoted(c)}, '') as {_quoted(c)}" for c in indicators)
            rel = materialise(
                con,
                "values",
                f"""
                select
                    lpad(trim("Kennziffer"), 5, '0') as kreis_ags,
                    trim("Raumeinheit") as region_name,
                    indicator,
                    try_cast(replace(trim(raw_value), ',', '.') as double) as value,
                    nullif(trim(raw_value), '') as value_text,
                    $year::integer as reference_year,
                    $payload as _payload
                from (unpivot (select "Kennziffer", "Raumeinheit", {keep_empty} from {reader})
                      on {on} into name indicator value raw_value)
                """,
                {"file": str(utf8), "payload": str(path), "year": source.params.get("reference_year")},
            )
        except duckdb.Error as exc:
            raise duckdb_error(source, path, exc) from None
        return {"values": rel}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
