"""Table payloads: the BNetzA charging register (current layout), the RKI 7-day incidence per
Landkreis, GENESIS 12411-01-01-5 (population per Gemeinde, ffcsv) — in the samples' exact layouts."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from shapely.geometry import shape
from shapely.prepared import prep

from benchmarks.scale.common import END, GERMAN_KREISE, LAND_NAMES, dec, rng, samples, write_zip

BB_SHARE = 0.045  # Brandenburg's share of the register's facilities
GUARANTEED = len(samples.KREISE) + len(samples.FIXED_POP)  # places with one fast and one normal facility
REGISTER_NAME = "Ladesaeulenregister_BNetzA_2026-10-29.csv"


def _register_header() -> list[str]:
    groups = ";".join(f"Steckertypen{i};Nennleistung Stecker{i};EVSE-ID{i};Public Key{i}" for i in range(1, 7))
    header = samples.LADE_GENERAL + ";" + groups
    width = header.count(";")
    banner = ["Allgemeine Informationen"] + [""] * width
    for i in range(6):
        banner[23 + 4 * i] = f"{i + 1}. Ladepunkt"
    preamble = [
        "Ladesäulenregister Bundesnetzagentur", "", "Hinweis: ",
        "Die Liste beinhaltet die Ladeeinrichtungen aller Betreiberinnen und Betreiber, die das Anzeigeverfahren "
        "der Bundesnetzagentur", "zum Zeitpunkt der Aktualisierung vollständig abgeschlossen haben. ",
        "Die Zahl der öffentlich zugänglichen Ladeeinrichtungen in Deutschland ist daher größer als hier dargestellt. ",
        "", "Letzte Aktualisierung vom: 29.10.2026", "",
    ]
    return [line + ";" * width for line in preamble] + [";".join(banner), header]


def _facility(r, n: int, place: tuple[str, str, str, str, float, float], fast: bool | None = None) -> str:
    ort, kreis, land, plz, lat, lon = place
    fast = r.random() < 0.22 if fast is None else fast
    points = r.choice([1, 2, 4, 6]) if fast else r.choice([2, 2, 2, 1, 4])
    power = r.choice([50, 150, 300]) if fast else r.choice([11, 22, 22, 44])
    day = date(2012, 1, 1) + timedelta(days=int(r.betavariate(4, 1.4) * (date(2026, 10, 15) - date(2012, 1, 1)).days))
    operator = r.choice(samples.OPERATORS)
    plug = samples.PLUGS[2] if fast else samples.PLUGS[0]
    plugs = []
    for i in range(1, 7):
        plugs += [plug, dec(power), f"DE*REG*E{n}*{i}", "keine"] if i <= points else ["", "", "", ""]
    return ";".join([
        str(n), operator, operator.split(" ")[0], "In Betrieb",
        "Schnellladeeinrichtung" if fast else "Normalladeeinrichtung", str(points), dec(power),
        day.strftime("%d.%m.%Y"), r.choice(samples.STREETS), str(r.randint(1, 120)), "", plz, ort, kreis, land,
        dec(lat, 6), dec(lon, 6), "", "Keine Beschränkung", '"RFID-Karte;Onlinezahlungsverfahren"', "247", "", "",
        *plugs,
    ])


def _places(seed: int, n: int, pop: dict[str, int]) -> Iterator[tuple[str, str, str, str, float, float]]:
    """Where the ``n`` facilities stand: Brandenburg's share by Gemeinde population, the rest over Germany."""
    r = rng(seed, "register-places")
    gemeinden = sorted(samples.GEMEINDEN, key=lambda f: f["properties"]["ARS"])
    weights = [pop[f["properties"]["ARS"]] for f in gemeinden]
    others = [k for k in GERMAN_KREISE if k[:2] != "12"]
    shapes: dict[str, tuple] = {}
    guaranteed = [f for f in _guaranteed(gemeinden, pop) for _ in range(2)]
    for k in range(n):
        if k < len(guaranteed) or r.random() < BB_SHARE:
            f = guaranteed[k] if k < len(guaranteed) else r.choices(gemeinden, weights)[0]
            p = f["properties"]
            if p["ARS"] not in shapes:
                geom = shape(f["geometry"])
                shapes[p["ARS"]] = (geom, prep(geom))
            geom, prepared = shapes[p["ARS"]]
            lat, lon = _point_in(geom, prepared, r)
            yield p["GEN"], GERMAN_KREISE[p["ARS"][:5]], "Brandenburg", f"1{r.randint(4000, 6999)}", lat, lon
        else:
            kreis = r.choice(others)
            land = LAND_NAMES[kreis[:2]]
            lat, lon = r.uniform(47.5, 54.8), r.uniform(6.0, 11.5)  # west of Brandenburg
            yield f"Ort {kreis}-{k % 97}", GERMAN_KREISE[kreis], land, f"{r.randint(20000, 99999)}", lat, lon


def _guaranteed(gemeinden: list[dict], pop: dict[str, int]) -> list[dict]:
    """The largest Gemeinde of every Kreis and the partner Gemeinden: facilities there at every scale."""
    largest: dict[str, dict] = {}
    for f in sorted(gemeinden, key=lambda f: -pop[f["properties"]["ARS"]]):
        largest.setdefault(f["properties"]["ARS"][:5], f)
    return list(largest.values()) + [f for f in gemeinden if f["properties"]["ARS"] in samples.FIXED_POP]


def _point_in(geom, prepared, r) -> tuple[float, float]:
    from shapely.geometry import Point

    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = r.uniform(minx, maxx), r.uniform(miny, maxy)
        if prepared.contains(Point(x, y)):
            return round(y, 6), round(x, 6)


def ladesaeulen(target: Path, seed: int, n: int, pop: dict[str, int]) -> int:
    """The register (UTF-8 with BOM, CRLF, ten preamble lines, banner, 47 columns); return its rows."""
    r = rng(seed, "register")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write("\r\n".join(_register_header()) + "\r\n")
        for k, place in enumerate(_places(seed, n, pop)):
            fast = k % 2 == 0 if k < 2 * GUARANTEED else None
            fh.write(_facility(r, 100000 + k, place, fast) + "\r\n")
    return n


RKI_HEADER = "Meldedatum,Landkreis_id,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage"


def rki(target: Path, seed: int, days: int, pop: dict[str, int], end: date = END) -> int:
    """The RKI file for all Kreise of Germany over ``days`` days ending ``end`` (date-major, as published)."""
    r = rng(seed, "rki")
    kreis_pop = {k: r.randint(40_000, 400_000) for k in GERMAN_KREISE}
    kreis_pop.update({k: sum(v for a, v in pop.items() if a[:5] == k) for k in GERMAN_KREISE if k[:2] == "12"})
    kreis_pop.update({"11000": 3_755_000, "02000": 1_892_000})
    history = {k: [] for k in kreis_pop}
    totals = {k: round(v * 0.05) for k, v in kreis_pop.items()}
    level = {k: r.uniform(4, 18) for k in kreis_pop}
    start, rows = END - timedelta(days=days - 1), 0
    d = start - timedelta(days=6)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as fh:
        fh.write(RKI_HEADER + "\n")
        while d <= end:
            lines = []
            for k in kreis_pop:
                # a random walk pulled back towards 10 per 100,000: cumulative counts stay plausible for years
                level[k] = max(0.5, level[k] * math.exp(r.gauss(0.0, 0.08) + 0.02 * math.log(10 / level[k])))
                new = max(0, round(level[k] * kreis_pop[k] / 100_000 / 7 + r.gauss(0, 1)))
                history[k] = (history[k] + [new])[-7:]
                totals[k] += new
                if d >= start:
                    week = sum(history[k])
                    lines.append(f"{d.isoformat()},{k},{kreis_pop[k]},{totals[k]},{new},{week},"
                                 f"{round(week / kreis_pop[k] * 100_000, 1)}\n")
            fh.write("".join(lines))
            rows += len(lines)
            d += timedelta(days=1)
    return rows


GENESIS_HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
    "value_variable_label;value_q"
)


def regionalstatistik(target: Path, seed: int, pop: dict[str, int], years: range = range(2015, 2025)) -> int:
    """GENESIS 12411-01-01-5 as the webservice answers: a ZIP of one ffcsv (BOM, LF) for all Gemeinden."""
    r = rng(seed, "12411")
    label = "Bevölkerung nach Geschlecht - Stichtag 31.12. - regionale Tiefe: Gemeinden"
    rows = []
    for f in sorted(samples.GEMEINDEN, key=lambda f: f["properties"]["ARS"]):
        p = f["properties"]
        base, trend = pop[p["ARS"]], r.uniform(-0.012, 0.015)
        for year in years:
            rows.append(f"12411;{label};STAG;Stichtag;{year}-12-31;GEMEIN;Gemeinden;{p['AGS']};{p['GEN']};"
                        f"{round(base * (1 + trend) ** (year - 2022))};Anzahl;BEVSTD;Bevölkerungsstand;e\n")
    member = "12411-01-01-5_1763625600000_de_flat.csv"
    write_zip(target, [(member, [GENESIS_HEADER + "\n", "".join(rows)])], bom=[member])
    return len(rows)
