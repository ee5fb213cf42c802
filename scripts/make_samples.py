"""Regenerate the shipped sample payloads (``samples/http/…``) in the publishers' exact formats.

The values are plausible, not real (the registry marks these sources ``sample_data: true``): population
is spread over the Gemeinden around approximate Kreis totals, charging facilities are placed at random
points inside the Gemeinden, incidences and water levels follow smooth random series. Deterministic.

    uv run python scripts/make_samples.py
"""

from __future__ import annotations

import io
import json
import math
import random
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "reference" / "geo"
HTTP = ROOT / "samples" / "http"
FIXTURES = ROOT / "tests" / "fixtures"
rng = random.Random(20261121)

# Approximate population of the Kreise (2022), used to scale the sample.
KREIS_POP = {
    "12051": 71_500, "12052": 96_000, "12053": 56_000, "12054": 182_000, "12060": 187_000, "12061": 173_000,
    "12062": 100_000, "12063": 163_000, "12064": 197_000, "12065": 214_000, "12066": 107_000, "12067": 180_000,
    "12068": 98_000, "12069": 218_000, "12070": 75_000, "12071": 112_000, "12072": 171_000, "12073": 118_000,
}
FIXED_POP = {"120720232232": 20_412, "120720240240": 27_633, "120690020020": 11_187, "120690665665": 4_291}


def load(name: str) -> list[dict]:
    return json.loads((GEO / name).read_text(encoding="utf-8"))["features"]


GEMEINDEN = load("brandenburg_gemeinden.geojson")
KREISE = {f["properties"]["ARS"]: f["properties"] for f in load("brandenburg_kreise.geojson")}


def population() -> dict[str, int]:
    pop: dict[str, int] = {}
    by_kreis: dict[str, list[dict]] = {}
    for f in GEMEINDEN:
        by_kreis.setdefault(f["properties"]["ARS"][:5], []).append(f)
    for kreis, feats in by_kreis.items():
        fixed = {f["properties"]["ARS"]: FIXED_POP[f["properties"]["ARS"]] for f in feats if f["properties"]["ARS"] in FIXED_POP}
        rest = [f for f in feats if f["properties"]["ARS"] not in fixed]
        weights = [shape(f["geometry"]).area * rng.lognormvariate(0, 0.8) for f in rest]
        budget = KREIS_POP[kreis] - sum(fixed.values())
        for f, w in zip(rest, weights):
            pop[f["properties"]["ARS"]] = max(150, round(budget * w / sum(weights)))
        pop.update(fixed)
    return pop


def zensus(pop: dict[str, int]) -> None:
    header = (
        "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
        "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
        "value_variable_label;value_q"
    )
    lines = [header]
    for f in sorted(GEMEINDEN, key=lambda f: f["properties"]["ARS"]):
        p = f["properties"]
        lines.append(
            f"1000A;Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;GEOGM4;"
            f"Gemeinden (Gebietsstand 15.05.2022);{p['ARS']};{p['GEN']};{pop[p['ARS']]};Anzahl;PRS018;Personen;e"
        )
    table = "1000A-0000"
    base = HTTP / "ergebnisse.zensus2022.de" / "proxy" / "api" / "rest" / "tables" / table
    base.mkdir(parents=True, exist_ok=True)
    (base / "structure").write_text(
        json.dumps({"code": table, "initialState": {"table": table, "variables": ["GEOGM4"], "time": "STAG"}}, indent=1)
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{table}_de_flat.csv", "\n".join(lines) + "\n")
    (base / "download" / "ffcsv").mkdir(parents=True, exist_ok=True)
    (base / "download" / "ffcsv" / "de").write_bytes(buf.getvalue())


def random_point_in(geom) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(Point(x, y)):
            return round(y, 6), round(x, 6)


OPERATORS = ["Energie und Wasser Potsdam GmbH", "E.DIS Netz GmbH", "EnBW mobility+ AG & Co. KG", "Allego GmbH",
             "Tesla Germany GmbH", "Stadtwerke Brandenburg an der Havel GmbH & Co. KG", "EWE Go GmbH", "IONITY GmbH"]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Friedrich-Ebert-Straße", "Am Markt", "Potsdamer Straße", "Berliner Straße"]
PLUGS = ["AC Typ 2 Steckdose", "AC Typ 2 Fahrzeugkupplung", "DC Fahrzeugkupplung Typ Combo 2 (CCS)", "DC CHAdeMO"]


def charging_rows(pop: dict[str, int]) -> list[dict]:
    rows = []
    n = 0
    for f in sorted(GEMEINDEN, key=lambda f: f["properties"]["ARS"]):
        p = f["properties"]
        kreis = KREISE[p["ARS"][:5]]
        kreis_name = ("Kreisfreie Stadt " if kreis["BEZ"] == "Kreisfreie Stadt" else "Landkreis ") + kreis["GEN"]
        geom = shape(f["geometry"])
        count = max(0, round(pop[p["ARS"]] / 1400 * rng.uniform(0.5, 1.5)))
        for _ in range(count):
            n += 1
            fast = rng.random() < 0.22
            points = rng.choice([2, 2, 2, 1, 4]) if not fast else rng.choice([1, 2, 4, 6])
            power = rng.choice([11, 22, 22, 44]) if not fast else rng.choice([50, 150, 300])
            lat, lon = random_point_in(geom)
            day = date(2012, 1, 1) + timedelta(days=int((rng.betavariate(4, 1.4)) * (date(2026, 10, 15) - date(2012, 1, 1)).days))
            rows.append({
                "id": str(100000 + n), "operator": rng.choice(OPERATORS), "status": "In Betrieb",
                "type": "Schnellladeeinrichtung" if fast else "Normalladeeinrichtung", "points": points,
                "power": power, "date": day, "street": rng.choice(STREETS), "nr": str(rng.randint(1, 120)),
                "plz": f"14{rng.randint(400, 999)}", "ort": p["GEN"], "kreis": kreis_name, "land": "Brandenburg",
                "lat": lat, "lon": lon, "plug": PLUGS[2] if fast else PLUGS[0],
            })
    # Facilities outside Brandenburg appear in the real file too: they must be ignored.
    for i in range(5):
        rows.append({**rows[i], "id": str(900000 + i), "ort": "Berlin", "kreis": "Kreisfreie Stadt Berlin",
                     "land": "Berlin", "plz": "10117", "lat": 52.52 + i / 100, "lon": 13.40 + i / 100})
    return rows


def dec(x: float) -> str:
    return f"{x}".replace(".", ",")


def ladesaeulen(rows: list[dict]) -> None:
    groups = ";".join(f"Steckertypen{i};Nennleistung Stecker{i};EVSE-ID{i};Public Key{i}" for i in range(1, 7))
    header = (
        "Ladeeinrichtungs-ID;Betreiber;Anzeigename (Karte);Status;Art der Ladeeinrichtung;Anzahl Ladepunkte;"
        "Nennleistung Ladeeinrichtung [kW];Inbetriebnahmedatum;Straße;Hausnummer;Adresszusatz;Postleitzahl;Ort;"
        "Kreis/kreisfreie Stadt;Bundesland;Breitengrad;Längengrad;" + groups
    )
    width = header.count(";")
    preamble = [
        "Liste der Ladeeinrichtungen (Ladesäulenregister)",
        "Bundesnetzagentur für Elektrizität, Gas, Telekommunikation, Post und Eisenbahnen",
        "Stand: 29.10.2026",
        "",
        "Die Bundesnetzagentur veröffentlicht die Daten der Ladeeinrichtungen, deren Betreiber der Veröffentlichung",
        "zugestimmt haben. Angaben ohne Gewähr.",
        "Lizenz: Creative Commons Namensnennung 4.0 International (CC BY 4.0)",
        "",
        "Hinweis: Dezimaltrennzeichen ist das Komma.",
        "",
    ]
    out = [line + ";" * width for line in preamble] + [header]
    for r in rows:
        plugs = []
        for i in range(1, 7):
            if i <= r["points"]:
                plugs += [r["plug"], dec(float(r["power"])), f"DE*REG*E{r['id']}*{i}", "keine"]
            else:
                plugs += ["", "", "", ""]
        out.append(";".join([
            r["id"], r["operator"], r["operator"].split(" ")[0], r["status"], r["type"], str(r["points"]),
            dec(float(r["power"])), r["date"].strftime("%d.%m.%Y"), r["street"], r["nr"], "", r["plz"], r["ort"],
            r["kreis"], r["land"], dec(r["lat"]), dec(r["lon"]), *plugs,
        ]))
    path = HTTP / "data.bundesnetzagentur.de/Bundesnetzagentur/DE/Fachthemen/ElektrizitaetundGas/E-Mobilitaet"
    path.mkdir(parents=True, exist_ok=True)
    (path / "Ladesaeulenregister_BNetzA_2026-10-29.csv").write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(out) + "\r\n").encode())
    # The older generation: cp1252, a different header, no facility id (a test fixture).
    old_header = (
        "Betreiber;Straße;Hausnummer;Adresszusatz;Postleitzahl;Ort;Bundesland;Kreis/kreisfreie Stadt;Breitengrad;"
        "Längengrad;Inbetriebnahmedatum;Anschlussleistung;Art der Ladeeinrichung;Anzahl Ladepunkte;"
        "Steckertypen1;P1 [kW];Public Key1;Steckertypen2;P2 [kW];Public Key2"
    )
    old = [line + ";" * old_header.count(";") for line in preamble[:4]] + [old_header]
    for r in rows[:60]:
        old.append(";".join([
            r["operator"], r["street"], r["nr"], "", r["plz"], r["ort"], r["land"], r["kreis"], dec(r["lat"]),
            dec(r["lon"]), r["date"].strftime("%d.%m.%Y"), dec(float(r["power"])), r["type"], str(r["points"]),
            r["plug"], dec(float(r["power"])), "", "", "", "",
        ]))
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "Ladesaeulenregister_2019_cp1252.csv").write_bytes(("\r\n".join(old) + "\r\n").encode("cp1252"))


GAUGES = [  # shortname, number, uuid, km, water short, water long, lat, lon, level cm, gauge zero m
    ("POTSDAM", "580412", "5e10e1e7-9115-4bd7-ad57-e2062f516891", 26.63, "PHv", "POTSDAMER HAVEL", 52.39989, 13.07207, 296, 27.41),
    ("KETZIN", "580430", "d2d025a2-e691-4986-b9c4-923e7f1a47c3", 34.053, "UHW", "UNTERE HAVEL-WASSERSTRASSE", 52.46315, 12.85678, 128, 26.56),
    ("BRANDENBURG OP", "580440", "16d180c2-63aa-486b-8966-81a6041360bc", 55.115, "UHW", "UNTERE HAVEL-WASSERSTRASSE", 52.42087, 12.58082, 241, 28.57),
    ("BRANDENBURG UP", "580450", "f8806fa4-cc2c-46e8-9b87-6231da0e3ddd", 56.0, "UHW", "UNTERE HAVEL-WASSERSTRASSE", 52.42366, 12.56884, 139, 26.03),
    ("PLAUE OP", "587560", "aa97c894-ed26-4fdd-945f-db9667979268", 67.8, "UHW", "UNTERE HAVEL-WASSERSTRASSE", 52.40270, 12.39302, 152, 25.49),
    ("RATHENOW UP", "580650", "4de8a51c-4c6a-4334-92dd-0b1cbb8e0573", 103.94, "UHW", "UNTERE HAVEL-WASSERSTRASSE", 52.60744, 12.32102, 236, 23.94),
]
CET = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=CET)


def pegelonline() -> None:
    base = HTTP / "www.pegelonline.wsv.de/webservices/rest-api/v2"
    stations = []
    for short, number, uuid, km, wshort, wlong, lat, lon, level, zero in GAUGES:
        series, t, v = [], NOW - timedelta(days=8), float(level)
        while t <= NOW:
            v += rng.gauss(0, 0.6) + (level - v) * 0.02 + 0.4 * math.sin(t.timestamp() / 43200 * math.pi)
            series.append({"timestamp": t.isoformat(), "value": round(v)})
            t += timedelta(minutes=15)
        target = base / "stations" / uuid / "W" / "measurements.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(series, separators=(",", ":")))
        stations.append({
            "uuid": uuid, "number": number, "shortname": short, "longname": short, "km": km,
            "agency": "WSA BRANDENBURG", "longitude": lon, "latitude": lat,
            "water": {"shortname": wshort, "longname": wlong},
            "timeseries": [{
                "shortname": "W", "longname": "WASSERSTAND ROHDATEN", "unit": "cm", "equidistance": 15,
                "currentMeasurement": {**series[-1], "value": float(series[-1]["value"]),
                                       "stateMnwMhw": "normal", "stateNswHsw": "normal"},
                "gaugeZero": {"unit": "m. ü. NN", "value": zero, "validFrom": "2019-11-01"},
            }],
        })
    (base / "stations.json").write_text(json.dumps(stations, ensure_ascii=False, indent=1))


def rki(pop: dict[str, int]) -> None:
    kreis_pop = {k: sum(v for a, v in pop.items() if a[:5] == k) for k in KREIS_POP}
    kreis_pop.update({"11000": 3_755_000, "01001": 91_000})  # Berlin, Flensburg: outside the region
    start, end = date(2026, 9, 1), date(2026, 11, 15)
    lines = ["Meldedatum,Landkreis_id,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage"]
    history = {k: [] for k in kreis_pop}
    totals = {k: round(v * 0.42) for k, v in kreis_pop.items()}
    level = {k: rng.uniform(4, 18) for k in kreis_pop}
    d = start - timedelta(days=6)
    while d <= end:
        for k in sorted(kreis_pop):
            level[k] = max(0.5, level[k] * math.exp(rng.gauss(0.004, 0.08)))
            new = max(0, round(level[k] * kreis_pop[k] / 100_000 / 7 + rng.gauss(0, 1)))
            history[k].append(new)
            totals[k] += new
            if d >= start:
                week = sum(history[k][-7:])
                lines.append(f"{d.isoformat()},{k},{kreis_pop[k]},{totals[k]},{new},{week},"
                             f"{round(week / kreis_pop[k] * 100_000, 1)}")
        d += timedelta(days=1)
    path = HTTP / "raw.githubusercontent.com/robert-koch-institut/COVID-19_7-Tage-Inzidenz_in_Deutschland/main"
    path.mkdir(parents=True, exist_ok=True)
    (path / "COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    pop = population()
    zensus(pop)
    ladesaeulen(charging_rows(pop))
    pegelonline()
    rki(pop)
    print(f"samples written below {HTTP.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
