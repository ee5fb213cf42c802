"""What the scale benchmark's inputs are made of: the base (1x), the geography, small writers.

Scale ``s`` multiplies the rows per entity; the entity sets are complete at every scale (all 416
Gemeinden and 18 Kreise of Brandenburg, all ~400 Kreise of Germany in the RKI file and the charging
register, 40 gauges). 16x is the target of issue 15: full Brandenburg, ten years of history.
"""

from __future__ import annotations

import hashlib
import random
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "http"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import make_samples as samples  # noqa: E402  (geography, sample constants and layouts)

END = date(2026, 11, 15)  # last day of every generated series
TEN_YEARS_DAYS = 3652
RKI_DAYS = (END - date(2020, 1, 1)).days + 1  # the RKI series starts in 2020
FULL = 16  # the scale that is full Brandenburg, ten years


@dataclass(frozen=True)
class Base:
    """Rows at 1x; every figure is multiplied by the scale (16x = full Brandenburg, ten years)."""

    gauges: int = 40
    gauge_days: int = round(TEN_YEARS_DAYS / FULL)  # 228 days of 15-minute readings per gauge
    rki_days: int = round(RKI_DAYS / FULL)  # ~157 days x all Kreise of Germany
    facilities: int = 10_000  # charging facilities in the all-Germany register (16x ~ the real 2026 size)
    trips: int = 17_500  # GTFS trips (~20 stops each); 16x ~ the VBB feed (~280k trips, ~5.6M stop times)

    def describe(self, fraction: float = 1.0) -> str:
        f = fraction
        return (
            f"1x = {self.gauges} PEGELONLINE gauges x {round(self.gauge_days * f)} days of 15-minute readings, "
            f"RKI incidence for all {len(GERMAN_KREISE)} Kreise x {round(self.rki_days * f)} days, "
            f"{round(self.facilities * f):,} charging facilities (all Germany), GTFS with {round(self.trips * f):,} "
            f"trips over all {len(samples.GEMEINDEN)} Gemeinden; population tables for all Gemeinden x ten years "
            "at every scale; 16x = full Brandenburg, ten years"
        )


BASE = Base()

# Kreise per Land (first two digits of the key): Brandenburg's 18 come from the reference geometry.
KREISE_PER_LAND = {"01": 15, "03": 45, "04": 2, "05": 53, "06": 26, "07": 36, "08": 44, "09": 96, "10": 6,
                   "13": 8, "14": 13, "15": 14, "16": 22}
LAND_NAMES = {"01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
              "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz", "08": "Baden-Württemberg",
              "09": "Bayern", "10": "Saarland", "11": "Berlin", "12": "Brandenburg", "13": "Mecklenburg-Vorpommern",
              "14": "Sachsen", "15": "Sachsen-Anhalt", "16": "Thüringen"}


def _german_kreise() -> dict[str, str]:
    """5-digit Kreis key -> name, for all of Germany (keys outside Brandenburg are plausible, not real)."""
    kreise = {"02000": "Hamburg", "11000": "Berlin"}
    for land, n in KREISE_PER_LAND.items():
        for i in range(1, n + 1):
            kreise[f"{land}{i:03d}"] = f"Landkreis {LAND_NAMES[land]} {i}"
    for ars, props in samples.KREISE.items():
        kind = "Kreisfreie Stadt " if props["BEZ"] == "Kreisfreie Stadt" else "Landkreis "
        kreise[ars[:5]] = kind + props["GEN"]
    return dict(sorted(kreise.items()))


GERMAN_KREISE = _german_kreise()


def rng(seed: int, part: str) -> random.Random:
    """An independent, reproducible random stream per input part."""
    return random.Random(int(hashlib.sha256(f"{seed}:{part}".encode()).hexdigest()[:16], 16))


def gemeinde_population(seed: int) -> dict[str, int]:
    """Population per Gemeinde ARS (the samples' plausible spread over the Kreis totals)."""
    samples.rng.seed(seed)
    return samples.population()


def dec(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def write_zip(target: Path, members: Iterable[tuple[str, Iterable[str]]], bom: Iterable[str] = ()) -> None:
    """A ZIP of text members written chunk by chunk (fixed timestamps, so reruns are byte-identical)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, chunks in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 6, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                if name in bom:
                    fh.write("\ufeff".encode())
                for chunk in chunks:
                    fh.write(chunk.encode())
