"""The Datenkatalog page's tables and the analysts' snippets (metadata columns are used when the mart has them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from regiohub.dashboard import data
from regiohub.presentation.labels import (
    DIRECTION_LABELS,
    FREQUENCY_LABELS,
    LEVEL_LABELS,
    domain_label,
    plain_formula,
)

PERIOD_TYPES = {"day": "Tag", "year": "Jahr", "date": "Stichtag", "month": "Monat"}
# dim_indicator column → German heading, in display order; missing columns are skipped.
COLUMNS = {
    "domain": "Bereich",
    "name_de": "Indikator",
    "definition_de": "Definition",
    "formula_de": "Formel",
    "unit": "Einheit",
    "direction": "Richtung",
    "frequency": "Häufigkeit",
    "levels": "Ebenen",
    "sdg_goal": "SDG",
    "sources": "Quellen",
    "licences": "Lizenzen",
}

# The first catalogue table (what an indicator is); the rest goes into the second (where it comes from).
WHAT = ["Bereich", "Indikator", "Definition", "Formel", "Einheit", "Richtung"]

ANALYST_INTRO = (
    "Der veröffentlichte Datenbestand ist eine DuckDB-Datei. Öffnen Sie sie **nur lesend** – der "
    "Veröffentlichungsschritt ersetzt sie atomar, offene Verbindungen behalten ihren Stand. Die Datei ist im "
    "Speicherformat v1.0.0 geschrieben und öffnet sich auch mit DuckDB 1.x (CLI, DBeaver, R)."
)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return str(value)


def indicator_table(mart: data.Mart) -> pd.DataFrame:
    """One row per indicator with all catalogue metadata the mart holds."""
    ind = data.indicators(mart).copy()
    sources = data.sources(mart)

    def ids(row: pd.Series) -> list[str]:
        listed = row.get("source_ids")
        if listed is not None and not isinstance(listed, str) and len(listed):
            return [str(s) for s in listed]
        if isinstance(listed, str) and listed:
            return [s.strip() for s in listed.replace("|", ",").split(",") if s.strip()]
        return [str(row["source_id"])]

    src_ids = [ids(r) for _, r in ind.iterrows()]
    ind["sources"] = [", ".join(sources.at[s, "name"] if s in sources.index else s for s in i) for i in src_ids]
    if "licences" not in ind:
        ind["licences"] = [", ".join(dict.fromkeys(sources.at[s, "licence"] for s in i if s in sources.index))
                           for i in src_ids]
    ind["attribution"] = ["; ".join(sources.at[s, "attribution"] for s in i if s in sources.index) for i in src_ids]
    ind["domain"] = ind["domain"].map(domain_label)
    ind["direction"] = ind["direction"].map(lambda d: DIRECTION_LABELS.get(d, d))
    ind["period_type"] = ind["period_type"].map(lambda p: PERIOD_TYPES.get(p, p))
    if "frequency" in ind:
        ind["frequency"] = ind["frequency"].map(lambda f: FREQUENCY_LABELS.get(f, f))
    if "levels" in ind:
        ind["levels"] = ind["levels"].map(lambda ls: [LEVEL_LABELS.get(str(v), str(v)) for v in ls]
                                          if ls is not None and not isinstance(ls, str) else ls)
    if "formula_de" in ind:
        ind["formula_de"] = ind["formula_de"].map(lambda f: plain_formula(f) if isinstance(f, str) else f)
    present = [c for c in COLUMNS if c in ind]
    out = ind[present].rename(columns=COLUMNS)
    return out.map(_text)


def source_table(mart: data.Mart) -> pd.DataFrame:
    src = data.sources(mart)
    return pd.DataFrame({
        "Quelle": src["name"],
        "Herausgeber": src["publisher"],
        "Lizenz": src["licence"],
        "Lizenztext": src["licence_url"],
        "Namensnennung": src["attribution"],
        "Beispieldaten": ["ja" if s else "" for s in src["is_sample"]],
    })


def duckdb_snippet(mart: data.Mart) -> str:
    return f'''import duckdb

con = duckdb.connect("{mart.path}", read_only=True)
con.sql("""
    select r.name, v.period, v.value, v.unit
    from fct_indicator_value v join dim_region r on r.ars = v.region_ars
    where v.indicator_id = 'ladepunkte_je_10000_ew' and r.is_partner
    order by v.period desc, v.value desc
""").show()'''


def cli_snippet(mart: data.Mart) -> str:
    return f'duckdb -readonly "{mart.path}" -c "select * from dim_indicator"'


def parquet_snippet(exports: list[Path]) -> str:
    lines = ["import pandas as pd", ""]
    lines += [f'{p.stem} = pd.read_parquet("{p}")' for p in exports[:12]]
    return "\n".join(lines)


def id_snippet(mart: data.Mart) -> str:
    """Indicator names with the keys to use in queries (for analysts)."""
    ind = data.indicators(mart)
    return "\n".join(f"{row.indicator_id}  # {row.name_de}" for row in ind.itertuples())
