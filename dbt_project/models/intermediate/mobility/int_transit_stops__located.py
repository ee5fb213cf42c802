"""Assign each GTFS stop to the Brandenburg Gemeinde containing its coordinates (None outside Brandenburg)."""


def model(dbt, session):
    dbt.config(materialized="table")
    from regiohub.core.geo import gemeinde_ars

    df = dbt.ref("stg_vbb__stops").df()
    df["gemeinde_ars"] = gemeinde_ars(df["latitude"].tolist(), df["longitude"].tolist(), dbt.config.get("geo_dir"))
    return df
