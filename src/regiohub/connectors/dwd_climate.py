"""DWD Climate Data Center: daily climate observations of one station (``tageswerte_KL_<id>_akt.zip``).

The ZIP holds ``produkt_klima_tag_<from>_<to>_<id>.txt`` (plus metadata files): ``;``-separated with
space padding, ``MESS_DATUM`` as ``YYYYMMDD``, ``-999`` for missing values, each row ending in ``eor``.
The "recent" file covers about 550 days and is replaced daily: loads accumulate, so a day once
loaded stays in raw after it has left the file; re-runs add nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.connectors.archives import unpack
from regiohub.connectors.base import (
    Connector,
    column_names,
    duckdb_error,
    find_payloads,
    materialise,
    require_columns,
)
from regiohub.errors import SourceError
from regiohub.registry import Source

# raw column -> DWD column; the unit is in the comment
COLUMNS = {
    "station_id": "STATIONS_ID",
    "quality_wind": "QN_3",
    "wind_max_ms": "FX",  # m/s, daily maximum gust
    "wind_mean_ms": "FM",  # m/s
    "quality": "QN_4",
    "precipitation_mm": "RSK",  # mm
    "precipitation_form": "RSKF",
    "sunshine_h": "SDK",  # hours
    "snow_depth_cm": "SHK_TAG",  # cm
    "cloud_cover_eighths": "NM",
    "vapour_pressure_hpa": "VPM",
    "pressure_hpa": "PM",
    "temp_mean_c": "TMK",  # °C, 2 m
    "humidity_pct": "UPM",
    "temp_max_c": "TXK",
    "temp_min_c": "TNK",
    "temp_ground_min_c": "TGK",  # °C, 5 cm
}
INTEGER = {"station_id", "quality_wind", "quality", "precipitation_form"}
REQUIRED = ("STATIONS_ID", "MESS_DATUM", "RSK", "TMK", "eor")


class DwdClimateConnector(Connector):
    entities = ("daily",)
    accumulate = ("daily",)
    keys = {"daily": ("station_id", "day")}
    checks = {
        "daily": (
            ("unreadable date or station", "day is null or station_id is null"),
            ("temperature out of range", "temp_mean_c not between -45 and 45 or temp_max_c not between -45 and 50 "
             "or temp_min_c not between -50 and 45"),
            ("precipitation out of range", "precipitation_mm not between 0 and 400"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        archives = find_payloads(landing_dir, ["*.zip", "**/*.zip"], source, "ZIP archive")
        rels = []
        for i, archive in enumerate(archives):
            products = unpack(archive, workdir, source, ("produkt_klima_tag_*.txt",))
            if not products:
                raise SourceError(source.id, f"{archive.name} holds no produkt_klima_tag_*.txt (layout changed?)")
            for j, product in enumerate(products.values()):
                reader = (
                    "read_csv($file, header = true, delim = ';', all_varchar = true, strict_mode = true, "
                    "encoding = 'latin-1')"
                )
                params = {"file": str(product)}
                try:
                    header = column_names(con, reader, params)
                    by_name = {h.strip(): h for h in header}
                    require_columns(list(by_name), REQUIRED, source, product.name)
                    self.note_new_columns(list(by_name), [*COLUMNS.values(), "MESS_DATUM", "eor"], product.name)
                    exprs = ",\n".join(_typed(raw, by_name.get(dwd)) for raw, dwd in COLUMNS.items())
                    rels.append(materialise(
                        con,
                        f"daily_{i}_{j}",
                        f"""
                        select
                            {exprs},
                            try_strptime(trim({_q(by_name['MESS_DATUM'])}), '%Y%m%d')::date as day,
                            $payload as _payload
                        from {reader}
                        """,
                        {**params, "payload": str(archive)},
                    ))
                except duckdb.Error as exc:
                    raise duckdb_error(source, product, exc) from None
        rel = rels[0]
        for more in rels[1:]:
            rel = rel.union(more)
        return {"daily": rel}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _typed(raw: str, column: str | None) -> str:
    if column is None:
        return f"null as {raw}"
    value = f"nullif(trim({_q(column)}), '-999')"
    kind = "integer" if raw in INTEGER else "double"
    return f"try_cast({value} as {kind}) as {raw}"
