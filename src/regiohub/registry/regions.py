"""The region reference: every Land, Kreis, Gemeindeverband and Gemeinde with its 12-digit ARS, at every Gebietsstand.

Built from the Destatis Gemeindeverzeichnis (GV-ISys), the fixed-width file ``GV100AD_<DDMMYYYY>.txt``
that Destatis publishes quarterly for all German Gemeinden::

    regiohub regions refresh --from GV100AD_30112025.txt [--from GV100AD_31122022.txt …]

Each file is one Gebietsstand; a refresh adds its units to the reference already in the data dir
(``<data>/reference/regions.csv``), so the reference knows every key of every date it has seen. A key
of an older Gebietsstand that the newest one lacks has ended (``valid_to``: the last Gebietsstand it
was seen in); where the same Gemeinde (its 8-digit AGS) carries another ARS at the newest
Gebietsstand — the 12-digit ARS changes when a Gemeinde changes Amt — that ARS is its successor.
Mergers are not in a directory: ``dbt_project/seeds/region_changes.csv`` states them.

Layout (Destatis "Datensatzbeschreibung GV100", 1-based characters): 1–2 Satzart (10 Land, 20
Regierungsbezirk, 30 Region, 40 Kreis, 50 Gemeindeverband, 60 Gemeinde), 3–10 Gebietsstand
YYYYMMDD, 11–12 Land, 13 RB, 14–15 Kreis, 16–18 Gemeinde, 19–22 Gemeindeverband, 23–72 name,
123–124 Textkennzeichen, for Gemeinden 129–139 area (ha) and 140–150 population. The file is UTF-8
with CRLF; a record is 220 *characters* but up to 222 bytes (umlauts, Sorbian letters), so records
are sliced after decoding. The ARS of a Gemeinde is not a field: AGS[0:5] + Verband + AGS[5:8].

Without a refresh the shipped compact reference (``reference/regions/regions.csv``) is used: the
Länder of the registered cooperation only, derived from GV100AD by this same command
(``--land``, ``--output``; see ``reference/regions/README.md``). Keys outside the Länder a
reference covers are not judged by it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from regiohub.core import settings
from regiohub.core.errors import RegiohubError

SHIPPED = settings.REPO_ROOT / "reference" / "regions" / "regions.csv"
RECORD_CHARS = 220
LEVELS = {"10": "land", "20": "regierungsbezirk", "30": "region", "40": "kreis", "50": "verband", "60": "gemeinde"}
# Textkennzeichen (positions 123–124) -> the kind of unit, as the Datensatzbeschreibung names it
KINDS = {
    "41": "Kreisfreie Stadt", "42": "Stadtkreis", "43": "Kreis", "44": "Landkreis", "45": "Regionalverband",
    "50": "Verbandsfreie Gemeinde", "51": "Amt", "52": "Samtgemeinde", "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft", "55": "Kirchspielslandgemeinde", "56": "Verwaltungsverband",
    "57": "Verwaltungsgemeinschaft (Trägermodell)", "58": "Erfüllende Gemeinde",
    "60": "Markt", "61": "Kreisfreie Stadt", "62": "Stadtkreis", "63": "Stadt", "64": "Gemeinde",
    "65": "Gemeindefreies Gebiet, bewohnt", "66": "Gemeindefreies Gebiet, unbewohnt", "67": "Große Kreisstadt",
}
KREISFREI = ("41", "42")  # a Kreis that is one Gemeinde: it appears once, as Kreis


class RegionReferenceError(RegiohubError, ValueError):
    """A directory file that is not a GV100AD file, or a reference that cannot be read."""


@dataclass(frozen=True)
class Unit:
    ars: str
    ags: str
    name: str
    bez: str
    level: str
    land: str
    kreis_ars: str
    parent_ars: str
    population: int | None
    area_ha: int | None
    first_stand: str  # first Gebietsstand (ISO date) the key was seen in
    last_stand: str  # last Gebietsstand the key was seen in
    successor_ars: str = ""  # for a key the newest Gebietsstand lacks: the same Gemeinde's key there


COLUMNS = [f.name for f in fields(Unit)]


# --- reading GV100AD -------------------------------------------------------------------------------


def parse_gv100ad(path: Path) -> list[Unit]:
    """Every unit of one GV100AD file; :class:`RegionReferenceError` naming the line for a record it cannot read."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # older GV100AD files were Latin-1
        text = raw.decode("cp1252", errors="strict")
    units: list[Unit] = []
    verbands: set[str] = set()
    kreisfrei: set[str] = set()
    records = []
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if len(line) > RECORD_CHARS or line[:2] not in LEVELS or not line[2:10].isdigit():
            raise RegionReferenceError(
                f"{Path(path).name} line {n} is not a GV100AD record (Satzart 10–60, Gebietsstand YYYYMMDD, "
                f"{RECORD_CHARS} characters): {line[:30]!r}"
            )
        records.append(line.ljust(RECORD_CHARS))
    if not records:
        raise RegionReferenceError(f"{Path(path).name} holds no GV100AD record")
    for r in records:
        if r[:2] == "50":
            verbands.add(r[10:15] + r[18:22])
        if r[:2] == "40" and r[122:124] in KREISFREI:
            kreisfrei.add(r[10:15])
    for r in records:
        units.append(_unit(r, verbands, kreisfrei))
    return units


def _unit(r: str, verbands: set[str], kreisfrei: set[str]) -> Unit:
    kind, stand = r[:2], f"{r[2:6]}-{r[6:8]}-{r[8:10]}"
    land, rb, kreis, gemeinde, verband = r[10:12], r[12:13], r[13:15], r[15:18], r[18:22]
    kreis5 = land + rb + kreis
    kreis_ars = kreis5.ljust(12, "0") if kind in ("40", "50", "60") else ""
    level, name, code = LEVELS[kind], r[22:72].rstrip(), r[122:124].strip()
    population = area = None
    if kind == "10":
        ars, ags, parent = land.ljust(12, "0"), land, ""
    elif kind in ("20", "30"):
        ags = (land + rb + (kreis if kind == "30" else "")).strip()
        ars, parent = ags.ljust(12, "0"), land.ljust(12, "0")
    elif kind == "40":
        ars, ags, parent = kreis_ars, kreis5, land.ljust(12, "0")
    elif kind == "50":
        ars, ags, parent = kreis5 + verband + "000", "", kreis_ars
    else:
        ags = kreis5 + gemeinde
        ars = kreis5 + verband + gemeinde
        has_verband = kreis5 + verband in verbands and kreis5 not in kreisfrei
        parent = (kreis5 + verband + "000") if has_verband else kreis_ars
        area, population = _int(r[128:139]), _int(r[139:150])
    return Unit(ars=ars, ags=ags, name=name, bez=KINDS.get(code, ""), level=level, land=land,
                kreis_ars=kreis_ars, parent_ars=parent, population=population, area_ha=area,
                first_stand=stand, last_stand=stand)


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


# --- the reference -----------------------------------------------------------------------------------


def reference_path(data: settings.Paths | None = None) -> Path:
    """The data dir's reference (``regions refresh``), else the shipped compact one."""
    own = _data_file(data)
    return own if own.is_file() else SHIPPED


def _data_file(data: settings.Paths | None) -> Path:
    return (data or settings.paths()).data_dir / "reference" / "regions.csv"


def read_reference(path: Path | None = None) -> list[Unit]:
    path = path or reference_path()
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise RegionReferenceError(f"region reference {path} cannot be read: {exc.strerror}") from None
    out = []
    for row in rows:
        values = {c: row.get(c, "") for c in COLUMNS}
        for c in ("population", "area_ha"):
            values[c] = int(values[c]) if values[c] else None
        out.append(Unit(**values))
    return out


def merge(old: list[Unit], new: list[Unit]) -> list[Unit]:
    """One row per key over every Gebietsstand: the newest record of the key, first and last stand, successors."""
    by_key: dict[tuple[str, str], Unit] = {}
    for u in [*old, *new]:
        key = (u.level, u.ars)
        seen = by_key.get(key)
        if seen is None:
            by_key[key] = u
            continue
        newest = u if u.last_stand >= seen.last_stand else seen
        by_key[key] = Unit(**{**asdict(newest), "first_stand": min(u.first_stand, seen.first_stand),
                              "last_stand": max(u.last_stand, seen.last_stand), "successor_ars": ""})
    # the newest Gebietsstand per Land: a key it lacks has ended
    newest: dict[str, str] = {}
    for u in by_key.values():
        newest[u.land] = max(newest.get(u.land, ""), u.last_stand)
    current_by_ags = {u.ags: u.ars for u in by_key.values()
                      if u.level == "gemeinde" and u.last_stand == newest[u.land]}
    out = []
    for u in sorted(by_key.values(), key=lambda u: (u.ars, u.level)):
        successor = ""
        if u.level == "gemeinde" and u.last_stand < newest[u.land]:
            candidate = current_by_ags.get(u.ags, "")
            successor = candidate if candidate != u.ars else ""
        out.append(Unit(**{**asdict(u), "successor_ars": successor}))
    return out


def write_reference(units: list[Unit], path: Path, sources: list[dict]) -> None:
    """The reference as CSV (UTF-8, one row per key) and, beside it, what it was built from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for u in units:
            w.writerow({k: ("" if v is None else v) for k, v in asdict(u).items()})
    os.replace(tmp, path)
    meta = path.with_name(path.stem + ".sources.json")
    meta.write_text(json.dumps(sources, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def refresh(files: list[Path], data: settings.Paths | None = None, *, lands: list[str] | None = None,
            output: Path | None = None, add_to_existing: bool = True) -> tuple[Path, dict]:
    """Build the reference from GV100AD ``files`` (added to the data dir's reference); return (path, summary)."""
    target = output or _data_file(data)
    old = read_reference(target) if add_to_existing and target.is_file() else []
    meta = target.with_name(target.stem + ".sources.json")
    sources = json.loads(meta.read_text(encoding="utf-8")) if add_to_existing and meta.is_file() else []
    new: list[Unit] = []
    for f in files:
        units = parse_gv100ad(f)
        if lands:
            units = [u for u in units if u.land in lands]
            if not units:
                raise RegionReferenceError(f"{Path(f).name} holds no unit of Land {', '.join(lands)}")
        new += units
        stands = sorted({u.last_stand for u in units})
        sources.append({"file": Path(f).name, "sha256": hashlib.sha256(Path(f).read_bytes()).hexdigest(),
                        "gebietsstand": stands, "records": len(units), "lands": lands or "all",
                        "read_at": datetime.now(UTC).isoformat(timespec="seconds")})
    units = merge(old, new)
    write_reference(units, target, sources)
    summary = {
        "gebietsstaende": sorted({s for u in units for s in (u.first_stand, u.last_stand)}),
        "gemeinden": sum(u.level == "gemeinde" for u in units),
        "ended": sum(u.level == "gemeinde" and u.last_stand < max(x.last_stand for x in units if x.land == u.land)
                     for u in units),
        "with_successor": sum(bool(u.successor_ars) for u in units),
        "lands": sorted({u.land for u in units}),
    }
    return target, summary


# --- what ingest and the build need -------------------------------------------------------------------


@dataclass(frozen=True)
class KnownKeys:
    """The keys a reference knows, per level, and the Länder it covers (outside them no key is judged)."""

    lands: frozenset[str]
    keys: frozenset[str]  # 12-digit ARS of every unit, 8-digit AGS of Gemeinden, 5-digit Kreis, 2-digit Land keys
    path: Path

    def covers(self, key: str) -> bool:
        return key[:2] in self.lands


def known_keys(data: settings.Paths | None = None) -> KnownKeys:
    """The keys of the reference in use plus the ended keys of the region_changes seed."""
    path = reference_path(data)
    units = read_reference(path)
    keys = {u.ars for u in units} | {u.ags for u in units if u.ags}
    keys |= {row["ars"] for row in _changes()} | {row["ars"][:5] + row["ars"][9:] for row in _changes()}
    return KnownKeys(frozenset(u.land for u in units if u.level == "land"), frozenset(keys), path)


def _changes() -> list[dict]:
    seed = settings.DBT_PROJECT_DIR / "seeds" / "region_changes.csv"
    with open(seed, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r.get("ars")]


def land_name(land: str, data: settings.Paths | None = None) -> str | None:
    return next((u.name for u in read_reference(reference_path(data)) if u.level == "land" and u.land == land), None)


def export_rows(data: settings.Paths | None = None, lands: list[str] | None = None) -> list[dict]:
    """The reference as JSON rows for dbt (``registry/regions.json``), limited to ``lands``."""
    rows = []
    for u in read_reference(reference_path(data)):
        if lands and u.land not in lands:
            continue
        row = asdict(u)
        row["successor_ars"] = row["successor_ars"] or None
        rows.append(row)
    return rows


def as_of(stand: str) -> date:
    return date.fromisoformat(stand)
