"""Plain DuckDB doing the same work as the platform, in the same run, for the ratio.

    python -m benchmarks.scale.baseline ingest SOURCE INPUT OUT_DIR   # read the payload, write Parquet
    python -m benchmarks.scale.baseline mart DATA_DIR                  # the mart's aggregations over raw Parquet

``mart`` computes over the newest raw load of each source what the facts hold: daily water levels per
gauge (readings de-duplicated across loads, Europe/Berlin days), departures per stop and day of the
timetable's first full week, charging points per Kreis and year of commissioning (Brandenburg), the
7-day incidence per Kreis and month, population per Gemeinde and year.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import duckdb

MART_SQL = {
    "water_daily": """
        select station_uuid, cast(timezone('Europe/Berlin', measured_at::timestamptz) as date) as day,
            round(avg(value_cm), 1) as mean_cm, min(value_cm), max(value_cm), count(*) as n_values
        from (select * from read_parquet($measurements)
              qualify row_number() over (partition by station_uuid, measured_at order by _load_id desc) = 1)
        group by all""",
    "departures_stop_day": """
        with calendar as (select * from read_parquet($calendar)),
        week as (select cast(min(start_date) + to_days(cast((8 - isodow(min(start_date))) % 7 as integer))
                             + to_days(cast(d as integer)) as date) as day
                 from calendar, range(7) t(d) group by d),
        running as (select week.day, c.service_id from week join calendar c
                    on week.day between c.start_date and c.end_date
                    and [c.monday, c.tuesday, c.wednesday, c.thursday, c.friday, c.saturday, c.sunday]
                        [isodow(week.day)] = 1),
        departures as (select st.stop_id, t.service_id from read_parquet($stop_times) st
                       join read_parquet($trips) t using (trip_id)
                       qualify st.stop_sequence < max(st.stop_sequence) over (partition by st.trip_id))
        select departures.stop_id, running.day, count(*) as departures
        from departures join running using (service_id) group by all""",
    "charging_kreis_year": """
        select district, year(commissioned_on) as year, count(*) as facilities, sum(charging_points) as points
        from read_parquet($charging_facilities) where state = 'Brandenburg' group by all""",
    "incidence_kreis_month": """
        select district_id, date_trunc('month', report_date) as month, avg(incidence_7_days), sum(cases_new)
        from read_parquet($incidence) group by all""",
    "population_gemeinde_year": "select * from read_parquet($values)",
}
PARQUET = {"measurements": "pegelonline/measurements", "stop_times": "vbb_gtfs/stop_times",
           "trips": "vbb_gtfs/trips", "calendar": "vbb_gtfs/calendar",
           "charging_facilities": "ladesaeulenregister/charging_facilities", "incidence": "rki_inzidenz/incidence",
           "values": "regionalstatistik_bevoelkerung/values"}


def mart(data_dir: Path) -> dict[str, int]:
    """Run every aggregation into a table; return rows per result."""
    files = {}
    for name, folder in PARQUET.items():
        loads = sorted((data_dir / "raw" / folder).glob("*.parquet"))
        # accumulating sources keep every load; full-snapshot sources are read from their newest load
        files[name] = [str(p) for p in (loads if name == "measurements" else loads[-1:])]
    rows = {}
    with duckdb.connect() as con:
        for name, sql in MART_SQL.items():
            params = {k: v for k, v in files.items() if f"${k}" in sql}
            con.execute(f"create table {name} as {sql}", params)
            rows[name] = con.execute(f"select count(*) from {name}").fetchone()[0]
    return rows


def ingest(source: str, payload: Path, out: Path) -> dict[str, int]:
    """Read the payload's tables with DuckDB's own readers (all text) and write them as Parquet."""
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, str] = {}
    with duckdb.connect() as con, tempfile.TemporaryDirectory(dir=out) as tmp:
        if source == "pegelonline":
            tables["measurements"] = ("select * from read_json($f, format = 'array', filename = true, "
                                      "columns = {'timestamp': 'VARCHAR', 'value': 'DOUBLE'})")
            args = {"measurements": [str(p) for p in sorted(payload.glob("stations/*/W/measurements.json"))]}
        elif source == "vbb_gtfs":
            with zipfile.ZipFile(payload) as zf:
                zf.extractall(tmp)
            args = {p.stem: str(p) for p in sorted(Path(tmp).glob("*.txt"))}
            tables = {name: "select * from read_csv($f, header = true, all_varchar = true)" for name in args}
        else:
            csv = payload
            if zipfile.is_zipfile(payload):
                with zipfile.ZipFile(payload) as zf:
                    csv = Path(zf.extract(zf.namelist()[0], tmp))
            options = {"ladesaeulenregister": "skip = 10, delim = ';'", "rki_inzidenz": "delim = ','"}
            option = options.get(source, "delim = ';'")
            tables["table"] = f"select * from read_csv($f, header = true, all_varchar = true, {option})"
            args = {"table": str(csv)}
        rows = {}
        for name, sql in tables.items():
            con.execute(f"copy ({sql}) to '{out / name}.parquet' (format parquet)", {"f": args[name]})
            rows[name] = con.execute(f"select count(*) from '{out / name}.parquet'").fetchone()[0]
    return rows


if __name__ == "__main__":
    if sys.argv[1] == "mart":
        print(mart(Path(sys.argv[2])))
    else:
        print(ingest(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])))
