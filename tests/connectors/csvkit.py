"""Payloads in the publishers' real layouts, and helpers to ingest them (imported as a plain module).

Layouts, learned from public documents (named per layout below) and written byte-faithfully:

* Ladesäulenregister, current layout: UTF-8 with BOM, CRLF, ten preamble lines (line 8
  ``Letzte Aktualisierung vom: dd.mm.yyyy``), line 10 the banner ``Allgemeine Informationen;…;1. Ladepunkt``,
  the 47-column header. Documents: the capture notes of ``bnetza.csv`` (from
  ``Ladesaeulenregister_BNetzA_2026-09-01.csv``: "the BOM, the ten preamble lines, the header row and CRLF
  line ends are kept"), a public "physical layout of the CSV" note listing the 47 headers verbatim, and
  the rows 1010338 (Albwerk) and 1025458 (EnBW) quoted as "Echte Headerzeile + zwei echte Datenzeilen"
  in a public client's test (``bnetza-de.test.ts``).
* Ladesäulenregister, older layout (until about 2022): cp1252, five preamble lines (``Stand: 01.12.2021``,
  then the banner), header ``Betreiber;Straße;Hausnummer;…;Art der Ladeeinrichung;…`` and dates
  ``dd.mm.yy``: the sample input of the "Charge Station Data Converter" README (row ``Albwerk GmbH & Co. KG;
  Ennabeurer Weg;0;;72535;Heroldstatt;…;11.01.20;22;…``).
* The download page links ``https://data.bundesnetzagentur.de/…/Ladesaeulenregister_BNetzA_<date>.csv``
  next to the XLSX: a public adapter's test of the page (``BnetzaCsvSourceAdapterTests``) and the
  open-energy-data-server crawler (finds the ``a[href]`` containing ``Ladesaeulenregister`` ending ``.csv``).
* RKI 7-Tage-Inzidenz Landkreise: the repository's table schema
  (``Metadaten/schemas/frictionless_data_schema_COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.md``).
* Deutschlandatlas HA26 Kreis table: key column ``KRS1222`` (8-digit key, leading zero dropped:
  ``kreis_key(krs1222["KRS1222"]) = zfill(8)[:5]``), ``Kreisname``, indicators such as ``v_harzt``,
  ``-9999`` for missing values: public extraction scripts of ``Deutschlandatlas_KRS1222_HA26.csv``.
"""

from __future__ import annotations

from pathlib import Path

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.source import IngestResult, ingest_source
from regiohub.registry.model import Registry, load_registry

GENERAL = (
    "Ladeeinrichtungs-ID;Betreiber;Anzeigename (Karte);Status;Art der Ladeeinrichtung;Anzahl Ladepunkte;"
    "Nennleistung Ladeeinrichtung [kW];Inbetriebnahmedatum;Straße;Hausnummer;Adresszusatz;Postleitzahl;Ort;"
    "Kreis/kreisfreie Stadt;Bundesland;Breitengrad;Längengrad;Standortbezeichnung;Informationen zum Parkraum;"
    "Bezahlsysteme;Öffnungszeiten;Öffnungszeiten: Wochentage;Öffnungszeiten: Tageszeiten"
)
HEADER = GENERAL + ";" + ";".join(
    f"Steckertypen{i};Nennleistung Stecker{i};EVSE-ID{i};Public Key{i}" for i in range(1, 7)
)
WIDTH = HEADER.count(";")
PREAMBLE = [
    "Ladesäulenregister Bundesnetzagentur", "", "Hinweis: ",
    "Die Liste beinhaltet die Ladeeinrichtungen aller Betreiberinnen und Betreiber, die das Anzeigeverfahren "
    "der Bundesnetzagentur",
    "zum Zeitpunkt der Aktualisierung vollständig abgeschlossen haben. ",
    "Die Zahl der öffentlich zugänglichen Ladeeinrichtungen in Deutschland ist daher größer als hier dargestellt. ",
    "", "Letzte Aktualisierung vom: 01.09.2026", "",
]
BANNER = ";".join(
    ["Allgemeine Informationen"] + [f"{(i - 22) // 4 + 1}. Ladepunkt" if i >= 23 and (i - 23) % 4 == 0 else ""
                                    for i in range(1, WIDTH + 1)]
)
# Two real rows as quoted by a public client's test (Baden-Württemberg: outside the region).
REAL_AC = (
    '1010338;Albwerk Elektro- und Kommunikationstechnik GmbH;Albwerk;In Betrieb;Normalladeeinrichtung;2;22;'
    '11.01.2020;Am Berg;1;;72535;Heroldstatt;Landkreis Alb-Donau-Kreis;Baden-Württemberg;48,442398;9,659075;;'
    'Keine Beschränkung;"RFID-Karte;Onlinezahlungsverfahren";247;"Montag; Dienstag";"00:00-23:59; 00:00-23:59";'
    'AC Typ 2 Steckdose;22;DEAEWE002501;KEY1;AC Typ 2 Steckdose;22;DEAEWE002502;KEY2;;;;;;;;;;;;;;;;'
)
REAL_DC = (
    '1025458;EnBW mobility+ AG und Co.KG;;In Betrieb;Schnellladeeinrichtung;2;93;19.03.2019;Hauptstraße;91c;;'
    '73340;Amstetten;Landkreis Alb-Donau-Kreis;Baden-Württemberg;48,578534;9,87484;;;'
    '"Onlinezahlungsverfahren;RFID-Karte";Keine Angabe;;;AC Typ 2 Fahrzeugkupplung;43;;;'
    '"DC Fahrzeugkupplung Typ Combo 2 (CCS); DC CHAdeMO";"50; 50";;;;;;;;;;;;;;;;;;'
)


def region_row(facility_id: str = "2000001", **cells: str) -> str:
    """A facility in Brandenburg an der Havel (a partner), in the current layout."""
    values = {
        "Ladeeinrichtungs-ID": facility_id, "Betreiber": "Stadtwerke Brandenburg an der Havel GmbH & Co. KG",
        "Anzeigename (Karte)": "StWB", "Status": "In Betrieb", "Art der Ladeeinrichtung": "Normalladeeinrichtung",
        "Anzahl Ladepunkte": "2", "Nennleistung Ladeeinrichtung [kW]": "22", "Inbetriebnahmedatum": "15.03.2021",
        "Straße": "Neustädtischer Markt", "Hausnummer": "1", "Postleitzahl": "14776",
        "Ort": "Brandenburg an der Havel", "Kreis/kreisfreie Stadt": "Kreisfreie Stadt Brandenburg an der Havel",
        "Bundesland": "Brandenburg", "Breitengrad": "52,408889", "Längengrad": "12,560833",
        "Steckertypen1": "AC Typ 2 Steckdose", "Nennleistung Stecker1": "22",
        **cells,
    }
    return ";".join(values.get(h, "") for h in HEADER.split(";"))


def current_register(*rows: str, header: str = HEADER, preamble: list[str] | None = None) -> bytes:
    lines = [line + ";" * WIDTH for line in (PREAMBLE if preamble is None else preamble)] + [BANNER, header, *rows]
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8")


OLD_HEADER = (
    "Betreiber;Straße;Hausnummer;Adresszusatz;Postleitzahl;Ort;Bundesland;Kreis/kreisfreie Stadt;Breitengrad;"
    "Längengrad;Inbetriebnahmedatum;Anschlussleistung;Art der Ladeeinrichung;Anzahl Ladepunkte;"
    "Steckertypen1;P1 [kW];Public Key1;Steckertypen2;P2 [kW];Public Key2;Steckertypen3;P3 [kW];Public Key3;"
    "Steckertypen4;P4 [kW];Public Key4"
)
OLD_PREAMBLE = ["Ladesäulenregister Bundesnetzagentur", "", "Stand: 01.12.2021", ""]
OLD_BANNER = "Allgemeine Informationen;;;;;;;;;;;;;;1. Ladepunkt;;;2. Ladepunkt;;;3. Ladepunkt;;;4. Ladepunkt;;"
# The README's real example row (Heroldstatt, outside the region) …
OLD_REAL = (
    "Albwerk GmbH & Co. KG;Ennabeurer Weg;0;;72535;Heroldstatt;Baden-Württemberg;Landkreis Alb-Donau-Kreis;"
    "48,442398;9,659075;11.01.20;22;Normalladeeinrichtung;2;AC Steckdose Typ 2;22;;AC Steckdose Typ 2;22;;;;;;;"
)


def old_row(street: str = "Neustädtischer Markt", nr: str = "1", date: str = "15.03.19", plug2: str = "",
            key1: str = "", points: str = "2", lat: str = "52,408889", lon: str = "12,560833") -> str:
    """… and facilities in Brandenburg an der Havel written the same way."""
    return (f"Stadtwerke Brandenburg an der Havel GmbH & Co. KG;{street};{nr};;14776;Brandenburg an der Havel;"
            f"Brandenburg;Kreisfreie Stadt Brandenburg an der Havel;{lat};{lon};{date};22;Normalladeeinrichtung;"
            f"{points};AC Steckdose Typ 2;22;{key1};{plug2};{'22' if plug2 else ''};;;;;;;")


def old_register(*rows: str) -> bytes:
    width = OLD_HEADER.count(";")
    lines = [line + ";" * width for line in OLD_PREAMBLE] + [OLD_BANNER, OLD_HEADER, *rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


RKI_HEADER = "Meldedatum,Landkreis_id,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage"
RKI_ROWS = [
    "2026-09-01,12054,185750,78012,3,21,11.3",
    "2026-09-01,12069,219540,92210,2,17,7.7",
    "2026-09-02,12054,185750,78015,3,22,11.8",
    "2026-09-02,12069,219540,92212,2,16,7.3",
    "2026-09-01,1001,91000,38232,0,12,13.2",  # Flensburg, leading zero dropped as the schema allows
]


def rki(*extra: str, header: str = RKI_HEADER) -> bytes:
    return ("\n".join([header, *RKI_ROWS, *extra]) + "\n").encode()


ATLAS_HEADER = "KRS1222;Kreisname;v_harzt;v_karzt;v_alq"
ATLAS_ROWS = [
    "12051000;Brandenburg an der Havel;65,1;8,7;6,5",
    "12054000;Potsdam;71,3;10,2;5,1",
    "12069000;Potsdam-Mittelmark;58,9;6,4;4,2",
    "1001000;Flensburg;60,2;9,9;-9999",
]


def atlas(*extra: str, header: str = ATLAS_HEADER) -> bytes:
    return ("\r\n".join([header, *ATLAS_ROWS, *extra]) + "\r\n").encode()


def registry_with(source_id: str, **params: str) -> Registry:
    """The shipped registry with other params for one source (e.g. what an operator might type)."""
    reg = load_registry()
    changed = reg.source(source_id).model_copy(update={"params": {**reg.source(source_id).params, **params}})
    return Registry(cooperation=reg.cooperation, partners=reg.partners,
                    sources=[changed if s.id == source_id else s for s in reg.sources])


def ingest_file(
    source_id: str, name: str, body: bytes, folder: Path, data: Path, registry: Registry | None = None
) -> IngestResult | SourceError:
    """``ingest SOURCE --from FILE`` for a file written as ``name``: the result, or the error raised."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(body)
    try:
        return ingest_source(source_id, from_path=path, data=settings.paths(data), registry=registry)
    except SourceError as exc:
        return exc


def raw_rows(data: Path, source_id: str, entity: str, columns: str = "*") -> list[tuple]:
    import duckdb

    files = sorted(str(p) for p in (data / "raw" / source_id / entity).glob("*.parquet"))
    if not files:
        return []
    return duckdb.execute(f"select {columns} from read_parquet(?, union_by_name = true)", [files]).fetchall()


def quarantined(data: Path, source_id: str) -> dict[str, int]:
    from regiohub.ingest.quarantine import summary

    return {reason: n for (_, _, reason), n in summary(settings.paths(data), source_id).items()}


def files_containing(data: Path, needle: bytes) -> list[str]:
    """Every file below ``data`` holding ``needle`` (payload copies in landing excepted)."""
    hits = []
    for p in data.rglob("*"):
        if p.is_file() and "landing" not in p.relative_to(data).parts and needle in p.read_bytes():
            hits.append(str(p.relative_to(data)))
    return hits
