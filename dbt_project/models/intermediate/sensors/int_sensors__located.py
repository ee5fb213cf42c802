"""Each sensor Datastream with its Gemeinde: the Thing's ``ars`` property if it names one, else the
Brandenburg Gemeinde containing the Location (None outside Brandenburg or without coordinates)."""

import json
import re


def _ars(properties):
    try:
        value = json.loads(properties or "{}").get("ars")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and re.fullmatch(r"12\d{10}", value) else None


def model(dbt, session):
    dbt.config(materialized="table")
    from regiohub.core.geo import gemeinde_ars

    df = dbt.ref("stg_sensors__observations").query(
        "obs", "select distinct source_id, datastream_id, longitude, latitude, thing_properties from obs"
    ).df()
    located = gemeinde_ars(df["latitude"].tolist(), df["longitude"].tolist(), dbt.config.get("geo_dir"))
    df["region_ars"] = [_ars(p) or g for p, g in zip(df["thing_properties"], located)]
    return df[["source_id", "datastream_id", "region_ars"]]
