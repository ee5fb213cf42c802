"""A small candidate mart that conforms to the mart contract: all nine partners, all four domains."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from regiohub.core.settings import Paths, paths
from regiohub.registry.model import load_registry

DDL = {
    "dim_region": "ars VARCHAR, ars_source VARCHAR, ags VARCHAR, name VARCHAR, bez VARCHAR, level VARCHAR, "
    "parent_ars VARCHAR, kreis_ars VARCHAR, is_partner BOOLEAN, partner_id VARCHAR, partner_name VARCHAR",
    "dim_indicator": "indicator_id VARCHAR, name_de VARCHAR, domain VARCHAR, unit VARCHAR, definition_de VARCHAR, "
    "source_id VARCHAR, period_type VARCHAR, direction VARCHAR",
    "dim_source": "source_id VARCHAR, name VARCHAR, domain VARCHAR, publisher VARCHAR, licence VARCHAR, "
    "licence_url VARCHAR, attribution VARCHAR, is_sample BOOLEAN, last_load_id VARCHAR, last_loaded_at TIMESTAMPTZ",
    "fct_indicator_value": "region_ars VARCHAR, indicator_id VARCHAR, period VARCHAR, period_start DATE, "
    "period_end DATE, value DOUBLE, unit VARCHAR, source_id VARCHAR, is_sample BOOLEAN",
    "fct_partner_indicator_value": "partner_id VARCHAR, partner_name VARCHAR, partner_ars VARCHAR, "
    "indicator_id VARCHAR, period VARCHAR, period_start DATE, period_end DATE, value DOUBLE, unit VARCHAR, "
    "measured_ars VARCHAR, measured_name VARCHAR, is_inherited BOOLEAN, source_id VARCHAR, is_sample BOOLEAN",
    "fct_water_level_daily": "gauge_number VARCHAR, gauge_name VARCHAR, water_name VARCHAR, day DATE, "
    "mean_cm DOUBLE, min_cm DOUBLE, max_cm DOUBLE, n_values INTEGER, region_ars VARCHAR",
}

LAND = "120000000000"
# ars, ars_source, name, bez, level, parent
REGIONS = [
    (LAND, "12", "Brandenburg", "Land", "land", None),
    ("120510000000", "12051", "Brandenburg an der Havel", "Kreisfreie Stadt", "kreis", LAND),
    ("120540000000", "12054", "Potsdam", "Kreisfreie Stadt", "kreis", LAND),
    ("120630000000", "12063", "Havelland", "Landkreis", "kreis", LAND),
    ("120690000000", "12069", "Potsdam-Mittelmark", "Landkreis", "kreis", LAND),
    ("120720000000", "12072", "Teltow-Fläming", "Landkreis", "kreis", LAND),
    ("120695102000", "120695102", "Ziesar", "Amt", "verwaltungsgemeinschaft", "120690000000"),
    ("120690020020", "120690020020", "Bad Belzig", "Stadt", "gemeinde", "120690000000"),
    ("120690665665", "120690665665", "Wiesenburg/Mark", "Gemeinde", "gemeinde", "120690000000"),
    ("120720232232", "120720232232", "Luckenwalde", "Stadt", "gemeinde", "120720000000"),
    ("120720240240", "120720240240", "Ludwigsfelde", "Stadt", "gemeinde", "120720000000"),
    ("120720169169", "120720169169", "Jüterbog", "Stadt", "gemeinde", "120720000000"),
]

# indicator_id, name_de, domain, unit, source_id, period_type, direction
INDICATORS = [
    ("bevoelkerung", "Bevölkerung", "population", "Personen", "zensus2022_bevoelkerung", "date", "neutral"),
    ("ladepunkte", "Öffentliche Ladepunkte", "mobility", "Anzahl", "ladesaeulenregister", "year", "higher_is_better"),
    (
        "ladepunkte_je_10000_ew",
        "Ladepunkte je 10.000 EW",
        "mobility",
        "je 10.000 EW",
        "ladesaeulenregister",
        "year",
        "higher_is_better",
    ),
    ("wasserstand_tagesmittel", "Wasserstand (Tagesmittel)", "water", "cm", "pegelonline", "day", "neutral"),
    ("inzidenz_7_tage", "7-Tage-Inzidenz", "health", "Fälle je 100.000 EW", "rki_inzidenz", "day", "lower_is_better"),
    ("faelle_7_tage", "Fälle (7 Tage)", "health", "Anzahl", "rki_inzidenz", "day", "lower_is_better"),
]

SOURCES = [
    ("pegelonline", "PEGELONLINE", "water", "WSV", "dl-de/zero-2-0", "https://www.govdata.de/dl-de/zero-2-0"),
    (
        "zensus2022_bevoelkerung",
        "Zensus 2022",
        "population",
        "Statistische Ämter",
        "dl-de/by-2-0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    (
        "ladesaeulenregister",
        "Ladesäulenregister",
        "mobility",
        "Bundesnetzagentur",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (
        "rki_inzidenz",
        "RKI Inzidenz",
        "health",
        "Robert Koch-Institut",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
]

DAYS = [date(2026, 11, 13), date(2026, 11, 14)]
CENSUS_DAY = date(2022, 5, 15)
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def _kreis_of(ars: str) -> str:
    return ars[:5] + "0000000"


def _rows() -> dict[str, list[tuple]]:
    registry = load_registry()
    partners = {p.ars: p for p in registry.partners}
    gauge_of = {p.ars: p.reference_gauge for p in registry.partners}
    unit = {i[0]: i[3] for i in INDICATORS}
    source = {i[0]: i[4] for i in INDICATORS}

    dim_region = []
    for ars, ars_source, name, bez, level, parent in REGIONS:
        p = partners.get(ars)
        kreis = None if level == "land" else _kreis_of(ars)
        dim_region.append(
            (
                ars,
                ars_source,
                ars[:8],
                name,
                bez,
                level,
                parent,
                kreis,
                p is not None,
                p.id if p else None,
                p.name if p else None,
            )
        )

    facts: dict[tuple[str, str], list[tuple]] = {}  # (ars, indicator) -> [(period, start, end, value)]
    for i, (ars, *_rest) in enumerate(REGIONS):
        level = REGIONS[i][4]
        facts[(ars, "bevoelkerung")] = [("2022-05-15", CENSUS_DAY, CENSUS_DAY, 10_000.0 + 1_000 * i)]
        if level != "land":
            facts[(ars, "ladepunkte")] = [("2025", *YEAR, 10.0 + i)]
            facts[(ars, "ladepunkte_je_10000_ew")] = [("2025", *YEAR, 5.5 + i)]
        if level == "kreis":
            for indicator, base in (("inzidenz_7_tage", 42.0), ("faelle_7_tage", 17.0)):
                facts[(ars, indicator)] = [(d.isoformat(), d, d, base + i + k) for k, d in enumerate(DAYS)]
        if ars in partners:
            facts[(ars, "wasserstand_tagesmittel")] = [(d.isoformat(), d, d, 150.0 + k) for k, d in enumerate(DAYS)]
    fct = [
        (ars, ind, per, start, end, value, unit[ind], source[ind], True)
        for (ars, ind), values in facts.items()
        for per, start, end, value in values
    ]

    names = {r[0]: r[2] for r in REGIONS}
    partner_rows = []
    for ars, p in partners.items():
        for indicator in unit:
            measured = ars if (ars, indicator) in facts else _kreis_of(ars)
            for per, start, end, value in facts[(measured, indicator)]:
                partner_rows.append(
                    (
                        p.id,
                        p.name,
                        ars,
                        indicator,
                        per,
                        start,
                        end,
                        value,
                        unit[indicator],
                        measured,
                        names[measured],
                        measured != ars,
                        source[indicator],
                        True,
                    )
                )

    water = [
        (gauge, f"Pegel {gauge}", "Havel", d, 150.0 + k, 140.0, 160.0, 96, None)
        for gauge in sorted({g for g in gauge_of.values() if g})
        for k, d in enumerate(DAYS)
    ]
    loaded = datetime(2026, 11, 14, 6, 0, tzinfo=UTC)
    return {
        "dim_region": dim_region,
        "dim_indicator": [(i[0], i[1], i[2], i[3], f"Definition {i[1]}", i[4], i[5], i[6]) for i in INDICATORS],
        "dim_source": [(*s, f"© {s[3]}", True, "20261114T060000Z", loaded) for s in SOURCES],
        "fct_indicator_value": fct,
        "fct_partner_indicator_value": partner_rows,
        "fct_water_level_daily": water,
    }


def build_candidate(path: Path) -> Path:
    """Write a contract-conforming candidate mart to ``path``."""
    con = duckdb.connect(str(path))
    try:
        for table, rows in _rows().items():
            con.execute(f"CREATE TABLE {table} ({DDL[table]})")
            placeholders = ", ".join("?" * (DDL[table].count(",") + 1))
            con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def candidate_builder() -> Callable[[Path], Path]:
    """:func:`build_candidate` for module-scoped fixtures (tests must not import from conftest)."""
    return build_candidate


@pytest.fixture
def data(tmp_path: Path) -> Paths:
    return paths(tmp_path / "data").ensure()


@pytest.fixture
def make_candidate(data: Paths) -> Callable[..., Path]:
    """``make_candidate(sql, params)``: a clean candidate, then one optional change (test-owned SQL)."""

    def make(sql: str | None = None, params: list | None = None) -> Path:
        path = build_candidate(data.build / "candidate.duckdb")
        if sql:
            con = duckdb.connect(str(path))
            try:
                con.execute(sql, params or [])
            finally:
                con.close()
        return path

    return make
