"""The SensorThings tables, built in memory from the sensor sources' raw data (STA and MQTT connectors).

Ids are ``<source>:<id>`` so that sources never collide. For every Datastream with numeric results a
harmonised daily series is added as a Datastream of its own (``<id>:daily``, "Tagesmittel"): one
Observation per day with the mean as result and the day as ``phenomenonTime`` interval — the server-side
aggregate that the standard lacks. ``sta_latest`` holds the latest Observation of each Datastream
(Masterportal's ``$expand=Observations($orderby=phenomenonTime desc;$top=1)``). The tables are rebuilt
when the set of raw files changes (checked at
most every ``refresh_s`` seconds); requests read the current generation.
"""

from __future__ import annotations

import threading
import time

import duckdb

from regiohub.core import duckdb_settings, settings
from regiohub.registry.model import Registry, load_registry
from regiohub.store.sensors import raw_files

SENSOR_CONNECTORS = ("sta", "mqtt")

OBSERVATIONS = """
  select _source_id || ':' || datastream_id as datastream_id,
         _source_id || ':' || coalesce(observation_id, md5(datastream_id || phenomenon_start)) as id,
         phenomenon_start::timestamptz as phenomenon_start, phenomenon_end::timestamptz as phenomenon_end,
         result_time::timestamptz as result_time, result_number, result_text
  from {src} where datastream_id is not null
  qualify row_number() over (partition by _source_id, datastream_id, phenomenon_start, phenomenon_end
                             order by _fetched_at desc) = 1
"""
DAILY = """
insert into sta_observations
  select datastream_id || ':daily', datastream_id || ':daily:' || strftime(day, '%Y-%m-%d'),
         day::timestamptz, (day + interval 1 day)::timestamptz, max(phenomenon_start), avg(result_number),
         null
  from (select *, date_trunc('day', phenomenon_start at time zone 'UTC') as day from sta_observations
        where result_number is not null and {only}) group by all
"""
# Newer loads of observations already held: the newest load wins; the days they touch are recomputed.
APPEND = """
create or replace temp table obs_new as {new};
delete from sta_observations o where exists (select 1 from obs_new n where n.datastream_id = o.datastream_id
  and n.phenomenon_start = o.phenomenon_start and n.phenomenon_end is not distinct from o.phenomenon_end);
insert into sta_observations select * from obs_new;
create or replace temp table touched as
  select distinct datastream_id, date_trunc('day', phenomenon_start at time zone 'UTC') as day from obs_new;
delete from sta_observations o where exists (select 1 from touched t
  where o.datastream_id = t.datastream_id || ':daily' and o.phenomenon_start = t.day::timestamptz);
delete from sta_latest where datastream_id in (select datastream_id from touched
  union all select datastream_id || ':daily' from touched)
"""
METADATA = """
create or replace table ds_raw as
  select * exclude (rn) from (
    select *, row_number() over (partition by _source_id, datastream_id order by _fetched_at desc) as rn
    from ds_src where datastream_id is not null) where rn = 1;
create or replace table sta_things as
  select distinct on (id) _source_id || ':' || coalesce(thing_id, datastream_id) as id,
         coalesce(thing_name, name) as name, '' as description, coalesce(thing_properties, '{}') as properties
  from ds_raw;
create or replace table sta_locations as
  select distinct on (id) _source_id || ':' || coalesce(location_id, thing_id, datastream_id) as id,
         _source_id || ':' || coalesce(thing_id, datastream_id) as thing_id, coalesce(location_name, thing_name, name)
         as name, '' as description, 'application/geo+json' as encoding_type, 'location' as location,
         longitude as lon, latitude as lat
  from ds_raw where longitude is not null and latitude is not null;
create or replace table sta_sensors as
  select distinct on (id) _source_id || ':' || coalesce(sensor_id, sensor_name, 'sensor') as id,
         coalesce(sensor_name, 'Sensor') as name, '' as description, 'text/html' as encoding_type, '' as metadata
  from ds_raw;
create or replace table sta_properties as
  select distinct on (id) _source_id || ':' || coalesce(observed_property_id, observed_property_name) as id,
         observed_property_name as name, coalesce(observed_property_definition, '') as definition,
         '' as description
  from ds_raw where observed_property_name is not null;
create or replace table sta_datastreams as
  with span as (select datastream_id, min(phenomenon_start) as s, max(coalesce(phenomenon_end, phenomenon_start)) as e
                from sta_observations group by 1)
  select d.*, span.s as phenomenon_start, span.e as phenomenon_end from (
    select _source_id || ':' || datastream_id as id, name, coalesce(description, '') as description,
           coalesce(observation_type, 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation')
             as observation_type, unit_name, unit_symbol, unit_definition,
           _source_id || ':' || coalesce(thing_id, datastream_id) as thing_id,
           _source_id || ':' || coalesce(sensor_id, sensor_name, 'sensor') as sensor_id,
           _source_id || ':' || coalesce(observed_property_id, observed_property_name) as property_id,
           '{}' as properties
    from ds_raw
    union all
    select _source_id || ':' || datastream_id || ':daily', name || ' – Tagesmittel',
           'Tagesmittel (UTC-Tag), von Regio.hub aus den Einzelwerten berechnet',
           'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement', unit_name, unit_symbol,
           unit_definition, _source_id || ':' || coalesce(thing_id, datastream_id),
           _source_id || ':' || coalesce(sensor_id, sensor_name, 'sensor'),
           _source_id || ':' || coalesce(observed_property_id, observed_property_name),
           '{"aggregate": "mean", "period": "P1D", "source": "' || _source_id || ':' || datastream_id || '"}'
    from ds_raw) d left join span on span.datastream_id = d.id;
insert into sta_latest
  select *, strftime(phenomenon_start at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')
         || coalesce('/' || strftime(phenomenon_end at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ'), '') as time_text
  from sta_observations where datastream_id not in (select datastream_id from sta_latest)
  qualify row_number() over (partition by datastream_id order by phenomenon_start desc) = 1;
"""


_V, _T = "null::varchar as ", "null::timestamptz as "
EMPTY_DS = ("select " + ", ".join(_V + c for c in (
    "_source_id", "datastream_id", "name", "description", "observation_type", "unit_name", "unit_symbol",
    "unit_definition", "thing_id", "thing_name", "thing_properties", "location_id", "location_name", "sensor_id",
    "sensor_name", "observed_property_id", "observed_property_name", "observed_property_definition"))
    + ", null::double as longitude, null::double as latitude, " + _T + "_fetched_at limit 0")
EMPTY_OBS = ("select " + ", ".join(_V + c for c in (
    "_source_id", "datastream_id", "observation_id", "phenomenon_start", "phenomenon_end", "result_time",
    "result_text")) + ", null::double as result_number, " + _T + "_fetched_at limit 0")


def sensor_files(data: settings.Paths, registry: Registry, entity: str) -> list[str]:
    return raw_files(data, [s.id for s in registry.sources if s.connector in SENSOR_CONNECTORS], entity)


class StaStore:
    def __init__(self, data: settings.Paths | None = None, registry: Registry | None = None,
                 refresh_s: float = 5.0) -> None:
        self.data = data or settings.paths()
        self.registry = registry or load_registry()
        self.refresh_s = refresh_s
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._files: tuple = ()
        self._checked = 0.0

    @staticmethod
    def _source(files: list[str], empty: str) -> str:
        # file names are our own raw files (a view takes no parameters): quoted, never from a request
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        return f"(select * from read_parquet([{listed}], union_by_name = true))" if files else f"({empty})"

    def _run(self, con: duckdb.DuckDBPyConnection, script: str) -> None:
        for statement in filter(str.strip, script.split(";\n")):
            con.execute(statement)

    def _build(self, ds: list[str], obs: list[str]) -> duckdb.DuckDBPyConnection:
        """All tables from all raw files."""
        con = duckdb_settings.connect()
        con.execute(f"create table sta_observations as {OBSERVATIONS.format(src=self._source(obs, EMPTY_OBS))}")
        con.execute(DAILY.format(only="true"))
        con.execute("create table sta_latest as select *, ''::varchar as time_text from sta_observations limit 0")
        self._metadata(con, ds)
        return con

    def _append(self, con: duckdb.DuckDBPyConnection, ds: list[str], new: list[str]) -> None:
        """Only the new observation files (a consumer adds one every few seconds); metadata anew (small)."""
        con.execute("begin")
        self._run(con, APPEND.format(new=OBSERVATIONS.format(src=self._source(new, EMPTY_OBS))))
        con.execute(DAILY.format(only="(datastream_id, date_trunc('day', phenomenon_start at time zone 'UTC')) "
                                      "in (select (datastream_id, day) from touched)"))
        self._metadata(con, ds)
        con.execute("commit")

    def _metadata(self, con: duckdb.DuckDBPyConnection, ds: list[str]) -> None:
        con.execute(f"create or replace view ds_src as {self._source(ds, EMPTY_DS)}")
        self._run(con, METADATA)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current tables (brought up to date first if the raw files changed)."""
        now = time.monotonic()
        with self._lock:
            if self._con is None or now - self._checked > self.refresh_s:
                self._checked = now
                ds, obs = (sensor_files(self.data, self.registry, e) for e in ("datastreams", "observations"))
                old = set(self._files[1]) if self._files else set()
                if self._con is not None and old and old <= set(obs) and (tuple(ds), tuple(obs)) != self._files:
                    self._append(self._con, ds, sorted(set(obs) - old))
                elif self._con is None or (tuple(ds), tuple(obs)) != self._files:
                    self._con = self._build(ds, obs)
                self._files = (tuple(ds), tuple(obs))
            return self._con.cursor()
