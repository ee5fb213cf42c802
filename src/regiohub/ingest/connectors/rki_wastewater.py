"""RKI wastewater surveillance: SARS-CoV-2 (and other) virus loads per treatment plant site (TSV).

Two published layouts, recognised by their header:

* AMELAG ``amelag_einzelstandorte.tsv`` (current, weekly; documented in the repository's
  ``Readme.md`` and ``Metadaten/schemas/tableschema_amelag_einzelstandorte.json``): ``standort,
  bundesland (BB, BE, …), datum, viruslast, viruslast_normalisiert, vorhersage, obere_schranke,
  untere_schranke, einwohner, laborwechsel, typ, unter_bg``; ``NA`` for missing values.
* ESI-CorA ``ESI-CorA_Abwassersurveillance.tsv`` (pilot 2022-03 to 2023-03, finished):
  ``Bundesland (full name), Standort, Datum, Genkopien_normalisiert`` (SARS-CoV-2 only).

Only the registered sites are kept (``params.sites``: ``Standort=ARS`` pairs, ``params.land``: the
Land's code); a file without a row for them is rejected. Loads accumulate (the newest load's value of
a site, day and virus wins downstream), so the finished ESI-CorA series and AMELAG live side by side.
Column names come from the allow-list below; the header only decides positions.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import Connector, duckdb_error, materialise, reject_error_page
from regiohub.ingest.connectors.csv_payloads import as_utf8
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

AMELAG = {
    "standort": "site", "bundesland": "land", "datum": "sample_date_text", "viruslast": "viral_load",
    "viruslast_normalisiert": "viral_load_normalised", "vorhersage": "predicted", "obere_schranke": "predicted_upper",
    "untere_schranke": "predicted_lower", "einwohner": "population_connected", "laborwechsel": "lab_change",
    "typ": "pathogen", "unter_bg": "below_quantification_limit",
}
ESI_CORA = {"Bundesland": "land", "Standort": "site", "Datum": "sample_date_text",
            "Genkopien_normalisiert": "viral_load_normalised"}
NUMBERS = ("viral_load", "viral_load_normalised", "predicted", "predicted_upper", "predicted_lower",
           "population_connected")
TEXTS = ("lab_change", "below_quantification_limit")
LAENDER = {
    "Baden-Württemberg": "BW", "Bayern": "BY", "Berlin": "BE", "Brandenburg": "BB", "Bremen": "HB", "Hamburg": "HH",
    "Hessen": "HE", "Mecklenburg-Vorpommern": "MV", "Niedersachsen": "NI", "Nordrhein-Westfalen": "NW",
    "Rheinland-Pfalz": "RP", "Saarland": "SL", "Sachsen": "SN", "Sachsen-Anhalt": "ST", "Schleswig-Holstein": "SH",
    "Thüringen": "TH",
}


class RkiWastewaterConnector(Connector):
    entities = RAW_ENTITIES["rki_wastewater"].entities
    accumulate = RAW_ENTITIES["rki_wastewater"].accumulate
    keys = {"samples": ("site", "land", "sample_date", "pathogen")}
    checks = {
        "samples": (
            ("unreadable date", "sample_date is null"),
            ("missing virus type", "pathogen is null"),
            ("unreadable number", "unreadable is not null"),
            ("number not finite",
             "not isfinite(coalesce(viral_load, 0)) or not isfinite(coalesce(viral_load_normalised, 0))"),
            ("sample date in the future", "sample_date > current_date"),
            ("virus load out of range", "viral_load < 0 or viral_load_normalised < 0"),
        )
    }

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        files = [p for p in sorted(landing_dir.rglob("*")) if p.is_file() or p.is_symlink()]
        if any(p.is_symlink() for p in files):
            raise SourceError(source.id, "a symbolic link in the payload: refused")
        if len(files) != 1:
            raise SourceError(source.id, f"expected one TSV file, found {len(files)}")
        path = files[0]
        name = str(path.relative_to(landing_dir))
        reject_error_page(path, source, "TSV")
        utf8 = as_utf8(path, source, workdir)
        header = _header(utf8)
        layout, mapping = _layout(header, name, source)
        new = [h for h in header if h not in mapping]
        if new:
            self.notes.append(f"{name}: new column(s) ignored: {', '.join(new[:8])}")
        names = [mapping.get(h, f"column_{i}") for i, h in enumerate(header)]
        sites = _sites(source)
        land = source.params.get("land", "").strip()
        params: dict[str, object] = {"file": str(utf8), "names": names, "payload": str(path),
                                     "sites": list(sites), "regions": list(sites.values()), "land": land}
        if layout == "esi_cora":
            params.update(land_names=list(LAENDER), land_codes=list(LAENDER.values()))
        try:
            rel = materialise(con, "samples", _query(names, layout), params)
        except duckdb.Error as exc:
            raise duckdb_error(source, Path(name), exc) from None
        if not rel.count("*").fetchall()[0][0]:
            wanted = ", ".join(f"{s} ({land})" for s in sites)
            raise SourceError(source.id, f"{name}: no rows for the registered site(s) {wanted}: nothing to load")
        return {"samples": rel}


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        return [h.strip() for h in fh.readline().rstrip("\r\n").split("\t")]


def _layout(header: list[str], name: str, source: Source) -> tuple[str, dict[str, str]]:
    if {"standort", "bundesland", "datum", "typ"} <= set(header) and (
        {"viruslast", "viruslast_normalisiert"} & set(header)
    ):
        return "amelag", AMELAG
    if set(ESI_CORA) <= set(header):
        return "esi_cora", ESI_CORA
    raise SourceError(
        source.id,
        f"unknown column layout in {name}: neither AMELAG (standort, bundesland, datum, viruslast, typ …) "
        f"nor ESI-CorA (Bundesland, Standort, Datum, Genkopien_normalisiert); found {'; '.join(header[:6])}",
    )


def _sites(source: Source) -> dict[str, str]:
    """Registered site name -> 12-digit ARS of the region it stands for."""
    pairs = [p.split("=", 1) for p in source.params.get("sites", "").split(",") if "=" in p]
    return {site.strip(): ars.strip() for site, ars in pairs}


def _query(names: list[str], layout: str) -> str:
    def num(col: str) -> str:
        return f"try_cast(nullif(trim({col}), 'NA') as double)" if col in names else "null::double"

    def text(col: str) -> str:
        return f"nullif(trim({col}), 'NA')" if col in names else "null::varchar"

    numbers = ",\n".join(f"{num(c)} as {c}" for c in NUMBERS)
    texts = ",\n".join(f"{text(c)} as {c}" for c in TEXTS)
    unreadable = " || ".join(
        f"case when {text(c)} is not null and {num(c)} is null then '{c} ' else '' end" for c in NUMBERS if c in names
    )
    land = "trim(land)"
    if layout == "esi_cora":  # full names of the Länder -> the codes AMELAG uses
        land = "coalesce($land_codes[list_position($land_names, trim(land))], trim(land))"
    pathogen = "nullif(trim(pathogen), 'NA')" if layout == "amelag" else "'SARS-CoV-2'"
    return f"""
        select * exclude (_unreadable), nullif(trim(_unreadable), '') as unreadable
        from (
            select
                trim(site) as site,
                {land} as land,
                $regions[list_position($sites, trim(site))] as region_ars,
                try_strptime(trim(sample_date_text), '%Y-%m-%d')::date as sample_date,
                {pathogen} as pathogen,
                {numbers},
                {texts},
                '{layout}' as layout,
                {unreadable or "''"} as _unreadable,
                $payload as _payload
            from read_csv($file, header = false, skip = 1, names = $names, delim = '\t', quote = '',
                          all_varchar = true, strict_mode = true)
        )
        where list_contains($sites, site) and land = $land
    """
