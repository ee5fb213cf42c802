"""DWD Climate Data Center: daily climate observations (KL) of one registered station.

The publisher ships ``tageswerte_KL_<id>_akt.zip`` (recent, ~550 days, replaced daily) and
``tageswerte_KL_<id>_<from>_<to>_hist.zip`` (historical); each holds
``produkt_klima_tag_<from>_<to>_<id>.txt`` plus metadata files. An operator may deliver the ZIP or
the extracted product file under any name: product files are recognised by their header
(``STATIONS_ID;MESS_DATUM;…``), not by name. The format: ``;``-separated with space padding,
``MESS_DATUM`` as ``YYYYMMDD``, ``-999`` for missing values, each row ending in ``eor``, CRLF.

A product of another station is rejected (it must not load as the registered station). Loads
accumulate, so a day once loaded stays in raw after it has left the recent file; re-runs add nothing.
Column names come from the allow-list below: the file's header only decides positions.

A backfill (a date range) within the recent file's reach fetches that file again, unconditionally: it
holds the range (and more — the accumulating load adds only missing days). Older years are in the
historical ZIPs; deliver those through the inbox.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.archives import is_zip, unpack
from regiohub.ingest.connectors.base import (
    Connector,
    FetchContext,
    duckdb_error,
    materialise,
    reject_error_page,
    require_columns,
)
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

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
STATION_LIST_HEADER = "Stations_id von_datum bis_datum"


class DwdClimateConnector(Connector):
    entities = RAW_ENTITIES["dwd_climate"].entities
    accumulate = RAW_ENTITIES["dwd_climate"].accumulate
    keys = {"daily": ("station_id", "day")}
    supports_backfill = True  # the recent file covers the range (see above)
    history_days = 500  # the recent file reaches back about 550 days; 500 stay safely inside
    checks = {
        "daily": (
            ("unreadable date or station", "day is null or station_id is null"),
            ("day in the future", "day > current_date"),
            ("temperature out of range", "temp_mean_c not between -45 and 45 or temp_max_c not between -45 and 50 "
             "or temp_min_c not between -50 and 45"),
            ("precipitation out of range", "precipitation_mm not between 0 and 400"),
        )
    }

    def fetch(self, ctx: FetchContext) -> None:
        if ctx.backfill and ctx.backfill[0] < datetime.now(UTC).date() - timedelta(days=self.history_days or 0):
            raise SourceError(ctx.source.id, f"backfill from {ctx.backfill[0]}: the recent file reaches back only "
                              f"about {self.history_days} days (older years: the historical ZIP, through the inbox)")
        super().fetch(ctx)

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        products = _products(landing_dir, source, workdir, self.notes)
        rels = []
        for i, (name, product, payload) in enumerate(products):
            header = _header(product)
            require_columns(header, REQUIRED, source, name)
            self.note_new_columns(header, [*COLUMNS.values(), "MESS_DATUM", "eor"], name)
            names = [_canonical(h, i) for i, h in enumerate(header)]
            exprs = ",\n".join(_typed(raw, raw in names) for raw in COLUMNS)
            try:
                rel = materialise(
                    con,
                    f"daily_{i}",
                    f"""
                    select
                        {exprs},
                        try_strptime(trim(mess_datum), '%Y%m%d')::date as day,
                        $payload as _payload
                    from read_csv($file, header = false, skip = 1, names = $names, delim = ';',
                                  all_varchar = true, strict_mode = true, encoding = 'latin-1')
                    """,
                    {"file": str(product), "names": names, "payload": str(payload)},
                )
            except duckdb.Error as exc:
                raise duckdb_error(source, Path(name), exc) from None
            _check_station(con, f"daily_{i}", name, source)
            rels.append(rel)
        rel = rels[0]
        for more in rels[1:]:
            rel = rel.union(more)
        return {"daily": rel}


def _products(landing_dir: Path, source: Source, workdir: Path, notes: list[str]) -> list[tuple[str, Path, Path]]:
    """(operator's name, product file, payload file) for every daily KL product in the load."""
    found: list[tuple[str, Path, Path]] = []
    skipped: list[str] = []
    for path in sorted(landing_dir.rglob("*")):
        if path.is_symlink():
            raise SourceError(source.id, f"{path.relative_to(landing_dir)} is a symbolic link: refused")
        if not path.is_file():
            continue
        name = str(path.relative_to(landing_dir))
        if is_zip(path):
            members = unpack(path, workdir / f"zip{len(found)}_{len(skipped)}", source, ("*.txt",))
            inside = [(f"{name}:{m}", p, path) for m, p in sorted(members.items()) if _kind(p) == "product"]
            if not inside:
                raise SourceError(source.id, f"{name} holds no produkt_klima_tag file (layout changed?)")
            found += inside
            continue
        reject_error_page(path, source, "a DWD daily climate file")
        kind = _kind(path)
        if kind == "product":
            found.append((name, path, path))
        elif kind == "station_list":
            skipped.append(f"{name} is the DWD station list ({STATION_LIST_HEADER} …), not daily values")
        else:
            skipped.append(f"{name} is not a DWD daily climate product (no header STATIONS_ID;MESS_DATUM)")
    if not found:
        why = "; ".join(skipped) or "the payload is empty"
        raise SourceError(source.id, f"no daily climate product to load: {why}")
    notes += [f"{why}: ignored" for why in skipped]
    return found


def _first_line(path: Path) -> str:
    with open(path, "rb") as fh:
        return fh.readline(4096).decode("latin-1").lstrip("\ufeff\xef\xbb\xbf").strip()


def _kind(path: Path) -> str:
    line = _first_line(path)
    if line.replace(" ", "").upper().startswith("STATIONS_ID;MESS_DATUM"):
        return "product"
    if " ".join(line.split()).startswith(STATION_LIST_HEADER):
        return "station_list"
    return "other"


def _header(path: Path) -> list[str]:
    return [h.strip() for h in _first_line(path).split(";")]


def _canonical(column: str, position: int) -> str:
    """Our name for a column of the file: from the allow-list, or a positional placeholder."""
    for raw, dwd in COLUMNS.items():
        if column == dwd:
            return raw
    return {"MESS_DATUM": "mess_datum", "eor": "eor"}.get(column, f"column_{position}")


def _typed(raw: str, present: bool) -> str:
    kind = "integer" if raw in INTEGER else "double"
    if not present:
        return f"null::{kind} as {raw}"
    return f"try_cast(nullif(trim({raw}), '-999') as {kind}) as {raw}"


def _check_station(con: duckdb.DuckDBPyConnection, table: str, name: str, source: Source) -> None:
    """Reject a product of another station: it must never load as the registered one."""
    expected = source.params.get("station", "").strip()
    if not expected:
        return
    found = [r[0] for r in con.execute(
        f'select distinct station_id from "{table}" where station_id is not null order by 1'
    ).fetchall()]
    others = [f"{s:05d}" for s in found if s != int(expected)]
    if others:
        label = source.params.get("station_name") or source.name.rsplit("Station ", 1)[-1]
        raise SourceError(
            source.id,
            f"{name}: station {', '.join(others)} is not the registered station {expected} ({label})",
        )
