"""Zensus 2022 database: population per Gemeinde at the census day as flat-file CSV ("ffcsv").

Fetch through the database's documented GENESIS webservice (REST 2020, "Anwenderdokumentation zum
Webservice/API der Zensusdatenbank"): ``POST https://ergebnisse.zensus2022.de/api/rest/2020/data/tablefile``
with the account token in the ``username`` header and an empty ``password`` header, form fields
``name`` (table), ``regionalvariable`` ``GEOGM4`` and ``regionalkey`` ``<Land>*`` (the Gemeinden of the
cooperation's Land only: one request stays far below the value limit), ``format=ffcsv``. The answer is a ZIP
holding ``{table}_de_flat.csv``: ``;``-separated UTF-8, decimal commas, quality column ``value_q``.

Intake is by content: the ZIP or its CSV under any name. The answer to ``area=all`` starts with
Germany (``GEODL1``, value variable ``PRS001``) and then lists every Gemeinde (``GEOGM4``, ``PRS018``):
the Gemeinden are kept (and a Land row ``GEOBL1`` where an answer has one), the rest is set aside with a
note. A table of another statistic or with other variables (1000A-2022 by age and migration, say) is
rejected, naming it. A Gemeinde key the region reference does not know is quarantined with its name.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.ingest.connectors.base import Connector, FetchContext
from regiohub.ingest.connectors.genesis_ffcsv import CHECKS
from regiohub.ingest.connectors.genesis_intake import Table, read_tables, request_tablefile
from regiohub.ingest.connectors.region import cooperation_land, judge_region_keys
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

STATISTIC, REGION_VARIABLE, PERSONS = "1000A", "GEOGM4", "PRS018"
LEVELS = ((REGION_VARIABLE, ("gemeinde", PERSONS)), ("GEOBL1", ("land", PERSONS)))


class ZensusFfcsvConnector(Connector):
    entities = RAW_ENTITIES["zensus_ffcsv"].entities
    keys = {"values": ("statistics_code", "reference_date", "region_code", "value_variable_code",
                       "variable_2_attribute_code")}
    checks = {
        "values": (
            *CHECKS,
            ("unknown region key", r"not regexp_full_match(region_code, '(0[1-9]|1[0-6])([0-9]{1,10})?|DG')"),
        )
    }

    def fetch(self, ctx: FetchContext) -> None:
        params = ctx.source.params
        table = params["table"]
        request_tablefile(ctx, table, regionalvariable=params.get("regionalvariable", REGION_VARIABLE),
                          regionalkey=params.get("regionalkey", f"{cooperation_land()}*"))

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        accepted = [Table(source.params.get("table", STATISTIC), STATISTIC, LEVELS)]
        rel = read_tables(con, landing_dir, source, workdir, accepted, self.notes)
        return {"values": judge_region_keys(con, rel, "census_values", self.notes)}
