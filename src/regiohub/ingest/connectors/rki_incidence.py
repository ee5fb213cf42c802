"""RKI open data: COVID-19 7-day incidence per Landkreis (CSV, ``,``-separated, daily full rebuild).

Layout per the repository's table schema (``Metadaten/schemas/…_Landkreise.md`` of
``robert-koch-institut/COVID-19_7-Tage-Inzidenz_in_Deutschland``): ``Meldedatum`` (``%Y-%m-%d``),
``Landkreis_id`` (``^(1[0-6]?|0[0-9]?)[0-9]{3}$``: the leading zero may be missing), integer counts
and ``Inzidenz_7-Tage`` with a decimal point. An id that is no Kreis key (a Land total such as
``17000``, ``u`` for unknown, ``12054`` with anything after it) is quarantined with that reason, never
cut; the RKI's other series (per Land, hospitalisation) are refused as out of scope.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from regiohub.ingest.connectors.base import Connector, find_payloads
from regiohub.ingest.connectors.csv_payloads import Column, load, open_csv, select_columns, shown
from regiohub.ingest.connectors.csv_values import Horizon
from regiohub.ingest.connectors.region import require_region_rows
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

COLUMNS = (
    Column("report_date", ("Meldedatum",), "date", required=True),
    Column("district_id", ("Landkreis_id",), required=True),
    Column("population", ("Bevoelkerung",), "integer", required=True),
    Column("cases_total", ("Faelle_gesamt",), "integer", required=True),
    Column("cases_new", ("Faelle_neu",), "integer", required=True),
    Column("cases_7_days", ("Faelle_7-Tage",), "integer", required=True),
    Column("incidence_7_days", ("Inzidenz_7-Tage",), "number", required=True),
)
FOREIGN = {
    "the RKI COVID-19 hospitalisation series per Land (Bundesland_Id, Altersgruppe), not the 7-day incidence "
    "per Landkreis": ("Bundesland_Id", "Altersgruppe"),
    "the RKI 7-day incidence per Land (Bundesland_id), not per Landkreis": ("Bundesland_id",),
    "an RKI wastewater (AMELAG) series, not the 7-day incidence per Landkreis": ("standort", "viruslast"),
}
FIRST_DAY = date(2020, 1, 1)  # the series starts with the first reports in 2020


class RkiIncidenceConnector(Connector):
    entities = RAW_ENTITIES["rki_incidence"].entities
    keys = {"incidence": ("report_date", "district_id")}
    checks = {
        "incidence": (
            ("missing date or number", "report_date is null or population is null or cases_7_days is null "
             "or incidence_7_days is null"),
            ("not a Kreis key (a Land total or unknown)",
             r"not regexp_full_match(district_id, '(0[1-9]|1[0-6])[0-9]{3}') "
             "or district_id like '__000' and district_id not in ('02000', '11000')"),
            ("value out of range", "population <= 0 or cases_7_days < 0 or incidence_7_days < 0 "
             "or incidence_7_days > 100000"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        path = find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")[0]
        table = open_csv(path, source, workdir, delimiter=",", foreign=FOREIGN, max_preamble=1)
        horizon = Horizon(FIRST_DAY, date.today() + timedelta(days=1))
        exprs, problem = select_columns(table, COLUMNS, source, horizon)
        # the leading zero may be missing: pad 4 digits only; anything else is kept whole for the key check
        # (``lpad`` alone would cut "12054GARBAGE" to a valid-looking "12054")
        raw = f"trim(c{table.position(('Landkreis_id',))})"
        exprs[1] = f"(case when regexp_full_match({raw}, '[0-9]{{4}}') then '0' || {raw} else {raw} end) as district_id"
        rel = load(con, "incidence", table,
                   f"select {', '.join(exprs)}, {problem} as _problem, $payload as _payload from {{reader}}", source)
        require_region_rows(con, "incidence", "list_contains($kreise, district_id)", source, table)
        self.note_new_columns([shown(h) for h in table.header], [c.headers[0] for c in COLUMNS], shown(path.name))
        return {"incidence": rel}
