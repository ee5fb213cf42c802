"""Fixtures for the dashboard tests: a small published mart that follows the mart contract.

``mart_data_dir`` is what the tests use. It returns ``fake_data_dir`` (built here) until the
project-wide ``demo_data_dir`` fixture (a data dir after a full offline ``regiohub run``) takes
its place. The tests read every expected value from the mart itself, so they hold for either.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from regiohub import settings
from regiohub.registry import load_registry

LAND = "120000000000"
DAYS = 14
LAST_DAY = date(2026, 11, 14)
YEARS = (2023, 2024, 2025)
CITY_POPULATION = {"120540000000": 183_154.0, "120510000000": 72_040.0}
GAUGES = {  # gauge number: (gauge name, ARS of the region the gauge lies in, base level in cm)
    "580412": ("POTSDAM", "120540000000", 312.0),
    "580440": ("BRANDENBURG UP", "120510000000", 184.0),
    "580430": ("KETZIN", "120630000000", 236.0),
    "580450": ("PLAUE", "120510000000", 201.0),
}

DDL = """
CREATE TABLE dim_region (ars VARCHAR PRIMARY KEY, ars_source VARCHAR, ags VARCHAR, name VARCHAR, bez VARCHAR,
    level VARCHAR, parent_ars VARCHAR, kreis_ars VARCHAR, is_partner BOOLEAN, partner_id VARCHAR,
    partner_name VARCHAR);
CREATE TABLE dim_indicator (indicator_id VARCHAR PRIMARY KEY, name_de VARCHAR, domain VARCHAR, unit VARCHAR,
    definition_de VARCHAR, source_id VARCHAR, period_type VARCHAR, direction VARCHAR);
CREATE TABLE dim_source (source_id VARCHAR PRIMARY KEY, name VARCHAR, domain VARCHAR, publisher VARCHAR,
    licence VARCHAR, licence_url VARCHAR, attribution VARCHAR, is_sample BOOLEAN, last_load_id VARCHAR,
    last_loaded_at TIMESTAMPTZ);
CREATE TABLE fct_indicator_value (region_ars VARCHAR, indicator_id VARCHAR, period VARCHAR, period_start DATE,
    period_end DATE, value DOUBLE, unit VARCHAR, source_id VARCHAR, is_sample BOOLEAN,
    UNIQUE (region_ars, indicator_id, period_start));
CREATE TABLE fct_partner_indicator_value (partner_id VARCHAR, partner_name VARCHAR, partner_ars VARCHAR,
    indicator_id VARCHAR, period VARCHAR, period_start DATE, period_end DATE, value DOUBLE, unit VARCHAR,
    measured_ars VARCHAR, measured_name VARCHAR, is_inherited BOOLEAN, source_id VARCHAR, is_sample BOOLEAN);
CREATE TABLE fct_water_level_daily (gauge_number VARCHAR, gauge_name VARCHAR, water_name VARCHAR, day DATE,
    mean_cm DOUBLE, min_cm DOUBLE, max_cm DOUBLE, n_values INTEGER, region_ars VARCHAR);
CREATE TABLE meta_snapshot (snapshot_id VARCHAR, published_at TIMESTAMPTZ, run_id VARCHAR);
"""

INDICATORS = [
    (
        "bevoelkerung",
        "Einwohner",
        "population",
        "Personen",
        "Einwohnerzahl am Zensusstichtag.",
        "zensus2022_bevoelkerung",
        "date",
        "neutral",
    ),
    (
        "ladepunkte",
        "Ladepunkte",
        "mobility",
        "Anzahl",
        "Öffentlich zugängliche Ladepunkte am Jahresende.",
        "ladesaeulenregister",
        "year",
        "higher_is_better",
    ),
    (
        "ladepunkte_je_10000_ew",
        "Ladepunkte je 10.000 Einwohner",
        "mobility",
        "je 10.000 EW",
        "Ladepunkte bezogen auf die Einwohnerzahl (Zensus 2022).",
        "ladesaeulenregister",
        "year",
        "higher_is_better",
    ),
    (
        "wasserstand_tagesmittel",
        "Wasserstand (Tagesmittel)",
        "water",
        "cm",
        "Tagesmittel des Wasserstands am Referenzpegel.",
        "pegelonline",
        "day",
        "neutral",
    ),
    (
        "inzidenz_7_tage",
        "7-Tage-Inzidenz",
        "health",
        "Fälle je 100.000 EW",
        "Gemeldete Fälle der letzten 7 Tage je 100.000 Einwohner.",
        "rki_inzidenz",
        "day",
        "lower_is_better",
    ),
    (
        "faelle_7_tage",
        "Fälle (7 Tage)",
        "health",
        "Anzahl",
        "Gemeldete Fälle der letzten 7 Tage.",
        "rki_inzidenz",
        "day",
        "lower_is_better",
    ),
]


def _features(name: str) -> list[dict]:
    return json.loads((settings.GEO_DIR / name).read_text(encoding="utf-8"))["features"]


def _regions() -> pd.DataFrame:
    partners = {p.ars: p for p in load_registry().partners}
    kreise = [f["properties"] for f in _features("brandenburg_kreise.geojson")]
    partner_kreise = {k["ARS"] for k in kreise if k["ARS"].ljust(12, "0") in partners}
    rows = [
        dict(
            ars=LAND,
            ars_source="12",
            ags="12",
            name="Brandenburg",
            bez="Land",
            level="land",
            parent_ars=None,
            kreis_ars=None,
        )
    ]
    for k in kreise:
        ars = k["ARS"].ljust(12, "0")
        rows.append(
            dict(
                ars=ars,
                ars_source=k["ARS"],
                ags=k["AGS"],
                name=k["GEN"],
                bez=k["BEZ"],
                level="kreis",
                parent_ars=LAND,
                kreis_ars=ars,
            )
        )
    for f in _features("brandenburg_gemeinden.geojson"):
        g = f["properties"]
        kreis = g["ARS"][:5].ljust(12, "0")
        if g["ARS"][:5] in partner_kreise and g["ARS"] != kreis:
            rows.append(
                dict(
                    ars=g["ARS"],
                    ars_source=g["ARS"],
                    ags=g["AGS"],
                    name=g["GEN"],
                    bez=g["BEZ"],
                    level="gemeinde",
                    parent_ars=kreis,
                    kreis_ars=kreis,
                )
            )
    df = pd.DataFrame(rows)
    df["is_partner"] = df["ars"].isin(partners)
    df["partner_id"] = df["ars"].map(lambda a: partners[a].id if a in partners else None)
    df["partner_name"] = df["ars"].map(lambda a: partners[a].name if a in partners else None)
    return df


def _values(regions: pd.DataFrame) -> pd.DataFrame:
    rows: list[dict] = []

    def add(ars: str, ind: str, period: str, start: date, end: date, value: float, unit: str, src: str) -> None:
        rows.append(
            dict(
                region_ars=ars,
                indicator_id=ind,
                period=period,
                period_start=start,
                period_end=end,
                value=value,
                unit=unit,
                source_id=src,
                is_sample=True,
            )
        )

    census = date(2022, 5, 15)
    pop: dict[str, float] = {}
    for r in regions[regions.level == "gemeinde"].itertuples():
        pop[r.ars] = float(1_000 + int(r.ars) % 9_973 * 3)
    for r in regions[regions.level == "kreis"].itertuples():
        inside = [v for a, v in pop.items() if a.startswith(r.ars[:5])]
        pop[r.ars] = CITY_POPULATION.get(r.ars) or (sum(inside) if inside else 150_000.0 + int(r.ars[2:5]) * 100)
    pop[LAND] = sum(v for a, v in pop.items() if a.endswith("0000000"))
    for ars, v in pop.items():
        add(ars, "bevoelkerung", census.isoformat(), census, census, v, "Personen", "zensus2022_bevoelkerung")

    charging = regions[(regions.level == "kreis") | regions.is_partner]
    for r in charging.itertuples():
        for i, year in enumerate(YEARS):
            n = float(10 + int(r.ars[2:5]) % 40 * (i + 2) + (50 if r.level == "kreis" else 0))
            start, end = date(year, 1, 1), date(year, 12, 31)
            add(r.ars, "ladepunkte", str(year), start, end, n, "Anzahl", "ladesaeulenregister")
            add(
                r.ars,
                "ladepunkte_je_10000_ew",
                str(year),
                start,
                end,
                round(n / pop[r.ars] * 10_000, 2),
                "je 10.000 EW",
                "ladesaeulenregister",
            )

    for r in regions[regions.level == "kreis"].itertuples():
        for i in range(DAYS):
            day = LAST_DAY - timedelta(days=DAYS - 1 - i)
            inc = round(20 + (i * 7 + int(r.ars[2:5])) % 50 + 0.37, 2)
            add(r.ars, "inzidenz_7_tage", day.isoformat(), day, day, inc, "Fälle je 100.000 EW", "rki_inzidenz")
            add(
                r.ars,
                "faelle_7_tage",
                day.isoformat(),
                day,
                day,
                float(round(inc * pop[r.ars] / 100_000)),
                "Anzahl",
                "rki_inzidenz",
            )

    for p in load_registry().partners:
        for day, mean in _water(p.reference_gauge):
            add(p.ars, "wasserstand_tagesmittel", day.isoformat(), day, day, mean, "cm", "pegelonline")
    return pd.DataFrame(rows)


def _water(gauge: str | None) -> list[tuple[date, float]]:
    if gauge not in GAUGES:
        return []
    base = GAUGES[gauge][2]
    return [(LAST_DAY - timedelta(days=DAYS - 1 - i), base + (i * 3) % 11) for i in range(DAYS)]


def _partner_values(regions: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    names = regions.set_index("ars")["name"]
    frames = []
    for p in regions[regions.is_partner].itertuples():
        own = values[values.region_ars == p.ars].assign(measured_ars=p.ars, is_inherited=False)
        inherited = values[(values.region_ars == p.kreis_ars) & ~values.indicator_id.isin(own.indicator_id)]
        inherited = inherited.assign(measured_ars=p.kreis_ars, is_inherited=p.kreis_ars != p.ars)
        for df in (own, inherited):
            frames.append(df.assign(partner_id=p.partner_id, partner_name=p.partner_name, partner_ars=p.ars))
    df = pd.concat(frames, ignore_index=True)
    df["measured_name"] = df["measured_ars"].map(names)
    return df[
        [
            "partner_id",
            "partner_name",
            "partner_ars",
            "indicator_id",
            "period",
            "period_start",
            "period_end",
            "value",
            "unit",
            "measured_ars",
            "measured_name",
            "is_inherited",
            "source_id",
            "is_sample",
        ]
    ]


def build_fake_mart(path: Path) -> Path:
    """Write a small published mart with the contract's tables and columns to ``path``."""
    regions = _regions()
    values = _values(regions)
    partner_values = _partner_values(regions, values)
    indicators = pd.DataFrame(
        INDICATORS,
        columns=["indicator_id", "name_de", "domain", "unit", "definition_de", "source_id", "period_type", "direction"],
    )
    sources = pd.DataFrame(
        [
            dict(
                source_id=s.id,
                name=s.name,
                domain=s.domain,
                publisher=s.publisher,
                licence=s.licence,
                licence_url=s.licence_url,
                attribution=s.attribution,
                is_sample=s.sample_data,
                last_load_id="20261121T090000Z",
                last_loaded_at=pd.Timestamp("2026-11-21 09:00", tz="UTC"),
            )
            for s in load_registry().sources
        ]
    )
    water = pd.DataFrame(
        [
            dict(
                gauge_number=g,
                gauge_name=name,
                water_name="HAVEL",
                day=day,
                mean_cm=mean,
                min_cm=mean - 2,
                max_cm=mean + 2,
                n_values=96,
                region_ars=ars,
            )
            for g, (name, ars, _) in GAUGES.items()
            for day, mean in _water(g)
        ]
    )
    snapshot = pd.DataFrame(
        [
            dict(
                snapshot_id="20261121T093000Z",
                run_id="run-fake-1",
                published_at=pd.Timestamp("2026-11-21 09:30", tz="UTC"),
            )
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(DDL)
        for table, df in [
            ("dim_region", regions),
            ("dim_indicator", indicators),
            ("dim_source", sources),
            ("fct_indicator_value", values),
            ("fct_partner_indicator_value", partner_values),
            ("fct_water_level_daily", water),
            ("meta_snapshot", snapshot),
        ]:
            con.register("frame", df)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")  # table names are constants above
            con.unregister("frame")
    return path


@pytest.fixture(scope="session")
def fake_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose published/regiohub.duckdb is a small contract-conforming mart."""
    data_dir = tmp_path_factory.mktemp("fake_data")
    build_fake_mart(settings.paths(data_dir).published)
    return data_dir


@pytest.fixture(scope="session")
def mart_data_dir(fake_data_dir: Path) -> Path:
    """The data dir the dashboard tests run against (switch to ``demo_data_dir`` once it exists)."""
    return fake_data_dir
