"""Bundesnetzagentur Ladesäulenregister: one CSV of all public charging facilities, a new file each month.

Two layouts are known, both ``;``-separated with decimal commas:

* current (UTF-8 with BOM): ten preamble lines (line 8 ``Letzte Aktualisierung vom: dd.mm.yyyy``,
  line 10 a banner ``Allgemeine Informationen;…;1. Ladepunkt;…``), then the header
  ``Ladeeinrichtungs-ID;Betreiber;Anzeigename (Karte);Status;…`` (47 columns), dates ``dd.mm.yyyy``;
* older (cp1252): five preamble lines (``Stand: dd.mm.yyyy``), the header
  ``Betreiber;Straße;Hausnummer;…;Inbetriebnahmedatum;Anschlussleistung;…``, dates ``dd.mm.yy``.

A row's identity is the register's ``Ladeeinrichtungs-ID``; the older layout has none, so there
each line is one facility (``record_key`` = hash of the whole line plus its occurrence): identical
facilities side by side are not duplicates. ``release_date`` is the date the publisher states in
the preamble, so a stale register shows even when the file did not change.

Fetch finds the current file on the publisher's download page (the file name carries the release
date); ``params.file`` pins one file instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from regiohub.core.geo import gemeinde_ars
from regiohub.ingest.connectors import bnetza_discovery
from regiohub.ingest.connectors.base import Connector, FetchContext, find_payloads
from regiohub.ingest.connectors.csv_payloads import (
    Column,
    PublisherCsv,
    load,
    open_csv,
    select_columns,
    shown,
)
from regiohub.ingest.connectors.csv_values import Horizon
from regiohub.ingest.connectors.region import no_region_rows, region_kreise
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

COLUMNS = (
    Column("facility_id", ("Ladeeinrichtungs-ID",)),
    Column("operator", ("Betreiber",), required=True),
    Column("status", ("Status",)),
    Column("facility_type", ("Art der Ladeeinrichtung", "Art der Ladeeinrichung", "Normalladeeinrichtung")),
    Column("charging_points", ("Anzahl Ladepunkte",), "integer", required=True),
    Column("power_kw", ("Nennleistung Ladeeinrichtung [kW]", "Anschlussleistung"), "number"),
    Column("commissioned_on", ("Inbetriebnahmedatum",), "date", required=True),
    Column("street", ("Straße",)),
    Column("house_number", ("Hausnummer",)),
    Column("postcode", ("Postleitzahl",), required=True),
    Column("city", ("Ort",), required=True),
    Column("district", ("Kreis/kreisfreie Stadt",), required=True),
    Column("state", ("Bundesland",)),
    Column("latitude", ("Breitengrad",), "number", required=True),
    Column("longitude", ("Längengrad",), "number", required=True),
)
HEADER_STARTS = ("Ladeeinrichtungs-ID;", "Betreiber;")
STATED = r"(?:Letzte Aktualisierung vom:|Stand:)"
FIRST_DAY = date(1990, 1, 1)  # no public charging facility in the register is older
REGION_BATCH = 10_000  # facilities located per step of the region check


class LadesaeulenConnector(Connector):
    entities = RAW_ENTITIES["bnetza_ladesaeulen"].entities
    keys = {"charging_facilities": ("record_key",)}
    checks = {
        "charging_facilities": (
            ("missing coordinates or date", "latitude is null or longitude is null or commissioned_on is null"),
            ("coordinates outside Germany", "latitude not between 47.2 and 55.1 or longitude not between 5.8 and 15.1"),
            ("value out of range", "charging_points not between 1 and 100 or power_kw < 0 or power_kw > 5000"),
        )
    }

    def fetch(self, ctx: FetchContext) -> None:
        url = ctx.source.params.get("file") or bnetza_discovery.current_file(ctx)
        ctx.get(url, ctx.landing_dir / bnetza_discovery.file_name(url, ctx.source))

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        rels = []
        for i, original in enumerate(find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")):
            table = open_csv(original, source, workdir, delimiter=";", header_starts=HEADER_STARTS, max_preamble=30)
            release = table.stated_date(STATED)
            horizon = Horizon(FIRST_DAY, (release or date.today()) + timedelta(days=31))
            exprs, problem = select_columns(table, COLUMNS, source, horizon)
            all_cells = ", ".join(f"c{j}" for j in range(len(table.header)))
            id_pos = table.position(("Ladeeinrichtungs-ID",))
            line = f"md5(to_json([{all_cells}]))"
            key = (f"nullif(trim(c{id_pos}), '')" if id_pos is not None else
                   f"{line} || '-' || row_number() over (partition by {line})")
            select = (f"select {', '.join(exprs)}, {key} as record_key, $release::date as release_date, "
                      f"{problem} as _problem, $payload as _payload from {{reader}}")
            name = f"charging_{i}"
            rels.append(load(con, name, table, select, source, {"release": release}))
            _require_region(con, name, source, table)
            self.note_new_columns([shown(h) for h in table.header], _known(table), shown(original.name))
        rel = rels[0]
        for more in rels[1:]:
            rel = rel.union(more)
        return {"charging_facilities": rel}


def _known(table: PublisherCsv) -> set[str]:
    known = {h for c in COLUMNS for h in c.headers}
    known |= {"Anzeigename (Karte)", "Adresszusatz", "Standortbezeichnung", "Informationen zum Parkraum",
              "Bezahlsysteme", "Öffnungszeiten", "Öffnungszeiten: Wochentage", "Öffnungszeiten: Tageszeiten"}
    prefixes = ("Steckertypen", "Nennleistung Stecker", "EVSE-ID", "Public Key", "P")
    return known | {h for h in table.header if (h.startswith(prefixes) and h[-1:].isdigit()) or h.endswith("[kW]")}


def _require_region(con: duckdb.DuckDBPyConnection, name: str, source: Source, table: PublisherCsv) -> None:
    """A release without a facility in the partner Kreise is rejected now, not by a failing mart build."""
    # in batches, stopping at the first facility in the region: never all points at once
    result = con.execute(
        f'select latitude, longitude from "{name}" where _problem is null '
        "and latitude between 51.3 and 53.6 and longitude between 11.2 and 14.8"
    )
    partner = set(region_kreise())
    while points := result.fetchmany(REGION_BATCH):
        if {ars[:5] for ars in gemeinde_ars([p[0] for p in points], [p[1] for p in points]) if ars} & partner:
            return
    raise no_region_rows(source, table)
