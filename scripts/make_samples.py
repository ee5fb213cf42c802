"""Regenerate the shipped sample payloads (``samples/http/…``) in the publishers' exact formats.

The values are plausible, not real (loads of these recordings count as sample data by their
provenance): population is spread over the Gemeinden around approximate Kreis totals, charging facilities are placed at random
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
from urllib.parse import urlencode

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
    # the documented webservice's answer to POST …/api/rest/2020/data/tablefile: a ZIP, CSV with BOM
    table = "1000A-0000"
    base = HTTP / "ergebnisse.zensus2022.de" / "api" / "rest" / "2020" / "data"
    base.mkdir(parents=True, exist_ok=True)
    (base / "tablefile").write_bytes(zip_bytes({f"{table}_de_flat.csv": "\ufeff" + "\n".join(lines) + "\n"}))


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    """A ZIP with fixed member timestamps, so that regenerated samples are byte-identical."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 20, 6, 0, 0)), content,
                        compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


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


LADE_GENERAL = (
    "Ladeeinrichtungs-ID;Betreiber;Anzeigename (Karte);Status;Art der Ladeeinrichtung;Anzahl Ladepunkte;"
    "Nennleistung Ladeeinrichtung [kW];Inbetriebnahmedatum;Straße;Hausnummer;Adresszusatz;Postleitzahl;Ort;"
    "Kreis/kreisfreie Stadt;Bundesland;Breitengrad;Längengrad;Standortbezeichnung;Informationen zum Parkraum;"
    "Bezahlsysteme;Öffnungszeiten;Öffnungszeiten: Wochentage;Öffnungszeiten: Tageszeiten"
)
E_MOBILITAET = "Bundesnetzagentur/DE/Fachthemen/ElektrizitaetundGas/E-Mobilitaet"


def ladesaeulen(rows: list[dict]) -> None:
    """The register in its current layout (as published since 2023), the download page, the older layout.

    Layout as in the publisher's file (UTF-8 with BOM, CRLF, ten preamble lines, the banner line,
    47 columns), following public captures of ``Ladesaeulenregister_BNetzA_2026-09-01.csv``.
    """
    groups = ";".join(f"Steckertypen{i};Nennleistung Stecker{i};EVSE-ID{i};Public Key{i}" for i in range(1, 7))
    header = LADE_GENERAL + ";" + groups
    width = header.count(";")
    banner = ["Allgemeine Informationen"] + [""] * width
    for i in range(6):
        banner[23 + 4 * i] = f"{i + 1}. Ladepunkt"
    preamble = [
        "Ladesäulenregister Bundesnetzagentur", "", "Hinweis: ",
        "Die Liste beinhaltet die Ladeeinrichtungen aller Betreiberinnen und Betreiber, die das Anzeigeverfahren "
        "der Bundesnetzagentur",
        "zum Zeitpunkt der Aktualisierung vollständig abgeschlossen haben. ",
        "Die Zahl der öffentlich zugänglichen Ladeeinrichtungen in Deutschland ist daher größer als hier dargestellt. ",
        "", "Letzte Aktualisierung vom: 29.10.2026", "",
    ]
    out = [line + ";" * width for line in preamble] + [";".join(banner), header]
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
            r["kreis"], r["land"], dec(r["lat"]), dec(r["lon"]), "", "Keine Beschränkung",
            '"RFID-Karte;Onlinezahlungsverfahren"', "247", "", "", *plugs,
        ]))
    path = HTTP / "data.bundesnetzagentur.de" / E_MOBILITAET
    path.mkdir(parents=True, exist_ok=True)
    name = "Ladesaeulenregister_BNetzA_2026-10-29"
    (path / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(out) + "\r\n").encode())
    # The download page links the current CSV next to the XLSX (and may still link last month's file).
    page = HTTP / "www.bundesnetzagentur.de" / "DE/Fachthemen/ElektrizitaetundGas/E-Mobilitaet/Ladesaeulenkarte"
    page.mkdir(parents=True, exist_ok=True)
    data = f"https://data.bundesnetzagentur.de/{E_MOBILITAET}"
    (page / "start.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"de\"><head><title>Ladesäulenkarte</title></head><body>\n"
        f'<a href="{data}/{name}.xlsx" class="downloadLink">Liste der Ladesäulen (xlsx / 28 MB)</a>\n'
        f'<a href="{data}/{name}.csv" class="downloadLink">Liste der Ladesäulen (csv / 49 MB)</a>\n'
        f'<a href="{data}/Ladesaeulenregister_BNetzA_2026-09-01.csv">Vormonat</a>\n</body></html>\n',
        encoding="utf-8",
    )
    # The older layout (releases until about 2022, cp1252): five preamble lines with "Stand:", no facility
    # id, four charging points, dates dd.mm.yy, as in the public example of the 01.12.2021 release.
    old_header = (
        "Betreiber;Straße;Hausnummer;Adresszusatz;Postleitzahl;Ort;Bundesland;Kreis/kreisfreie Stadt;Breitengrad;"
        "Längengrad;Inbetriebnahmedatum;Anschlussleistung;Art der Ladeeinrichung;Anzahl Ladepunkte;"
        + ";".join(f"Steckertypen{i};P{i} [kW];Public Key{i}" for i in range(1, 5))
    )
    old_width = old_header.count(";")
    old_banner = ["Allgemeine Informationen"] + [""] * old_width
    for i in range(4):
        old_banner[14 + 3 * i] = f"{i + 1}. Ladepunkt"
    old = [line + ";" * old_width for line in ("Ladesäulenregister Bundesnetzagentur", "", "Stand: 29.10.2026", "")]
    old += [";".join(old_banner), old_header]
    for r in rows[:60]:
        points = min(r["points"], 4)
        cells = []
        for i in range(1, 5):
            cells += [r["plug"], dec(float(r["power"])), ""] if i <= points else ["", "", ""]
        old.append(";".join([
            r["operator"], r["street"], r["nr"], "", r["plz"], r["ort"], r["land"], r["kreis"], dec(r["lat"]),
            dec(r["lon"]), r["date"].strftime("%d.%m.%y"), dec(float(r["power"])), r["type"], str(points), *cells,
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


# --- sources added with issue 3 (own random generators, so the samples above stay byte-identical) ----

def dwd() -> None:
    """DWD daily climate, station 03987 Potsdam: ZIP with the space-padded produkt_klima_tag file."""
    r = random.Random(3987)
    first, last = date(2025, 5, 21), date(2026, 11, 20)
    header = "STATIONS_ID;MESS_DATUM;QN_3;  FX;  FM;QN_4; RSK;RSKF; SDK;SHK_TAG;  NM; VPM;  PM; TMK; UPM; TXK; TNK; TGK;eor"
    lines, d = [header], first
    while d <= last:
        season = math.cos((d.timetuple().tm_yday - 200) / 365 * 2 * math.pi)
        tmk = 9.5 + 9.5 * season + r.gauss(0, 2.5)
        rain = max(0.0, r.expovariate(0.6) - 0.8) if r.random() < 0.45 else 0.0
        values = [
            "   10", f"{r.uniform(6, 22):6.1f}", f"{r.uniform(1.5, 6):6.1f}", "    3", f"{rain:6.1f}",
            f"{(6 if rain else 0):4d}", f"{max(0.0, r.gauss(5 + 4 * season, 3)):7.3f}",
            f"{(r.choice([0, 0, 2, 5]) if tmk < 0 else 0):4d}", f"{r.uniform(2, 8):6.1f}",
            f"{r.uniform(5, 18):6.1f}", f"{r.gauss(1013, 8):8.2f}", f"{tmk:6.1f}", f"{r.uniform(55, 95):7.2f}",
            f"{tmk + r.uniform(3, 8):6.1f}", f"{tmk - r.uniform(3, 7):6.1f}", f"{tmk - r.uniform(4, 9):6.1f}",
        ]
        if r.random() < 0.02:
            values[6] = "-999"  # sunshine not measured
        if d == date(2026, 3, 2):
            values[13] = "-999"  # a missing maximum temperature
        lines.append(f"{'3987':>11};{d:%Y%m%d};" + ";".join(values) + ";eor")
        d += timedelta(days=1)
    meta = "Stations_id;Stationshoehe;Geogr.Breite;Geogr.Laenge;von_datum;bis_datum;Stationsname\n" \
           "3987;81;52.3813;13.0622;18930101;;Potsdam\n"
    path = HTTP / "opendata.dwd.de/climate_environment/CDC/observations_germany/climate/daily/kl/recent"
    path.mkdir(parents=True, exist_ok=True)
    (path / "tageswerte_KL_03987_akt.zip").write_bytes(zip_bytes({
        f"produkt_klima_tag_{first:%Y%m%d}_{last:%Y%m%d}_03987.txt": "\r\n".join(lines) + "\r\n",
        "Metadaten_Geographie_03987.txt": meta.encode("latin-1"),
    }))


def regionalstatistik(pop: dict[str, int]) -> None:
    """GENESIS 12411-01-01-5 (population per Gemeinde, 31.12.) as ffcsv; the older flat export as a fixture."""
    r = random.Random(12411)
    header = (
        "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
        "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
        "value_variable_label;value_q"
    )
    label = "Bevölkerung nach Geschlecht - Stichtag 31.12. - regionale Tiefe: Gemeinden"
    rows, flat = [header], []
    for f in sorted(GEMEINDEN, key=lambda f: f["properties"]["ARS"]):
        p = f["properties"]
        ags, base = p["AGS"], pop[p["ARS"]]
        trend = r.uniform(-0.012, 0.015)
        for year in range(2019, 2025):
            value = round(base * (1 + trend) ** (year - 2022))
            text, flag = str(value), "e"
            if ags == "12069656" and year == 2019:
                text, flag = "-", "-"  # merged later: no value for the old unit
            elif ags == "12073069" and year == 2020:
                text, flag = ".", "."  # not available
            rows.append(f"12411;{label};STAG;Stichtag;{year}-12-31;GEMEIN;Gemeinden;{ags};{p['GEN']};{text};"
                        f"Anzahl;BEVSTD;Bevölkerungsstand;{flag}")
            flat.append((year, ags, p["GEN"], text))
    path = HTTP / "www.regionalstatistik.de/genesisws/rest/2020/data"
    path.mkdir(parents=True, exist_ok=True)
    # the live answer is a ZIP (also with compress=false) of one UTF-8 CSV with BOM, LF line ends
    member = "12411-01-01-5_1763625600000_de_flat.csv"
    (path / "tablefile").write_bytes(zip_bytes({member: "\ufeff" + "\n".join(rows) + "\n"}))
    old = ["Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
           "1_Auspraegung_Code;1_Auspraegung_Label;BEVSTD__Bevoelkerungsstand__Anzahl"]
    for year, ags, name, text in flat:
        if year <= 2020:
            old.append(f"12411;Bevölkerungsstand;STAG;Stichtag;31.12.{year};GEMEIN;Gemeinden;{ags};{name};{text}")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "12411-01-01-5_flat_2019_2020.csv").write_bytes(("\r\n".join(old) + "\r\n").encode("cp1252"))


GTFS_STATIONS = [  # name, Gemeinde ARS, DHID station number, lines
    ("S Potsdam Hauptbahnhof", "120540000000", "900230999", ["RE1", "S7", "605", "91"]),
    ("Potsdam, Platz der Einheit/West", "120540000000", "900230049", ["605", "91"]),
    ("S Babelsberg", "120540000000", "900230003", ["S7", "690"]),
    ("Potsdam, Campus Jungfernsee", "120540000000", "900230145", ["96"]),
    ("Brandenburg, Hauptbahnhof", "120510000000", "900275110", ["RE1", "A"]),
    ("Brandenburg, Neustädtischer Markt", "120510000000", "900275003", ["A"]),
    ("Luckenwalde, Bahnhof", "120720232232", "900375013", ["RE4", "780"]),
    ("Ludwigsfelde, Bahnhof", "120720240240", "900245010", ["RE4", "780"]),
    ("Bad Belzig, Bahnhof", "120690020020", "900220070", ["RE7", "572"]),
    ("Wiesenburg (Mark), Bahnhof", "120690665665", "900220287", ["RE7"]),
    ("Michendorf, Bahnhof", "120690397397", "900220169", ["RE7", "608"]),
    ("Falkensee, Bahnhof", "120630080080", "900213506", ["RE4"]),
    ("Rathenow, Bahnhof", "120630252252", "900250101", ["RE4"]),
]
GTFS_ROUTES = {  # line -> (agency, route type)
    "RE1": ("DB", 2), "RE4": ("DB", 2), "RE7": ("DB", 2), "S7": ("SB", 109), "605": ("VIP", 3),
    "690": ("VIP", 3), "91": ("VIP", 900), "96": ("VIP", 900), "A": ("VBBR", 900), "780": ("VTF", 3),
    "572": ("REG", 3), "608": ("REG", 3),
}


def gtfs_feed(r: random.Random, trips_per_line: int = 24) -> dict[str, str]:
    """The text files of a small VBB-shaped GTFS feed (stations with platforms, a weekday service)."""
    by_ars = {f["properties"]["ARS"]: shape(f["geometry"]) for f in GEMEINDEN}
    stops = ["stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,wheelchair_boarding,"
             "platform_code,zone_id,level_id"]
    platforms: dict[str, list[str]] = {}
    for name, ars, number, lines in GTFS_STATIONS:
        lat, lon = random_point_in_with(by_ars[ars], r)
        station = f"de:{ars[:5]}:{number}"
        stops.append(f'{station},,"{name}",{lat},{lon},1,,,,,')
        for i, line in enumerate(lines, start=1):
            platform = f"{station}:{i}:{50 + i}"
            platforms.setdefault(line, []).append(platform)
            stops.append(f'{platform},,"{name}",{lat + i / 10000:.6f},{lon:.6f},0,{station},1,{i},,')
    routes = ["route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color,route_desc"]
    trips = ["route_id,service_id,trip_id,trip_headsign,trip_short_name,direction_id,block_id,shape_id,"
             "wheelchair_accessible,bikes_allowed"]
    times = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type,stop_headsign"]
    trip_no = 0
    for line, (agency, kind) in GTFS_ROUTES.items():
        route = f"{line}_{agency}"
        routes.append(f"{route},{agency},{line},,{kind},,,")
        for k in range(trips_per_line):
            trip_no += 1
            seq = platforms[line] if k % 2 == 0 else list(reversed(platforms[line]))
            t = 5 * 3600 + k * (19 * 3600 // trips_per_line) + r.randint(0, 300)
            trips.append(f"{route},1,{trip_no},{line} Richtung {k % 2},,{k % 2},,,1,")
            for n, stop in enumerate(seq, start=1):
                hhmmss = f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"
                times.append(f"{trip_no},{hhmmss},{hhmmss},{stop},{n},0,0,")
                t += r.randint(120, 900)
    return {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone,agency_lang,agency_phone\n"
        + "\n".join(f"{a},{a} Verkehr,https://www.vbb.de,Europe/Berlin,de," for a in
                    sorted({a for a, _ in GTFS_ROUTES.values()})),
        "stops.txt": "\n".join(stops),
        "routes.txt": "\n".join(routes),
        "trips.txt": "\n".join(trips),
        "stop_times.txt": "\n".join(times),
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "1,1,1,1,1,1,0,0,20261201,20271212",
    }


def random_point_in_with(geom, r: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = r.uniform(minx, maxx), r.uniform(miny, maxy)
        if geom.contains(Point(x, y)):
            return round(y, 6), round(x, 6)


def gtfs() -> None:
    feed = gtfs_feed(random.Random(900230999))
    files = {name: ("\ufeff" if name == "stops.txt" else "") + text.replace("\n", "\r\n") + "\r\n"
             for name, text in feed.items()}
    (HTTP / "www.vbb.de").mkdir(parents=True, exist_ok=True)
    (HTTP / "www.vbb.de" / "vbbgtfs").write_bytes(zip_bytes(files))


def deutschlandatlas() -> None:
    """Deutschlandatlas Kreis table as published for HA26: ``KRS1222`` = 8-digit Kreis key without its leading
    zero, ``Kreisname``, one column per indicator (decimal comma, ``-9999`` = no value), UTF-8, CRLF."""
    r = random.Random(1222)
    lines = ["KRS1222;Kreisname;v_harzt;v_karzt;v_alq"]
    kreise = sorted(KREISE.items())
    for ars, props in [*kreise, ("110000000000", {"GEN": "Berlin"}), ("010010000000", {"GEN": "Flensburg"})]:
        key = str(int(ars[:5] + "000"))
        values = [r.uniform(48, 78), r.uniform(5, 14), r.uniform(3, 9)]
        cells = [f"{v:.1f}".replace(".", ",") for v in values]
        if props["GEN"] == "Flensburg":
            cells[2] = "-9999"
        lines.append(f"{key};{props['GEN']};" + ";".join(cells))
    path = HTTP / "deutschlandatlas.bund.de/fileadmin/Downloaddateien/HA26"
    path.mkdir(parents=True, exist_ok=True)
    (path / "Deutschlandatlas_KRS1222_HA26.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


POTSDAM_STADTTEILE = [
    "Bornim", "Bornstedt", "Nedlitz", "Sacrow", "Eiche", "Grube", "Golm", "Nördliche Innenstadt",
    "Berliner Vorstadt", "Nauener Vorstadt", "Jägervorstadt", "Brandenburger Vorstadt", "Potsdam West",
    "Templiner Vorstadt", "Teltower Vorstadt", "Innenstadt", "Babelsberg Nord", "Babelsberg Süd", "Klein Glienicke",
    "Zentrum Ost", "Schlaatz", "Waldstadt I", "Waldstadt II", "Stern", "Drewitz", "Kirchsteigfeld", "Fahrland",
    "Neu Fahrland", "Groß Glienicke", "Marquardt", "Uetz-Paaren", "Satzkorn", "Potsdam Nord",
]


def opendatasoft() -> None:
    """Potsdam's portal (Explore API v2.1): population per Stadtteil, as pages of 100 and as an export."""
    r = random.Random(14467)
    records = []
    for nr, name in enumerate(POTSDAM_STADTTEILE, start=1):
        base, lat, lon = r.randint(900, 16000), 52.39 + r.uniform(-0.06, 0.06), 13.06 + r.uniform(-0.1, 0.1)
        for year in range(2018, 2025):
            records.append({
                "stadtteil_nr": f"{nr:02d}", "stadtteil": name, "jahr": str(year),
                "einwohner": round(base * (1 + 0.011 * (year - 2018)) + r.randint(-40, 40)),
                "geo_point_2d": {"lon": round(lon, 5), "lat": round(lat, 5)},
            })
    base = HTTP / "opendata.potsdam.de/api/explore/v2.1/catalog/datasets/einwohner-nach-stadtteilen"
    (base / "exports").mkdir(parents=True, exist_ok=True)
    for offset in range(0, len(records), 100):
        page = {"total_count": len(records), "results": records[offset:offset + 100]}
        name = f"records@{urlencode(sorted({'limit': '100', 'offset': str(offset)}.items()))}"
        (base / name).write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    (base / "exports" / "json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    pop = population()
    zensus(pop)
    ladesaeulen(charging_rows(pop))
    pegelonline()
    rki(pop)
    dwd()
    regionalstatistik(pop)
    gtfs()
    deutschlandatlas()
    opendatasoft()
    print(f"samples written below {HTTP.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
