"""The region reference from the Destatis Gemeindeverzeichnis (GV-ISys, GV100AD): layout, keys, Gebietsstände.

The real file is ``../shared/data/real/gv-isys/GV100AD_30112025.txt`` (PROVENANCE.md, section 9: a verbatim
second-hand copy; UTF-8, CRLF, 220 characters but up to 222 bytes a record); the tests skip where it is absent.
The older Gebietsstand in ``test_an_older_gebietsstand_adds_ended_keys_with_successors`` is written with
that file's own records: the record of a Gemeinde with its Verband of before the change (Amt Oder-Welse,
dissolved 19.04.2022) and the Gebietsstand date changed — the layout stays the Destatis one.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from genesis_payloads import GV100AD
from real_payloads import real

from regiohub.cli import main
from regiohub.core import settings
from regiohub.registry import regions

TRUE_VALUES = {  # PROVENANCE.md, section 9: ARS, Textkennzeichen (as our kind), area ha, population
    "120540000000": ("Potsdam, Stadt", "Kreisfreie Stadt", 18_824, 184_754),
    "120735051532": ("Schwedt/Oder, Stadt", "Stadt", 36_074, 33_730),
    "120735051440": ("Pinnow", "Gemeinde", 1_294, 913),  # PROVENANCE names it "Pinnow (Uckermark)"; the file "Pinnow"
    "120645412340": ("Neuhardenberg", "Gemeinde", 7_813, 2_504),
    "120645408303": ("Märkische Höhe", "Gemeinde", 3_426, 603),
    "120645412190": ("Gusow-Platkow", "Gemeinde", 3_805, 1_307),
}


@pytest.fixture(scope="module")
def units() -> list[regions.Unit]:
    return regions.parse_gv100ad(real(GV100AD))


def test_every_record_and_level_of_the_directory_is_read(units):
    kinds = {}
    for u in units:
        kinds[u.level] = kinds.get(u.level, 0) + 1
    assert kinds == {"land": 16, "regierungsbezirk": 29, "region": 12, "kreis": 400, "verband": 4590,
                     "gemeinde": 10953}
    assert {u.last_stand for u in units} == {"2025-11-30"}
    bb = [u for u in units if u.land == "12" and u.level == "gemeinde"]
    assert len(bb) == 413 and sum(u.population for u in bb) == 2_556_747
    assert sum(u.land == "12" and u.level == "kreis" for u in units) == 18


def test_the_ars_joins_ags_and_verband_and_the_true_values_are_read(units):
    by_ars = {u.ars: u for u in units if u.level == "gemeinde"}
    for key, (name, kind, area, population) in TRUE_VALUES.items():
        u = by_ars[key]
        assert (u.name, u.bez, u.area_ha, u.population) == (name, kind, area, population), key
        assert u.ags == key[:5] + key[9:]
    assert by_ars["120735051532"].parent_ars == "120735051000"  # the Verband Schwedt/Oder (erfüllende Gemeinde)
    verband = {u.ars: u for u in units if u.level == "verband"}
    assert (verband["120735051000"].name, verband["120735051000"].bez) == ("Schwedt/Oder, Stadt", "Erfüllende Gemeinde")
    assert (verband["120645412000"].name, verband["120645412000"].bez) == ("Seelow-Land", "Amt")
    # the other Pinnow (Mecklenburg-Vorpommern): told apart by its key, not its name
    assert {u.ars for u in units if u.name == "Pinnow"} == {"120735051440", "130765668112"}


def test_records_are_sliced_by_characters_not_bytes(units):
    """Bautzen's name is cut at 50 characters and has ``š``: its numbers after the name are still right."""
    bautzen = next(u for u in units if u.ags == "14625020")
    assert bautzen.name == "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokoš"
    assert bautzen.ars == "146250020020" and bautzen.population == 37_566 and bautzen.area_ha == 6_666


def test_regions_refresh_builds_the_reference_and_ingest_uses_it(data_dir, capsys):
    assert main(["regions", "refresh", "--from", str(real(GV100AD))]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "Gebietsstände 2025-11-30; 10953 Gemeinde keys in Länder 01, 02" in out
    path = data_dir / "reference" / "regions.csv"
    assert regions.reference_path(settings.paths(data_dir)) == path
    known = regions.known_keys(settings.paths(data_dir))
    assert {"120735051532", "120735051440", "120645412340", "12073532", "12064340"} <= known.keys
    assert len(known.lands) == 16
    assert main(["regions"]) == 0 and str(path) in capsys.readouterr().out


def test_an_older_gebietsstand_adds_ended_keys_with_successors(data_dir, tmp_path, capsys):
    """Schwedt/Oder and Pinnow of 2021 (Amt Oder-Welse, Verband 5310/0532) → today's keys (Verband 5051)."""
    lines = real(GV100AD).read_bytes().decode("utf-8").split("\r\n")
    old = []
    for line in lines:
        if line[:2] in ("10", "40") and line[10:12] == "12":
            old.append(line)
        elif line[:2] == "60" and line[10:18] in ("12073532", "12073440", "12054000"):
            verband = {"12073532": "0532", "12073440": "5310", "12054000": "0000"}[line[10:18]]
            old.append(line[:18] + verband + line[22:])
    older = tmp_path / "GV100AD_31122021.txt"
    older.write_text("\r\n".join(rec[:2] + "20211231" + rec[10:] for rec in old) + "\r\n", encoding="utf-8")
    assert main(["regions", "refresh", "--from", str(real(GV100AD)), "--land", "12"]) == 0
    assert main(["regions", "refresh", "--from", str(older)]) == 0, capsys.readouterr().err
    assert "Gebietsstände 2021-12-31, 2025-11-30" in capsys.readouterr().out
    rows = {(r["level"], r["ars"]): r for r in csv.DictReader(open(data_dir / "reference" / "regions.csv",
                                                                    encoding="utf-8"))}
    schwedt_2021 = rows[("gemeinde", "120730532532")]
    assert (schwedt_2021["last_stand"], schwedt_2021["successor_ars"]) == ("2021-12-31", "120735051532")
    assert rows[("gemeinde", "120735310440")]["successor_ars"] == "120735051440"
    today = rows[("gemeinde", "120735051532")]
    assert (today["first_stand"], today["last_stand"], today["successor_ars"]) == ("2025-11-30", "2025-11-30", "")
    potsdam = rows[("gemeinde", "120540000000")]  # in both: one row, first and last Gebietsstand
    assert (potsdam["first_stand"], potsdam["last_stand"]) == ("2021-12-31", "2025-11-30")
    sources = json.loads((data_dir / "reference" / "regions.sources.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in sources] == ["GV100AD_30112025.txt", "GV100AD_31122021.txt"]


def test_a_file_that_is_not_gv100ad_is_refused_naming_the_line(data_dir, tmp_path, capsys):
    bad = tmp_path / "GV100AD.txt"
    bad.write_text("Satzart;Land;Name\r\n", encoding="utf-8")
    assert main(["regions", "refresh", "--from", str(bad)]) == 1
    assert "GV100AD.txt line 1 is not a GV100AD record" in capsys.readouterr().err
    assert not (data_dir / "reference" / "regions.csv").exists()


def test_the_shipped_compact_reference_is_derived_by_the_command(tmp_path):
    """reference/regions/regions.csv is ``regions refresh --from GV100AD_30112025.txt --land 12``, nothing else."""
    out = tmp_path / "regions.csv"
    assert main(["regions", "refresh", "--from", str(real(GV100AD)), "--land", "12", "--output", str(out),
                 "--replace"]) == 0
    assert out.read_text(encoding="utf-8") == regions.SHIPPED.read_text(encoding="utf-8")
    shipped = json.loads(regions.SHIPPED.with_name("regions.sources.json").read_text(encoding="utf-8"))
    assert [(s["file"], s["sha256"]) for s in shipped] == [
        ("GV100AD_30112025.txt", "ca027d4cd476c8fe9442a0a14f553d64ae0e877e9fc82856ec89d6572d8c02b0")]


def test_the_shipped_reference_knows_the_keys_of_2022_and_the_merged_ones(data_dir):
    known = regions.known_keys(settings.paths(data_dir))  # no refresh: the shipped reference and the seed
    assert known.lands == frozenset({"12"})
    assert {"120735051532", "120735051440", "120645412340"} <= known.keys  # Gebietsstand 2022 and today
    assert {"120730532532", "120735310440", "120735310032"} <= known.keys  # BKG 2021: ended (region_changes)
    assert not known.covers("130765668112")  # other Länder are not judged by a Brandenburg reference


def test_the_ars_is_not_a_contiguous_field(tmp_path):
    """One record, exactly as the file writes it: Schwedt/Oder's AGS 12073532 and Verband 5051."""
    record = next(line for line in real(GV100AD).read_bytes().decode("utf-8").split("\r\n")
                  if line.startswith("6020251130120735325051"))
    assert record[10:22] == "120735325051"  # what slicing 11–22 would give
    path = Path(tmp_path / "one.txt")
    path.write_text(record + "\r\n", encoding="utf-8")
    (u,) = regions.parse_gv100ad(path)
    assert u.ars == "120735051532" and u.ags == "12073532"
