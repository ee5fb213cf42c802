"""Similar municipalities across Brandenburg for a partner: the documented BBSR size class (Gemeinden) or the
kind of Kreis (kreisfreie Stadt / Landkreis), then the nearest in population. All numbers come from the mart.

The typology and its licence: ``reference/typology/`` (README.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from regiohub.core import settings
from regiohub.reports.reader import Reader

TYPOLOGY_FILE = settings.REPO_ROOT / "reference" / "typology" / "gemeindegroessenklassen.csv"
POPULATION = "bevoelkerung_jahresende"
GROUP_SIZE = {"gemeinde": 8, "kreis": 5}
TYPOLOGY_NOTE = (
    "Ähnliche Gemeinden: Gemeinden in Brandenburg derselben Größenklasse nach dem Stadt- und Gemeindetyp des "
    "BBSR (nur Einwohnerschwellen), davon die {n} mit der nächsten Einwohnerzahl. Ähnliche Kreise: Kreise "
    "derselben Art (kreisfreie Stadt oder Landkreis), davon die {n} mit der nächsten Einwohnerzahl. "
    "Vergleichswert: Median der Gruppe, dazu ihre Spanne. Klassifikation: BBSR, dl-de/by-2-0 (Daten verändert)."
)


@dataclass(frozen=True)
class SizeClass:
    label: str
    low: float
    high: float | None


@dataclass(frozen=True)
class ComparisonGroup:
    """The group a partner is compared with: its class, the members (name, population) and their keys."""

    label: str
    basis: str
    members: tuple[tuple[str, float], ...] = ()
    ars: tuple[str, ...] = field(default=(), repr=False)


@cache
def size_classes() -> tuple[SizeClass, ...]:
    """The BBSR size classes shipped in ``reference/typology``."""
    with TYPOLOGY_FILE.open(encoding="utf-8") as fh:
        return tuple(SizeClass(r["bezeichnung"], float(r["einwohner_ab"]),
                               float(r["einwohner_unter"]) if r["einwohner_unter"] else None)
                     for r in csv.DictReader(fh))


def size_class(population: float) -> SizeClass:
    return next(c for c in size_classes() if population >= c.low and (c.high is None or population < c.high))


def comparison_group(reader: Reader, ars: str, level: str) -> ComparisonGroup | None:
    """The similar Gemeinden or Kreise of Brandenburg for the region ``ars`` (None without population)."""
    pop = reader.query(
        "SELECT f.period, f.value, r.bez FROM fct_indicator_value f JOIN dim_region r ON r.ars = f.region_ars"
        " WHERE f.region_ars = ? AND f.indicator_id = ? AND f.value IS NOT NULL ORDER BY f.period_start DESC LIMIT 1",
        [ars, POPULATION],
    )
    if pop.empty or level not in GROUP_SIZE:
        return None
    period, population, bez = pop.iloc[0]["period"], float(pop.iloc[0]["value"]), pop.iloc[0]["bez"]
    if level == "gemeinde":
        cls = size_class(population)
        low, high, label = cls.low, cls.high if cls.high is not None else 1e12, cls.label
    else:
        low, high, label = 0.0, 1e12, str(bez)
    members = reader.query(
        """
        SELECT r.ars, r.name, f.value AS population FROM fct_indicator_value f
        JOIN dim_region r ON r.ars = f.region_ars
        WHERE f.indicator_id = ? AND f.period = ? AND r.level = ? AND r.valid_to IS NULL AND r.ars <> ?
          AND starts_with(r.ars, '12') AND f.value >= ? AND f.value < ? AND (? <> 'kreis' OR r.bez = ?)
        ORDER BY abs(ln(f.value) - ln(?)), r.name LIMIT ?
        """,
        [POPULATION, period, level, ars, low, high, level, str(bez), population, GROUP_SIZE[level]],
    ).sort_values("population", ascending=False)
    basis = f"Einwohnerzahl am {pd.Timestamp(period).strftime('%d.%m.%Y')}"
    return ComparisonGroup(label, basis, tuple(zip(members["name"], members["population"].astype(float))),
                           tuple(members["ars"]))


def group_values(reader: Reader, group: ComparisonGroup) -> pd.DataFrame:
    """Per indicator and period: median, min, max and number of the group's values."""
    return reader.query(
        "SELECT indicator_id, period, median(value) AS median, min(value) AS low, max(value) AS high,"
        " count(value) AS n FROM fct_indicator_value WHERE list_contains(?, region_ars) GROUP BY ALL",
        [list(group.ars)],
    )
