"""Assign each charging facility to the Brandenburg Gemeinde containing its coordinates."""

TEXT = ("facility_id", "operator", "status", "facility_type", "street", "house_number", "postcode", "city",
        "district", "state", "load_id")


def model(dbt, session):
    dbt.config(materialized="table")
    from regiohub.core.geo import gemeinde_ars

    df = dbt.ref("stg_bnetza__charging_facilities").df()
    df["gemeinde_ars"] = gemeinde_ars(df["latitude"].tolist(), df["longitude"].tolist(), dbt.config.get("geo_dir"))
    # a column the release leaves empty (the older layout has no Status) stays text, not an untyped NULL
    for column in TEXT:
        df[column] = df[column].astype("string")
    return df
