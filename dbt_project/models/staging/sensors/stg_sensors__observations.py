"""Observations of every sensor source (STA and MQTT connectors) with their Datastream's metadata.

Reads ``raw/<source>/datastreams`` and ``raw/<source>/observations`` of whatever sensor sources exist; with
none, an empty table of the same columns (a data dir without sensors builds as before). The newest
load's description of a Datastream wins; an observation repeated by overlapping loads is kept once.
"""

import glob
import os

COLUMNS = """source_id varchar, datastream_id varchar, observed_property_name varchar, unit_symbol varchar,
    longitude double, latitude double, thing_properties varchar, phenomenon_start timestamptz,
    phenomenon_end timestamptz, result_number double, load_id varchar"""


def model(dbt, session):
    dbt.config(materialized="table")
    if False:  # lineage only (never read: no sensor files must not fail the build): `source:sta+`, `source:mqtt+`
        dbt.source("sta", "observations"), dbt.source("mqtt", "observations")
    raw = dbt.config.get("raw_dir")
    obs = sorted(glob.glob(os.path.join(raw, "*", "observations", "*.parquet")))
    ds = sorted(glob.glob(os.path.join(raw, "*", "datastreams", "*.parquet")))
    if not obs or not ds:
        empty = ", ".join(f"null::{c.split()[1]} as {c.split()[0]}" for c in COLUMNS.split(","))
        return session.sql(f"select {empty} limit 0")
    return session.sql(
        """
        with datastreams as (
            select * from read_parquet($ds, union_by_name = true)
            where datastream_id is not null
            qualify row_number() over (partition by _source_id, datastream_id order by _load_id desc) = 1
        ),
        observations as (
            select * from read_parquet($obs, union_by_name = true)
            where datastream_id is not null and phenomenon_start is not null
            qualify row_number() over (
                partition by _source_id, datastream_id, phenomenon_start, phenomenon_end order by _load_id desc) = 1
        )
        select o._source_id as source_id, o.datastream_id, d.observed_property_name, d.unit_symbol,
            d.longitude, d.latitude, d.thing_properties,
            o.phenomenon_start::timestamptz as phenomenon_start, o.phenomenon_end::timestamptz as phenomenon_end,
            o.result_number, o._load_id as load_id
        from observations o
        join datastreams d on d._source_id = o._source_id and d.datastream_id = o.datastream_id
        """,
        params={"ds": ds, "obs": obs},
    )
