"""Deutschlandatlas (BBSR/BMWSB): indicators per Kreis as one CSV (``Deutschlandatlas_KRS1222_HA26.csv``).

``;``-separated, decimal comma. The key column is named after the territorial vintage (``KRS1222``
= Kreise as of 31.12.2022, ``KRS1224`` …) and holds the 8-digit Kreis key whose leading zero may
be missing (``1001000`` = Flensburg, ``12054000`` = Potsdam); ``Kreisname`` names the Kreis; then
one column per indicator (``v_harzt`` = Hausärzte je 100.000 Einwohner, ``v_karzt`` = Kinderärzte
…); ``-9999``/``-99999`` mark values that do not exist. The older layout (``Kennziffer``, 5-digit,
and ``Raumeinheit``) is read too. Raw holds one row per Kreis and indicator; the registry's
``indicators`` param (comma-separated) limits which, ``reference_year`` says for when.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import Connector, find_payloads
from regiohub.ingest.connectors.csv_payloads import load, open_csv, shown
from regiohub.ingest.connectors.csv_values import literal, number
from regiohub.ingest.connectors.region import require_region_rows
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

KEY = re.compile(r"KRS[0-9]{4,5}|Kennziffer")
NAMES = ("Kreisname", "Raumeinheit")
INDICATOR = re.compile(r"[a-z][a-z0-9_]{0,40}")
MISSING = ("-9999", "-99999", "-999999")


class DeutschlandatlasConnector(Connector):
    entities = RAW_ENTITIES["deutschlandatlas"].entities
    keys = {"values": ("kreis_ags", "indicator")}
    checks = {
        "values": (
            ("unknown Kreis key", r"not regexp_full_match(kreis_ags, '(0[1-9]|1[0-6])[0-9]{3}')"),
            ("value out of range", "value < 0"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        path = find_payloads(landing_dir, ["*.csv", "**/*.csv"], source, "CSV file")[0]
        table = open_csv(path, source, workdir, delimiter=";", max_preamble=1)
        key = next((i for i, h in enumerate(table.header) if KEY.fullmatch(h)), None)
        name = table.position(NAMES)
        if key is None or name is None:
            raise SourceError(
                source.id,
                f"unknown column layout in {shown(path.name)}: missing the key column (KRS1222 or Kennziffer) "
                f"or Kreisname (found {table.shown_header()})",
            )
        positions = _indicators(table.header, source, path.name, exclude={key, name})
        year = source.params.get("reference_year", "")
        if not year.isdigit():
            raise SourceError(source.id, "params.reference_year must be a year such as 2022")
        raw = f"nullif(trim(c{key}), '')"
        kreis = (f"case when regexp_full_match({raw}, '[0-9]{{7,8}}') then left(lpad({raw}, 8, '0'), 5) "
                 f"when regexp_full_match({raw}, '[0-9]{{4,5}}') then lpad({raw}, 5, '0') else {raw} end")
        cells = ", ".join(f"c{i}" for i in positions.values())
        missing = ", ".join(literal(m) for m in MISSING)
        select = f"""
            select kreis_ags, region_name, indicator, {number('raw_value')} as value, reference_year,
                case when {number('raw_value')} is null
                     then {literal("unreadable number in an indicator column")} end as _problem, _payload
            from (select {kreis} as kreis_ags, trim(c{name}) as region_name,
                         unnest($indicators) as indicator, unnest([{cells}]) as raw_value,
                         $year::integer as reference_year, $payload as _payload
                  from {{reader}})
            where nullif(trim(raw_value), '') is not null and trim(raw_value) not in ({missing})
        """
        rel = load(con, "values", table, select, source, {"indicators": list(positions), "year": int(year)})
        require_region_rows(con, "values", "list_contains($kreise, kreis_ags)", source, table)
        return {"values": rel}


def _indicators(header: list[str], source: Source, file: str, exclude: set[int]) -> dict[str, int]:
    """Indicator name -> column position: the requested ones (all ``v_…``-style names if none)."""
    wanted = [i.strip() for i in source.params.get("indicators", "").split(",") if i.strip()]
    found = {h: i for i, h in enumerate(header) if i not in exclude and INDICATOR.fullmatch(h)}
    if wanted:
        missing = [w for w in wanted if w not in found]
        if missing:
            raise SourceError(
                source.id, f"unknown column layout in {shown(file)}: missing {', '.join(shown(m) for m in missing)}"
            )
        return {w: found[w] for w in wanted}
    if not found:
        raise SourceError(source.id, f"unknown column layout in {shown(file)}: no indicator columns")
    return found
