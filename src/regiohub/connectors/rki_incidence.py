"""RKI open data: COVID-19 7-day incidence per Landkreis (CSV, ``,``-separated, daily full rebuild)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.connectors.base import (
    Connector,
    column_names,
    duckdb_error,
    find_payloads,
    materialise,
    reject_error_page,
    require_columns,
)
from regiohub.connectors.csv_payloads import as_utf8
from regiohub.registry import Source

REQUIRED = (
    "Meldedatum", "Landkreis_id", "Bevoelkerung", "Faelle_gesamt", "Faelle_neu", "Faelle_7-Tage", "Inzidenz_7-Tage",
)


class RkiIncidenceConnector(Connector):
    entities = ("incidence",)
    keys = {"incidence": ("report_date", "district_id")}
    checks = {
        "incidence": (
            ("unreadable date or number", "report_date is null or population is null or cases_7_days is null "
             "or incidence_7_days is null"),
            ("unknown district key", r"not regexp_full_match(district_id, '(0[1-9]|1[0-6])[0-9]{3}')"),
            ("value out of range", "population <= 0 or cases_7_days < 0 or incidence_7_days < 0 "
             "or incidence_7_days > 100000"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        path = find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")[0]
        reject_error_page(path, source, "CSV")
        utf8 = as_utf8(path, source, workdir)
        reader = "read_csv($file, header = true, delim = ',', all_varchar = true, strict_mode = true)"
        params = {"file": str(utf8)}
        try:
            header = column_names(con, reader, params)
            require_columns(header, REQUIRED, source, path.name)
            self.note_new_columns(header, REQUIRED, path.name)
            rel = materialise(
                con,
                "incidence",
                f"""
                select
                    try_strptime("Meldedatum", '%Y-%m-%d')::date as report_date,
                    lpad(trim("Landkreis_id"), 5, '0') as district_id,
                    try_cast("Bevoelkerung" as bigint) as population,
                    try_cast("Faelle_gesamt" as bigint) as cases_total,
                    try_cast("Faelle_neu" as bigint) as cases_new,
                    try_cast("Faelle_7-Tage" as bigint) as cases_7_days,
                    try_cast("Inzidenz_7-Tage" as double) as incidence_7_days,
                    $payload as _payload
                from {reader}
                """,
                {**params, "payload": str(path)},
            )
        except duckdb.Error as exc:
            raise duckdb_error(source, path, exc) from None
        return {"incidence": rel}
