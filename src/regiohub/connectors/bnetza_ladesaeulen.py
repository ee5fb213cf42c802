"""Bundesnetzagentur Ladesäulenregister: one CSV of all public charging facilities.

The file has a preamble of about ten lines, ``;`` as delimiter, decimal commas and ``DD.MM.YYYY``
dates; it was cp1252-encoded for years and is UTF-8 with BOM now. Two header generations are known;
both are mapped onto one set of raw column names here.
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
from regiohub.connectors.csv_payloads import as_utf8, header_line_index
from regiohub.registry import Source

# raw column -> header names in the current and the older generation of the file
COLUMNS: dict[str, tuple[str, ...]] = {
    "facility_id": ("Ladeeinrichtungs-ID",),
    "operator": ("Betreiber",),
    "status": ("Status",),
    "facility_type": ("Art der Ladeeinrichtung", "Art der Ladeeinrichung", "Normalladeeinrichtung"),
    "charging_points": ("Anzahl Ladepunkte",),
    "power_kw": ("Nennleistung Ladeeinrichtung [kW]", "Anschlussleistung"),
    "commissioned_on": ("Inbetriebnahmedatum",),
    "street": ("Straße",),
    "house_number": ("Hausnummer",),
    "postcode": ("Postleitzahl",),
    "city": ("Ort",),
    "district": ("Kreis/kreisfreie Stadt",),
    "state": ("Bundesland",),
    "latitude": ("Breitengrad",),
    "longitude": ("Längengrad",),
}
REQUIRED = ("operator", "charging_points", "commissioned_on", "postcode", "city", "district", "latitude", "longitude")
HEADER_PREFIXES = ("Ladeeinrichtungs-ID;", "Betreiber;")


class LadesaeulenConnector(Connector):
    entities = ("charging_facilities",)
    checks = {
        "charging_facilities": (
            ("unreadable coordinates or date", "latitude is null or longitude is null or commissioned_on is null"),
            ("coordinates outside Germany", "latitude not between 47.2 and 55.1 or longitude not between 5.8 and 15.1"),
            ("value out of range", "charging_points not between 1 and 100 or power_kw < 0 or power_kw > 5000"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        rels = []
        for i, original in enumerate(find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")):
            reject_error_page(original, source, "CSV")
            utf8 = as_utf8(original, source, workdir)
            skip = header_line_index(utf8, HEADER_PREFIXES, source)
            reader = (
                "read_csv($file, skip = $skip, header = true, delim = ';', all_varchar = true, "
                "quote = '\"', strict_mode = true)"
            )
            params = {"file": str(utf8), "skip": skip}
            try:
                header = column_names(con, reader, params)
                selected = {raw: next((h for h in names if h in header), None) for raw, names in COLUMNS.items()}
                missing = [COLUMNS[raw][0] for raw in REQUIRED if not selected[raw]]
                require_columns(header, missing, source, original.name)
                exprs = ",\n".join(_typed(raw, selected[raw]) for raw in COLUMNS)
                rels.append(
                    materialise(
                        con,
                        f"charging_{i}",
                        f"select {exprs}, $payload as _payload from {reader}",
                        {**params, "payload": str(original)},
                    )
                )
            except duckdb.Error as exc:
                raise duckdb_error(source, original, exc) from None
        rel = rels[0]
        for more in rels[1:]:
            rel = rel.union(more)
        return {"charging_facilities": rel}


def _typed(raw: str, header: str | None) -> str:
    if header is None:
        return f"null::varchar as {raw}"
    col = '"' + header.replace('"', '""') + '"'
    if raw in ("latitude", "longitude", "power_kw"):
        return f"try_cast(replace(trim({col}), ',', '.') as double) as {raw}"
    if raw == "charging_points":
        return f"try_cast(trim({col}) as integer) as {raw}"
    if raw == "commissioned_on":
        return f"coalesce(try_strptime(trim({col}), '%d.%m.%Y'), try_cast({col} as date))::date as {raw}"
    return f"nullif(trim({col}), '') as {raw}"
