"""GENESIS payloads for the population tests: real recorded answers, and excerpts of them in their exact bytes.

The real answers (provenance in ``tests/fixtures/genesis/README.md`` and ``../shared/data/real/PROVENANCE.md``,
section 2):

* ``AREA_ALL_2023`` — the Regionaldatenbank's answer to ``tablefile`` 12411-01-01-4 with ``area=all``, as
  recorded by the client library ``CorrelAid/pystatis`` on 11 Jun 2025 (``tests/cassettes/12411-01-01-4.yaml``,
  commit ``41f02bd``): ffcsv, UTF-8 with BOM, LF; rows of four levels (132 ``REGBEZ``, 48 ``DLAND``,
  3 ``DINSG``, 1,467 ``KREISE``); 31.12.2023 on the basis after the Zensus 2022 revision.
* ``CENSUS_2022`` — the Zensus 2022 database's answer to ``tablefile`` 1000A-0000 with ``area=all``
  (pystatis, ``tests/cassettes/1000A-0000.yaml``, commit ``b6e0dd8``, recorded 10 Mar 2026): first row
  Germany (``GEODL1``), then 10,786 Gemeinden (``GEOGM4``).
* ``SHARED/*`` — ``../shared/data/real/genesis/``: the 31.12.2024 answer (ZIP, only ``KREISE``), the
  31.12.2023 answer in the older flat layout (recorded 3 Dec 2024, basis before the revision), and the
  two tables the population sources must refuse (11111-02-01-4, 1000A-2022).

``kreis_table`` and ``shuffled_area_all`` are built from ``AREA_ALL_2023``: whole rows kept, bytes as the
service writes them (header, BOM, ``;``, LF); only the selection and order of the rows differ, as a
smaller request (``regionalkey``) or another run of the service would give them.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from regiohub.core import settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "genesis"
AREA_ALL_2023 = FIXTURES / "regionalstatistik_12411-01-01-4_2023-12-31_area-all_recorded-2025-06-11.zip"
AREA_ALL_MEMBER = "12411-01-01-4_1749623963823_de_flat.csv"
CENSUS_2022 = FIXTURES / "zensus2022_1000A-0000_area-all_recorded-2026-03-10.zip"
CENSUS_MEMBER = "1000A-0000_1773175153999_de_flat.csv"

SHARED = (settings.REPO_ROOT.parent / "shared" / "data" / "real" / "genesis").resolve()
KREISE_2024_ZIP = SHARED / "regionalstatistik_12411-01-01-4_2024-12-31_ffcsv.zip"
FLAT_2023_CSV = SHARED / "regionalstatistik_12411-01-01-4_2023-12-31_flat_oldformat.csv"
AREA_11111_ZIP = SHARED / "regionalstatistik_11111-02-01-4_ffcsv.zip"
CENSUS_1000A_2022_ZIP = SHARED / "zensus2022_1000A-2022_ffcsv_laender.zip"
GV100AD = (settings.REPO_ROOT.parent / "shared" / "data" / "real" / "gv-isys" / "GV100AD_30112025.txt").resolve()

# True values (Insgesamt) of the five Kreis-level units of the cooperation, per answer
UNITS = ("12051", "12054", "12063", "12069", "12072")
REVISED_2023 = {"12051": 73_939, "12054": 184_290, "12063": 169_721, "12069": 220_158, "12072": 177_420}
REVISED_2023_LAND = 2_554_464  # DLAND 12 of the area=all answer of 11 Jun 2025
PRE_REVISION_2023 = {"12054": 187_119, "12069": 223_531}  # old flat answer of 3 Dec 2024 (PROVENANCE.md)
PRE_REVISION_2023_UNITS = 833_609
PRE_REVISION_2023_LAND = 2_581_667
YEAR_2024 = {"12051": 74_113, "12054": 184_754, "12063": 170_834, "12069": 221_268, "12072": 177_688}
YEAR_2024_UNITS = 828_657
YEAR_2024_LAND = 2_556_747  # the sum of all 18 Kreise: the 2024 answer has no DLAND row
CENSUS_LAND = 2_534_075  # the sum of Brandenburg's 413 Gemeinden in 1000A-0000
CENSUS_UCKERMARK = 117_909


def ars(kreis: str) -> str:
    return kreis.ljust(12, "0")


def member(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as zf:
        (name,) = zf.namelist()
        return zf.read(name)


def _rows(csv: bytes) -> tuple[str, list[str]]:
    text = csv.decode("utf-8")
    head, *rows = text.split("\n")
    return head, [r for r in rows if r]


def _join(head: str, rows: list[str]) -> bytes:
    return (head + "\n" + "\n".join(rows) + "\n").encode("utf-8")


def shuffled_area_all(seed: int = 20) -> bytes:
    """The recorded area=all answer with every row (all four levels) in another order."""
    head, rows = _rows(member(AREA_ALL_2023))
    random.Random(seed).shuffle(rows)
    return _join(head, rows)


def kreis_table(regions: tuple[str, ...] = ("DG", "01001", "12", *UNITS)) -> bytes:
    """An excerpt of the recorded area=all answer: Germany, a Kreis elsewhere, the Land and the five units."""
    head, rows = _rows(member(AREA_ALL_2023))
    keep = [r for r in rows if r.split(";")[7] in regions and r.split(";")[5] != "REGBEZ"]
    return _join(head, keep)


def census_table(drop: tuple[str, ...] = (), add: tuple[str, ...] = ()) -> bytes:
    """The recorded 1000A-0000 answer (Germany first), optionally without rows (by key) or with extra rows."""
    head, rows = _rows(member(CENSUS_2022))
    rows = [r for r in rows if r.split(";")[7] not in drop] + list(add)
    return _join(head, rows)


def census_row(key: str, name: str, persons: int) -> str:
    """One Gemeinde row exactly as 1000A-0000 writes it."""
    return (f"1000A;Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;GEOGM4;"
            f"Gemeinden (Gebietsstand 15.05.2022);{key};{name};{persons};Anzahl;PRS018;Personen")


def values_of(csv: bytes, column: int = 7) -> dict[str, int]:
    """Key -> value (total over sex) read with plain Python, to compare with what the platform publishes."""
    head, rows = _rows(csv.removeprefix(b"\xef\xbb\xbf"))
    names = head.split(";")
    at = names.index("value") if "value" in names else len(names) - 1
    second = 11 if len(names) > 13 else None  # 2_variable_attribute_code / 2_Auspraegung_Code: empty = total
    out = {}
    for r in rows:
        f = r.split(";")
        if (second is None or f[second] == "") and f[at].strip().isdigit():
            out[f[column].strip()] = int(f[at])
    return out


def tablefile_zip(csv: bytes, member_name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member_name, csv)
    return buf.getvalue()


def area_table() -> bytes:
    """GENESIS 11111-0001 (Gebietsfläche: Deutschland, Stichtag), written after the ffcsv layout: another statistic."""
    return ("\ufeffstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
            "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
            "value_variable_label\n"
            "11111;Feststellung des Gebietsstands;STAG;Stichtag;2023-12-31;DINSG;Deutschland insgesamt;DG;"
            "Deutschland;357595,97;qkm;FLC006;Gebietsfläche\n").encode("utf-8")


def zensus_table(statistic: str, region_variable: str, key: str, label: str) -> bytes:
    """A Zensus 2022 database ffcsv (header with ``value_q``, decimal commas), e.g. 1000A-1018 by GEOBL1."""
    return ("\ufeffstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
            "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;"
            "2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;"
            "value_variable_label;value_q\n"
            f"{statistic};Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;{region_variable};"
            f"Bundesländer;{key};{label};RELZG2;Religion;REL-RK-OR;Römisch-katholische Kirche (öffentlich-rechtlich);"
            "49282;Anzahl;PRS018;Personen;e\n").encode()
