"""GTFS feeds (e.g. VBB, ``https://www.vbb.de/vbbgtfs``): a ZIP of CSV files, replaced on every release.

Raw entities: ``stops`` (with ``kreis_ags`` taken from the DHID: ``de:12054:900230999`` → ``12054``;
Gemeinden are assigned by point in polygon downstream), ``routes``, ``trips``, ``stop_times`` (with
``departure_time`` as published: GTFS times may pass 24:00) and ``calendar``. Text is taken as is
(no trimming: feeds are machine-written), which keeps a VBB-size feed fast.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.connectors.archives import is_zip, unpack
from regiohub.connectors.base import Connector, column_names, duckdb_error, find_payloads, materialise, require_columns
from regiohub.errors import SourceError
from regiohub.registry import Source

# entity -> (file, required columns, optional columns)
FILES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "stops": ("stops.txt", ("stop_id", "stop_name", "stop_lat", "stop_lon"),
              ("stop_code", "location_type", "parent_station", "wheelchair_boarding", "platform_code")),
    "routes": ("routes.txt", ("route_id", "route_type"), ("agency_id", "route_short_name", "route_long_name")),
    "trips": ("trips.txt", ("route_id", "service_id", "trip_id"), ("trip_headsign", "direction_id")),
    "stop_times": ("stop_times.txt", ("trip_id", "stop_id", "stop_sequence", "departure_time"), ("arrival_time",)),
    "calendar": ("calendar.txt", ("service_id", "start_date", "end_date"),
                 ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")),
}
TYPES = {
    "stop_lat": "double", "stop_lon": "double", "location_type": "integer", "wheelchair_boarding": "integer",
    "route_type": "integer", "direction_id": "integer", "stop_sequence": "integer",
    "monday": "integer", "tuesday": "integer", "wednesday": "integer", "thursday": "integer", "friday": "integer",
    "saturday": "integer", "sunday": "integer",
}
class GtfsConnector(Connector):
    entities = tuple(FILES)
    keys = {"stops": ("stop_id",), "routes": ("route_id",), "trips": ("trip_id",),
            "stop_times": ("trip_id", "stop_sequence"), "calendar": ("service_id",)}
    checks = {
        "stops": (
            ("unreadable coordinates", "stop_lat is null or stop_lon is null"),
            ("coordinates outside Germany", "stop_lat not between 47.2 and 55.1 or stop_lon not between 5.8 and 15.1"),
            ("unknown regional key in DHID",
             r"stop_id like 'de:%' and not regexp_full_match(split_part(stop_id, ':', 2), '(0[1-9]|1[0-6])[0-9]{3}')"),
        ),
        "stop_times": (("unreadable stop sequence", "stop_sequence is null"),),
        "calendar": (("unreadable date", "start_date is null or end_date is null"),),
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        payloads = [p for p in find_payloads(landing_dir, ["*", "**/*"], source, "GTFS feed") if p.is_file()]
        archive = next((p for p in payloads if is_zip(p)), payloads[0])
        files = unpack(archive, workdir, source, tuple(f for f, _, _ in FILES.values()))
        relations = {}
        for entity, (name, required, optional) in FILES.items():
            if name not in files:
                raise SourceError(source.id, f"{archive.name} holds no {name} (not a GTFS feed?)")
            reader = "read_csv($file, header = true, delim = ',', quote = '\"', all_varchar = true, strict_mode = true)"
            params = {"file": str(files[name])}
            try:
                header = [h.lstrip("\ufeff") for h in column_names(con, reader, params)]
                require_columns(header, required, source, name)
                exprs = ", ".join(_typed(c, c in header) for c in (*required, *optional))
                extra = _derived(entity)
                relations[entity] = materialise(
                    con, f"gtfs_{entity}", f"select {exprs}{extra}, $payload as _payload from {reader}",
                    {**params, "payload": str(archive)},
                )
            except duckdb.Error as exc:
                raise duckdb_error(source, files[name], exc) from None
        return relations


def _typed(column: str, present: bool) -> str:
    if not present:
        return f"null::{TYPES.get(column, 'varchar')} as {column}"
    if column in ("start_date", "end_date"):
        return f"try_strptime(trim({column}), '%Y%m%d')::date as {column}"
    if column in TYPES:
        return f"try_cast(trim({column}) as {TYPES[column]}) as {column}"
    return column


def _derived(entity: str) -> str:
    if entity == "stops":
        return r", nullif(regexp_extract(stop_id, '^de:([0-9]{5}):', 1), '') as kreis_ags"
    return ""
