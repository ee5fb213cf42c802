"""PEGELONLINE REST API v2: gauge stations and their 15-minute water levels (W, cm).

Fetched payloads mirror the API (``stations.json``, ``stations/<uuid>/W/measurements.json``). An
operator's files are recognised by content, whatever their names: a JSON array of station objects
is a station list (with or without ``timeseries``), an array of ``{timestamp, value}`` readings is
a measurement series whose station is named by its path (``stations/<uuid>/W/…`` as in the API, or
a folder or file name carrying the gauge's uuid, number or short name). Stations alone, or
measurements alone for stations already known, are valid loads. Only the registry's gauges are
kept. Station uuids come from the publisher: they are checked against the uuid format before any
path or URL is built from them, and every such path is confined to the landing folder.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import Connector, FetchContext, duckdb_error, materialise
from regiohub.ingest.connectors.pegelonline_payloads import (
    UUID_PATTERN,
    Payloads,
    check_series,
    classify,
    confined,
    is_uuid,
    known_stations,
    reader_problem,
    station_of,
)
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

HISTORY_DAYS = 31  # the API serves the last 31 days
MIN_CM, MAX_CM = -1000, 3000  # plausible water levels in cm above gauge zero
FUTURE_TOLERANCE = "1 hour"  # readings later than this after the load are implausible

STATION_COLUMNS = {
    "uuid": "VARCHAR",
    "number": "VARCHAR",
    "shortname": "VARCHAR",
    "longname": "VARCHAR",
    "km": "DOUBLE",
    "agency": "VARCHAR",
    "longitude": "DOUBLE",
    "latitude": "DOUBLE",
    "water": "STRUCT(shortname VARCHAR, longname VARCHAR)",
    "timeseries": "STRUCT(shortname VARCHAR, longname VARCHAR, unit VARCHAR, equidistance INTEGER, "
    "gaugeZero STRUCT(unit VARCHAR, value DOUBLE, validFrom VARCHAR))[]",
}
STATION_SELECT = """
    select
        uuid, number, shortname, longname, km, agency, longitude, latitude,
        water.shortname as water_shortname,
        water.longname as water_longname,
        ts.unit as w_unit,
        ts.equidistance as w_equidistance_minutes,
        ts.gaugeZero.value as gauge_zero_value,
        ts.gaugeZero.unit as gauge_zero_unit,
        ts.gaugeZero.validFrom as gauge_zero_valid_from,
        filename as _payload
    from (
        select *, list_filter(timeseries, lambda t: t.shortname = 'W')[1] as ts
        from read_json($files, format = 'array', columns = $columns, filename = true)
    )
    where list_contains($gauges, trim(number))
"""


class PegelonlineConnector(Connector):
    """Incremental: each poll asks per station for what follows the last stored timestamp.

    Overlapping polls repeat readings; only rows not yet in raw are written, so history builds up
    beyond the 31 days the API keeps and re-runs add nothing. A reading dated in the future is
    quarantined, so it never becomes the high-water mark from which the next poll starts.
    """

    entities = RAW_ENTITIES["pegelonline"].entities
    accumulate = RAW_ENTITIES["pegelonline"].accumulate
    keys = {"stations": ("uuid",), "measurements": ("station_uuid", "measured_at")}
    checks = {
        "stations": (("invalid station uuid", f"uuid is null or not regexp_full_match(uuid, '{UUID_PATTERN}')"),),
        "measurements": (
            ("unreadable timestamp or value",
             "value_cm is null or measured_at is null or try_cast(measured_at as timestamptz) is null"),
            ("unknown station", "station_uuid not in (select uuid from _known_stations)"),
            ("reading dated in the future",
             f"try_cast(measured_at as timestamptz) > now() + interval '{FUTURE_TOLERANCE}'"),
            ("reading dated before 1900",
             "try_cast(measured_at as timestamptz) < timestamptz '1900-01-01 00:00:00+00'"),
            ("water level out of range", f"value_cm < {MIN_CM} or value_cm > {MAX_CM}"),
        ),
    }
    supports_backfill = True
    history_days = HISTORY_DAYS
    _payloads: Payloads | None = None  # this load's files (parse): for the checks after the one read

    def fetch(self, ctx: FetchContext) -> None:
        base = ctx.source.url.rstrip("/")
        stations_file = ctx.landing_dir / "stations.json"
        ctx.get(
            f"{base}/stations.json",
            stations_file,
            conditional=False,  # carries the current measurement: changes with every poll
            params={
                "ids": ctx.source.params["gauges"],
                "includeTimeseries": "true",
                "includeCurrentMeasurement": "true",
            },
        )
        payloads = classify(ctx.landing_dir, ctx.source)
        for station in payloads.water_level_stations():
            uuid = station["uuid"]
            if not is_uuid(uuid):  # never a path or URL from an id that is not a uuid
                self.notes.append(f"station {str(uuid)[:40]!r} skipped: not a PEGELONLINE uuid")
                continue
            ctx.get(
                f"{base}/stations/{uuid}/W/measurements.json",
                confined(ctx.landing_dir, ctx.source, "stations", uuid, "W", "measurements.json"),
                conditional=False,
                params=self._window(ctx, uuid),
            )

    @staticmethod
    def _window(ctx: FetchContext, uuid: str) -> dict[str, str]:
        """``start``/``end`` of one station's request: backfill range, else after the last stored reading."""
        if ctx.backfill:
            first, last = ctx.backfill
            if first < datetime.now(UTC).date() - timedelta(days=HISTORY_DAYS):
                raise SourceError(
                    ctx.source.id,
                    f"backfill from {first}: the API serves only the last {HISTORY_DAYS} days "
                    "(older history exists only in our raw data)",
                )
            return {"start": f"{first.isoformat()}T00:00:00+00:00", "end": f"{last.isoformat()}T23:59:59+00:00"}
        last_stored = ctx.state.get("hwm", {}).get(uuid)
        if last_stored:
            try:
                since = datetime.fromisoformat(last_stored)
            except (TypeError, ValueError):
                since = None
            now = datetime.now(UTC)
            # a mark in the future (a bad reading of an older version) must not freeze polling
            if since is not None and since.tzinfo is not None and timedelta(0) <= now - since < timedelta(
                days=HISTORY_DAYS
            ):
                return {"start": since.astimezone(UTC).isoformat()}
        return {"start": ctx.source.params.get("window", "P8D")}

    def high_water_marks(self, con: duckdb.DuckDBPyConnection, written: dict[str, str]) -> dict | None:
        rows = con.execute(
            f"""
            select station_uuid, strftime(timezone('UTC', max(reading_at)), '%Y-%m-%dT%H:%M:%S+00:00')
            from (select station_uuid, measured_at::timestamptz as reading_at from "{written['measurements']}")
            where reading_at <= now()
            group by 1
            """
        ).fetchall()
        return dict(rows)

    def vet(self, con: duckdb.DuckDBPyConnection, source: Source, entity: str, reasons: dict[str, int]) -> None:
        """Readings without a timestamp: a reading whose ``timestamp`` key is missing rejects its file."""
        if entity == "measurements" and "unreadable timestamp or value" in reasons and self._payloads:
            check_series(con, self._payloads, source)

    def reader_error(self, source: Source, exc: duckdb.Error) -> Exception:
        return reader_problem(exc, self._payloads, source) if self._payloads else exc

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        payloads = classify(landing_dir, source)
        self._payloads = payloads
        self.notes += payloads.notes
        gauges = [g.strip() for g in source.params.get("gauges", "").split(",") if g.strip()]
        try:
            stations = self._stations(con, payloads, gauges, source)
            known_stations(con, landing_dir, source)
            con.execute(  # only stations that will be loaded (a crafted uuid is quarantined)
                "create or replace temp table _known_stations as select * from ("
                "select uuid, number, shortname from stations union select * from known"
                ") where regexp_full_match(uuid, $pattern)",
                {"pattern": UUID_PATTERN},
            ).fetchall()
            measurements = self._measurements(con, payloads, landing_dir, source)
        except duckdb.Error as exc:
            raise duckdb_error(source, payloads.first(), exc) from None
        return {"stations": stations, "measurements": measurements}

    def _stations(
        self, con: duckdb.DuckDBPyConnection, payloads: Payloads, gauges: list[str], source: Source
    ) -> duckdb.DuckDBPyRelation:
        files = [str(f) for f in payloads.stations]
        if not files:
            return materialise(con, "stations", _EMPTY_STATIONS)
        params = {"files": files, "columns": STATION_COLUMNS, "gauges": gauges}
        rel = materialise(con, "stations", STATION_SELECT, params)
        total = payloads.station_count
        kept = rel.count("*").fetchall()[0][0]
        if kept == 0:
            names = ", ".join(payloads.rel(f) for f in payloads.stations)
            raise SourceError(
                source.id,
                f"{names}: none of its {total} stations is a registered gauge ({', '.join(gauges)}): nothing to load",
            )
        if total > kept:
            self.notes.append(f"{total - kept} of {total} stations are not registered gauges and were skipped")
        return rel

    def _measurements(
        self, con: duckdb.DuckDBPyConnection, payloads: Payloads, landing_dir: Path, source: Source
    ) -> duckdb.DuckDBPyRelation:
        if not payloads.measurements:
            return materialise(con, "measurements", _EMPTY_MEASUREMENTS)
        known = con.execute("select uuid, number, shortname from _known_stations").fetchall()
        owners = {f: station_of(f, landing_dir, known, source) for f in payloads.measurements}
        con.execute("create or replace temp table _series (path varchar, station_uuid varchar)").fetchall()
        con.executemany("insert into _series values (?, ?)", [[str(f), u] for f, u in owners.items()])
        # lazy: read once, straight into the raw file, by the raw writer (no copy in memory first)
        con.read_json([str(f) for f in owners], format="array", filename=True,
                      columns={"timestamp": "VARCHAR", "value": "DOUBLE"}).create_view("_readings", replace=True)
        return con.sql(
            """
            select s.station_uuid, m."timestamp" as measured_at, m."value" as value_cm, m.filename as _payload
            from _readings m join _series s on s.path = m.filename
            """
        )


_EMPTY_STATIONS = """
    select null::varchar as uuid, null::varchar as number, null::varchar as shortname,
        null::varchar as longname, null::double as km, null::varchar as agency,
        null::double as longitude, null::double as latitude, null::varchar as water_shortname,
        null::varchar as water_longname, null::varchar as w_unit, null::integer as w_equidistance_minutes,
        null::double as gauge_zero_value, null::varchar as gauge_zero_unit,
        null::varchar as gauge_zero_valid_from, null::varchar as _payload
    limit 0
"""
_EMPTY_MEASUREMENTS = """
    select null::varchar as station_uuid, null::varchar as measured_at, null::double as value_cm,
        null::varchar as _payload
    limit 0
"""
