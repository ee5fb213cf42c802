"""Where the real publisher payloads are (``../shared/data/real/`` beside the repository), and helpers.

The files are never copied into the repository: tests read them in place and skip, with a message
saying so, where the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.registry.model import Registry, load_registry

REAL = (settings.REPO_ROOT.parent / "shared" / "data" / "real").resolve()
PEGEL = REAL / "pegelonline"
DWD = REAL / "dwd"
GTFS_FLEX = REAL / "gtfs_bbnavi_flex"
RKI = REAL / "rki"
DWD_POTSDAM = DWD / "produkt_klima_tag_18930101_20231231_03987.EXCERPT_header_and_2023-12.txt"
DWD_BERLIN = DWD / "produkt_klima_tag_19861001_19870131_00429.txt"
DWD_STATIONS = DWD / "KL_Tageswerte_Beschreibung_Stationen.txt"
ESI_CORA = RKI / "ESI-CorA_Abwassersurveillance.tsv"


def real(path: Path) -> Path:
    """``path`` if the real payload is there, else skip the test saying what is missing."""
    if not path.exists():
        pytest.skip(f"real publisher payload {path.name} not found under ../shared/data/real/ (kept outside the repo)")
    return path


def raw(data: Path, source: str, entity: str, sql: str = "select count(*) from t") -> list[tuple]:
    """Run ``sql`` with ``t`` standing for the raw Parquet files of one entity."""
    with duckdb.connect() as con:
        files = sorted(str(p) for p in (data / "raw" / source / entity).glob("*.parquet"))
        con.execute("create temp table t as select * from read_parquet($f, union_by_name = true)", {"f": files})
        return con.execute(sql).fetchall()


def registry_variant(tmp_path: Path, old: str, new: str) -> Registry:
    """The shipped registry with one text replaced (e.g. another DWD station or an extra partner)."""
    text = settings.REGISTRY_FILE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "sources.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_registry(path)


def dwd_rows(path: Path) -> dict[str, list[str]]:
    """MESS_DATUM -> the row's stripped fields, read with plain Python (independent of the connector)."""
    lines = path.read_text(encoding="latin-1").splitlines()
    header = [h.strip() for h in lines[0].split(";")]
    at = header.index("MESS_DATUM")
    return {fields[at]: fields for fields in ([f.strip() for f in line.split(";")] for line in lines[1:] if line)}


def esi_cora_potsdam(path: Path) -> dict[str, str]:
    """Datum -> Genkopien_normalisiert of the Potsdam rows, as written in the file."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    return {r[2]: r[3] for r in rows if r[0] == "Brandenburg" and r[1] == "Potsdam"}
