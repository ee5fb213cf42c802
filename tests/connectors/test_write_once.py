"""Write once: a lazy relation is read once into Parquet with lineage; raw keeps its layout, nothing is left over."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
from hostile_connector_kit import loaded, rejected

from regiohub.ingest.replay import RECORDINGS_DIR

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
POTSDAM_UUID = "5e10e1e7-9115-4bd7-ad57-e2062f516891"
RAW_COLUMNS = ["station_uuid", "measured_at", "value_cm", "_source_id", "_load_id", "_fetched_at", "_payload_sha256"]


def _load(tmp_path: Path, readings: list[object] | bytes) -> tuple[Path, Path]:
    load = tmp_path / "load"
    series = load / "stations" / POTSDAM_UUID / "W" / "measurements.json"
    series.parent.mkdir(parents=True)
    shutil.copy(PEGEL / "stations.json", load / "stations.json")
    series.write_bytes(readings if isinstance(readings, bytes) else json.dumps(readings).encode())
    return load, series


def _rows(files: list[Path], query: str = "select * from t") -> list[tuple]:
    with duckdb.connect() as con:
        con.read_parquet([str(f) for f in files]).create_view("t")
        return con.execute(query).fetchall()


def _leftovers(data_dir: Path) -> list[Path]:
    """Half-written or staged files (``*.tmp``) anywhere in raw or quarantine."""
    return [p for folder in ("raw", "quarantine") for p in (data_dir / folder).rglob("*.tmp")]


def test_good_rows_land_in_raw_with_lineage_and_no_staged_file_stays(data_dir, tmp_path, capsys):
    readings = [{"timestamp": f"2026-11-15T10:{m:02d}:00+01:00", "value": 296 + m} for m in (0, 15, 30)]
    load, series = _load(tmp_path, readings)
    assert "measurements=3" in loaded(capsys, "pegelonline", load)
    files = sorted((data_dir / "raw" / "pegelonline" / "measurements").glob("*.parquet"))
    assert len(files) == 1 and _leftovers(data_dir) == []
    with duckdb.connect() as con:
        columns = [r[0] for r in con.execute("describe select * from read_parquet(?)", [str(files[0])]).fetchall()]
    assert columns == RAW_COLUMNS  # no _payload, no helper column: the raw layout as before
    sha = hashlib.sha256(series.read_bytes()).hexdigest()
    assert _rows(files, "select station_uuid, measured_at, value_cm, _payload_sha256 from t order by 2") == [
        (POTSDAM_UUID, r["timestamp"], float(r["value"]), sha) for r in readings]


def test_bad_and_repeated_rows_are_split_from_the_staged_file(data_dir, tmp_path, capsys):
    good = [{"timestamp": f"2026-11-15T10:{m:02d}:00+01:00", "value": 296} for m in (0, 15, 30, 45)]
    load, _ = _load(tmp_path, [*good, good[0], {"timestamp": "2026-11-15T11:00:00+01:00", "value": 9999}])
    loaded(capsys, "pegelonline", load)
    raw = sorted((data_dir / "raw" / "pegelonline" / "measurements").glob("*.parquet"))
    quarantined = sorted((data_dir / "quarantine" / "pegelonline" / "measurements").glob("*.parquet"))
    assert _rows(raw, "select count(*), count(distinct measured_at) from t") == [(4, 4)]  # a repeat kept once
    assert _rows(quarantined, "select _reason, count(*), count(_payload_sha256) from t group by 1 order by 1") == [
        ("duplicate row", 1, 1), ("water level out of range", 1, 1)]
    assert _leftovers(data_dir) == []


def test_a_payload_refused_while_it_is_read_leaves_no_raw_folder(data_dir, tmp_path, capsys):
    load, _ = _load(tmp_path, b'[{"timestamp": "2026-11-15T10:00:00+01:00", "value": 296}, {"timestamp": "2026-11')
    rejected(capsys, data_dir, "pegelonline", load, "is not valid JSON")
    assert not (data_dir / "raw" / "pegelonline").exists()  # the stations' staged file went with it
    assert not (data_dir / "quarantine").exists()
