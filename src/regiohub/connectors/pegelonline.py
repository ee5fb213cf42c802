"""PEGELONLINE REST API v2: gauge stations and their 15-minute water levels (W, cm).

Landing layout mirrors the API: ``stations.json`` and ``stations/<uuid>/W/measurements.json``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from regiohub.connectors.base import (
    Connector,
    FetchContext,
    duckdb_error,
    find_payloads,
    materialise,
    reject_error_page,
)
from regiohub.errors import SourceError
from regiohub.registry import Source

HISTORY_DAYS = 31  # the API serves the last 31 days
MIN_CM, MAX_CM = -1000, 3000  # plausible water levels in cm above gauge zero

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


class PegelonlineConnector(Connector):
    """Incremental: each poll asks per station for what follows the last stored timestamp.

    Overlapping polls repeat readings; only rows not yet in raw are written, so history builds up
    beyond the 31 days the API keeps and re-runs add nothing.
    """

    entities = ("stations", "measurements")
    accumulate = ("stations", "measurements")
    keys = {"stations": ("uuid",), "measurements": ("station_uuid", "measured_at")}
    checks = {
        "measurements": (
            ("unreadable timestamp or value",
             "value_cm is null or measured_at is null or try_cast(measured_at as timestamptz) is null"),
            ("unknown station", "station_uuid not in (select uuid from stations)"),
            ("water level out of range", f"value_cm < {MIN_CM} or value_cm > {MAX_CM}"),
        )
    }
    supports_backfill = True

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
        for uuid in _water_level_stations(stations_file, ctx.source):
            ctx.get(
                f"{base}/stations/{uuid}/W/measurements.json",
                ctx.landing_dir / "stations" / uuid / "W" / "measurements.json",
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
            since = datetime.fromisoformat(last_stored)
            if datetime.now(UTC) - since < timedelta(days=HISTORY_DAYS):
                return {"start": last_stored}
        return {"start": ctx.source.params.get("window", "P8D")}

    def high_water_marks(self, con: duckdb.DuckDBPyConnection, written: dict[str, str]) -> dict | None:
        rows = con.execute(
            f"""
            select station_uuid,
                strftime(timezone('UTC', max(measured_at::timestamptz)), '%Y-%m-%dT%H:%M:%S+00:00')
            from "{written['measurements']}" group by 1
            """
        ).fetchall()
        return dict(rows)

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        stations_file = find_payloads(landing_dir, ["stations.json", "**/stations.json"], source, "stations.json")[0]
        _water_level_stations(stations_file, source)  # validates the document
        measurement_files = find_payloads(
            landing_dir, ["stations/*/W/measurements.json", "**/stations/*/W/measurements.json"], source,
            "measurements files",
        )
        for f in measurement_files:
            reject_error_page(f, source, "JSON")
            if not f.read_bytes().lstrip().startswith(b"["):
                raise SourceError(source.id, f"{_rel(f, landing_dir)} is not a JSON array of measurements")
        try:
            stations = materialise(
                con,
                "stations",
                """
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
                    from read_json($file, format = 'array', columns = $columns, filename = true)
                )
                """,
                {"file": str(stations_file), "columns": STATION_COLUMNS},
            )
            measurements = materialise(
                con,
                "measurements",
                r"""
                select
                    regexp_extract(filename, 'stations/([^/]+)/W/measurements\.json$', 1) as station_uuid,
                    "timestamp" as measured_at,
                    "value" as value_cm,
                    filename as _payload
                from read_json($files, format = 'array', filename = true,
                               columns = {'timestamp': 'VARCHAR', 'value': 'DOUBLE'})
                """,
                {"files": [str(f) for f in measurement_files]},
            )
        except duckdb.Error as exc:
            raise duckdb_error(source, stations_file.parent, exc) from None
        return {"stations": stations, "measurements": measurements}


def _water_level_stations(stations_file: Path, source: Source) -> list[str]:
    """UUIDs of the stations that have a water-level (W) time series; validates the document."""
    reject_error_page(stations_file, source, "JSON")
    try:
        doc = json.loads(stations_file.read_bytes())
    except ValueError as exc:
        raise SourceError(source.id, f"stations.json is not valid JSON ({exc})") from None
    if not isinstance(doc, list):
        hint = f": {str(doc)[:80]}" if isinstance(doc, dict) else ""
        raise SourceError(source.id, f"stations.json is not a list of stations{hint}")
    return [
        s["uuid"]
        for s in doc
        if isinstance(s, dict) and "uuid" in s and any(t.get("shortname") == "W" for t in s.get("timeseries", []))
    ]


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return path.name
