"""Assign each charging facility to the Brandenburg Gemeinde containing its coordinates."""


def model(dbt, session):
    dbt.config(materialized="table")
    from regiohub.geo import gemeinde_ars

    df = dbt.ref("stg_bnetza__charging_facilities").df()
    df["gemeinde_ars"] = gemeinde_ars(df["latitude"].tolist(), df["longitude"].tolist(), dbt.config.get("geo_dir"))
    return df
