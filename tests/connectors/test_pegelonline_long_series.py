"""Long PEGELONLINE measurement series are checked and read by DuckDB, never loaded into Python objects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hostile_connector_kit import loaded, rejected

from regiohub.ingest.connectors import pegelonline_payloads
from regiohub.ingest.replay import RECORDINGS_DIR

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
POTSDAM_UUID = "5e10e1e7-9115-4bd7-ad57-e2062f516891"


@pytest.fixture
def every_series_is_long(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Treat every file as long; record the size of each document json.loads is given (anywhere)."""
    monkeypatch.setattr(pegelonline_payloads, "STREAM_FROM_BYTES", 0)
    sizes: list[int] = []
    real = json.loads

    def spy(text, *args, **kwargs):
        sizes.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pegelonline_payloads.json, "loads", spy)
    return sizes


def _load(tmp_path: Path, body: bytes) -> Path:
    load = tmp_path / "load"
    series = load / "stations" / POTSDAM_UUID / "W" / "measurements.json"
    series.parent.mkdir(parents=True)
    shutil.copy(PEGEL / "stations.json", load / "stations.json")
    series.write_bytes(body)
    return load


def test_a_long_series_loads_without_json_loads(data_dir, tmp_path, capsys, every_series_is_long):
    series = PEGEL / "stations" / POTSDAM_UUID / "W" / "measurements.json"
    out = loaded(capsys, "pegelonline", _load(tmp_path, series.read_bytes()))
    readings = series.read_bytes().count(b'"timestamp"')
    assert f"measurements={readings}" in out
    assert max(every_series_is_long) < series.stat().st_size / 4  # the station list, state files: never the series


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'[{"timestamp": "2026-11-15T10:00:00+01:00", "value": 296}, {"timestamp": "2026-11', "is not valid JSON"),
        (b'[{"timestamp": "2026-11-15T10:00:00+01:00", "value": 296}, 17]', "neither stations"),
        (b'[{"timestamp": "2026-11-15T10:00:00+01:00", "value": 296}, {"value": 297}]', "neither stations"),
    ],
    ids=["truncated", "not-an-object", "reading-without-timestamp"],
)
def test_a_broken_long_series_is_rejected_in_one_line(data_dir, tmp_path, capsys, every_series_is_long, body, problem):
    err = rejected(capsys, data_dir, "pegelonline", _load(tmp_path, body), problem)
    assert "measurements.json" in err
