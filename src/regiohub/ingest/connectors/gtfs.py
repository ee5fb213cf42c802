"""GTFS feeds (e.g. VBB, ``https://www.vbb.de/vbbgtfs``): CSV files, replaced on every release.

A feed arrives as a ZIP (any name) or as a folder of its ``.txt`` files; both are recognised by
content. Raw entities: ``stops`` (with ``kreis_ags`` taken from the DHID: ``de:12054:900230999`` →
``12054``; Gemeinden are assigned by point in polygon downstream), ``routes``, ``trips``,
``stop_times`` (times as published: GTFS times may pass 24:00; GTFS-Flex rows have empty times and
a pickup/drop-off window instead, and their ``stop_id`` may name a location group) and ``calendar``.
Every release replaces the previous one, so a feed without a single stop in the partner region is
rejected: loading it would replace the timetable the indicators are built from.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.archives import is_zip, unpack
from regiohub.ingest.connectors.base import Connector, column_names, duckdb_error, materialise, require_columns
from regiohub.registry.model import Source, load_registry
from regiohub.registry.raw_entities import RAW_ENTITIES

# entity -> (file, required columns, optional columns)
FILES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "stops": ("stops.txt", ("stop_id", "stop_name", "stop_lat", "stop_lon"),
              ("stop_code", "location_type", "parent_station", "wheelchair_boarding", "platform_code")),
    "routes": ("routes.txt", ("route_id", "route_type"), ("agency_id", "route_short_name", "route_long_name")),
    "trips": ("trips.txt", ("route_id", "service_id", "trip_id"), ("trip_headsign", "direction_id")),
    "stop_times": ("stop_times.txt", ("trip_id", "stop_id", "stop_sequence", "departure_time"),
                   ("arrival_time", "start_pickup_dropoff_window", "end_pickup_dropoff_window",
                    "pickup_type", "drop_off_type", "pickup_booking_rule_id", "drop_off_booking_rule_id")),
    "calendar": ("calendar.txt", ("service_id", "start_date", "end_date"),
                 ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")),
}
TYPES = {
    "stop_lat": "double", "stop_lon": "double", "location_type": "integer", "wheelchair_boarding": "integer",
    "route_type": "integer", "direction_id": "integer", "stop_sequence": "integer",
    "pickup_type": "integer", "drop_off_type": "integer",
    "monday": "integer", "tuesday": "integer", "wednesday": "integer", "thursday": "integer", "friday": "integer",
    "saturday": "integer", "sunday": "integer",
}
READER = "read_csv($file, header = true, delim = ',', quote = '\"', all_varchar = true, strict_mode = true)"


class GtfsConnector(Connector):
    entities = RAW_ENTITIES["gtfs"].entities
    keys = {"stops": ("stop_id",), "routes": ("route_id",), "trips": ("trip_id",),
            "stop_times": ("trip_id", "stop_sequence"), "calendar": ("service_id",)}
    checks = {
        "stops": (
            ("missing stop_id", "stop_id is null"),
            ("unreadable coordinates", "stop_lat is null or stop_lon is null"),
            ("coordinates outside Germany", "stop_lat not between 47.2 and 55.1 or stop_lon not between 5.8 and 15.1"),
            ("unknown regional key in DHID",
             r"stop_id like 'de:%' and not regexp_full_match(split_part(stop_id, ':', 2), '(0[1-9]|1[0-6])[0-9]{3}')"),
        ),
        "routes": (("missing route_id", "route_id is null"), ("unreadable route type", "route_type is null")),
        "trips": (("missing trip_id", "trip_id is null or route_id is null or service_id is null"),),
        "stop_times": (("missing trip_id or stop_id", "trip_id is null or stop_id is null"),
                       ("unreadable stop sequence", "stop_sequence is null")),
        "calendar": (("missing service_id", "service_id is null"),
                     ("unreadable date", "start_date is null or end_date is null")),
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        where, files = _feed_files(landing_dir, source, workdir)
        relations = {}
        for entity, (name, required, optional) in FILES.items():
            if name not in files:
                raise SourceError(source.id, f"{where} holds no {name} (not a GTFS feed?)")
            params = {"file": str(files[name])}
            try:
                header = [h.lstrip("\ufeff") for h in column_names(con, READER, params)]
                require_columns(header, required, source, f"{where}: {name}")
                # identifiers only from the allow-list above; the header decides which are present
                exprs = ", ".join(_typed(c, c in header) for c in (*required, *optional))
                relations[entity] = materialise(
                    con, f"gtfs_{entity}", f"select {exprs}{_derived(entity)}, $payload as _payload from {READER}",
                    {**params, "payload": str(files[name] if where == "the GTFS folder" else landing_dir / where)},
                )
            except duckdb.Error as exc:
                raise duckdb_error(source, Path(f"{where}: {name}"), exc) from None
        _require_partner_stops(con, where, files, source)
        return relations


def _feed_files(landing_dir: Path, source: Source, workdir: Path) -> tuple[str, dict[str, Path]]:
    """(what the operator delivered, GTFS file name -> file): a ZIP's members or a folder's files."""
    payloads = []
    for p in sorted(landing_dir.rglob("*")):
        if p.is_symlink():
            raise SourceError(source.id, f"{p.relative_to(landing_dir)} is a symbolic link: refused")
        if p.is_file():
            payloads.append(p)
    if not payloads:
        raise SourceError(source.id, "no GTFS feed found: the payload is empty")
    archives = [p for p in payloads if is_zip(p)]
    if len(archives) > 1:
        names = ", ".join(str(p.relative_to(landing_dir)) for p in archives)
        raise SourceError(source.id, f"more than one ZIP archive ({names}): deliver one GTFS feed per load")
    if archives:
        archive = archives[0]
        return str(archive.relative_to(landing_dir)), unpack(archive, workdir, source, ("*.txt",))
    files: dict[str, Path] = {}
    for p in payloads:
        if p.suffix.lower() == ".txt":
            if p.name in files:
                raise SourceError(source.id, f"the GTFS folder holds {p.name} twice: deliver one feed per load")
            files[p.name] = p
    if len(payloads) == 1 and not files:
        raise SourceError(source.id, f"{payloads[0].name} is neither a GTFS ZIP archive nor a GTFS folder")
    return "the GTFS folder", files


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


def _require_partner_stops(con: duckdb.DuckDBPyConnection, where: str, files: dict[str, Path], source: Source) -> None:
    """Reject a feed with no stop in the partners' Kreise (by DHID, else by coordinates)."""
    kreise = sorted({p.ars[:5] for p in load_registry().partners})
    hits = con.execute("select count(*) from gtfs_stops where list_contains($k, kreis_ags)", {"k": kreise}).fetchall()
    if hits[0][0]:
        return
    from regiohub.core.geo import gemeinde_ars

    points = con.execute("select stop_lat, stop_lon from gtfs_stops where kreis_ags is null").fetchall()
    located = gemeinde_ars([p[0] for p in points], [p[1] for p in points]) if points else []
    if any(a and a[:5] in kreise for a in located):
        return
    publisher = _publisher(files.get("feed_info.txt"))
    raise SourceError(
        source.id,
        f"{where}{publisher} has no stop in the partner region (Kreise {', '.join(kreise)}): not loaded, "
        "it would replace the current timetable",
    )


def _publisher(feed_info: Path | None) -> str:
    if feed_info is None:
        return ""
    try:
        with open(feed_info, encoding="utf-8-sig", newline="") as fh:
            row = next(csv.DictReader(fh), None) or {}
    except (OSError, UnicodeDecodeError, csv.Error):
        return ""
    name = " ".join(str(row.get("feed_publisher_name") or "").split())[:80]
    return f" (feed of {name})" if name else ""
