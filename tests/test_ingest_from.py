"""`regiohub ingest SOURCE --from PATH`: operators' files go through the same parser and checks.

Bad input gets a one-line error naming the source, a non-zero exit, the payload is kept, and
neither other sources nor the published mart are touched.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from regiohub.cli import main
from regiohub.ingest.replay import RECORDINGS_DIR

FIXTURES = Path(__file__).parent / "fixtures"
PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
ZENSUS_ZIP = RECORDINGS_DIR / "ergebnisse.zensus2022.de/api/rest/2020/data/tablefile"
LADESAEULEN = next(RECORDINGS_DIR.glob("data.bundesnetzagentur.de/**/Ladesaeulenregister_BNetzA_*.csv"))
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(data: Path, source: str, entity: str) -> int:
    return duckdb.sql(f"select count(*) from read_parquet('{data}/raw/{source}/{entity}/*.parquet')").fetchall()[0][0]


def test_each_shipped_sample_loads_from_a_file_or_folder(data_dir, tmp_path, capsys):
    zensus = tmp_path / "1000A-0000_de_flat.zip"
    shutil.copy(ZENSUS_ZIP, zensus)
    for source, path in [
        ("pegelonline", PEGEL),
        ("zensus2022_bevoelkerung", zensus),
        ("ladesaeulenregister", LADESAEULEN),
        ("rki_inzidenz", RKI),
    ]:
        assert main(["ingest", source, "--from", str(path)]) == 0, capsys.readouterr().err
        assert f"{source}: loaded" in capsys.readouterr().out
    assert count(data_dir, "pegelonline", "measurements") > 4000
    assert count(data_dir, "zensus2022_bevoelkerung", "values") == 416
    assert count(data_dir, "rki_inzidenz", "incidence") == len(RKI.read_text().splitlines()) - 1


def test_older_ladesaeulenregister_generation_in_cp1252_is_understood(data_dir, capsys):
    assert main(["ingest", "ladesaeulenregister", "--from", str(FIXTURES / "Ladesaeulenregister_2019_cp1252.csv")]) == 0
    rows = duckdb.sql(
        f"select facility_id, street, district, power_kw, latitude "
        f"from read_parquet('{data_dir}/raw/ladesaeulenregister/charging_facilities/*.parquet')"
    ).fetchall()
    assert len(rows) == 60
    assert all(r[0] is None and r[3] > 0 and 51 < r[4] < 54 for r in rows)
    # cp1252 was decoded: "ß" in street names survives, no replacement characters
    assert any("straße" in r[1] for r in rows)
    assert not any("\ufffd" in (r[1] + r[2]) for r in rows)


def _truncated_csv(tmp_path: Path) -> Path:
    body = RKI.read_bytes()
    path = tmp_path / RKI.name
    path.write_bytes(body[: len(body) // 2 + 7])  # cut inside a line
    return path


def _json_error(tmp_path: Path) -> Path:
    path = tmp_path / RKI.name
    path.write_text('{"error": {"code": 503, "message": "Service Unavailable"}}')
    return path


def _html_page(tmp_path: Path) -> Path:
    path = tmp_path / LADESAEULEN.name
    path.write_text("<!DOCTYPE html><html><head><title>Wartungsarbeiten</title></head><body></body></html>")
    return path


def _renamed_column(tmp_path: Path) -> Path:
    path = tmp_path / RKI.name
    path.write_text(RKI.read_text().replace("Inzidenz_7-Tage", "Inzidenz_7_Tage_neu", 1))
    return path


def _stations_error_object(tmp_path: Path) -> Path:
    folder = tmp_path / "pegel"
    shutil.copytree(PEGEL, folder)
    (folder / "stations.json").write_text('{"status": 500, "message": "internal error"}')
    return folder


def _truncated_zip(tmp_path: Path) -> Path:
    path = tmp_path / "1000A-0000_de_flat.zip"
    path.write_bytes(ZENSUS_ZIP.read_bytes()[:300])
    return path


@pytest.mark.parametrize(
    ("source", "make_payload", "problem"),
    [
        ("rki_inzidenz", _truncated_csv, "cannot read"),
        ("rki_inzidenz", _json_error, "is a JSON document, not CSV"),
        ("ladesaeulenregister", _html_page, "is an HTML page, not CSV"),
        ("rki_inzidenz", _renamed_column, "unknown column layout"),
        ("pegelonline", _stations_error_object, "stations.json is not a list of stations"),
        ("zensus2022_bevoelkerung", _truncated_zip, "not a complete ZIP archive"),
    ],
)
def test_bad_input_is_rejected_clearly_and_loses_nothing(
    published_copy, tmp_path, capsys, source, make_payload, problem
):
    data = published_copy
    published_before = sha256(data / "published" / "regiohub.duckdb")
    raw_before = {p: sha256(p) for p in (data / "raw").rglob("*.parquet")}
    payload = make_payload(tmp_path)

    assert main(["ingest", source, "--from", str(payload)]) == 1

    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {source}: ") and problem in err, err
    assert len(err.splitlines()) == 1
    # the payload is kept for replay after a fix
    kept = sorted((data / "landing" / source).iterdir())[-1]
    originals = [payload] if payload.is_file() else [p for p in payload.rglob("*") if p.is_file()]
    assert {sha256(p) for p in originals} <= {sha256(p) for p in kept.rglob("*") if p.is_file()}
    # nothing else changed: no raw file written or altered, the published mart is byte-identical
    assert {p: sha256(p) for p in (data / "raw").rglob("*.parquet")} == raw_before
    assert sha256(data / "published" / "regiohub.duckdb") == published_before
    assert "error" in (data / "state" / f"{source}.json").read_text()


def test_missing_from_path_is_reported(data_dir, capsys):
    assert main(["ingest", "rki_inzidenz", "--from", "does/not/exist.csv"]) == 1
    assert "rki_inzidenz: --from does/not/exist.csv: no such file or folder" in capsys.readouterr().err


def test_an_operators_file_is_ingested_without_loading_the_http_stack(data_dir):
    """Start-up: `ingest --from` never imports requests (nor the outbound checks) — it fetches nothing."""
    code = ("import sys; from regiohub.cli import main; "
            f"rc = main(['ingest', 'pegelonline', '--from', {str(PEGEL / 'stations.json')!r}]); "
            "print(rc, sorted(m for m in ('requests', 'urllib3', 'regiohub.core.http') if m in sys.modules))")
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"
