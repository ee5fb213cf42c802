"""Hostile input for PEGELONLINE and DWD: crafted ids, headers and values never become paths, SQL or marks.

Payloads are the shipped recordings in the publishers' formats (PEGELONLINE REST API v2 JSON, DWD
``produkt_klima_tag`` laid out like the real files in ../shared/data/real/dwd/), changed in one place each.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hostile_connector_kit import CANARY, assert_no_leak, loaded, rejected
from real_payloads import raw

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.pegelonline_payloads import confined
from regiohub.ingest.replay import RECORDINGS_DIR, Fault, offline
from regiohub.ingest.source import ingest_source, read_state, write_state
from regiohub.registry.model import load_registry

PEGEL = RECORDINGS_DIR / "www.pegelonline.wsv.de/webservices/rest-api/v2"
PEGEL_PATH = "www.pegelonline.wsv.de/webservices/rest-api/v2"
POTSDAM_UUID = "5e10e1e7-9115-4bd7-ad57-e2062f516891"
DWD_ZIP = next(RECORDINGS_DIR.glob("opendata.dwd.de/**/tageswerte_KL_03987_akt.zip"))
INJECTION = "x') as y from read_text('/proc/self/environ') --"


@pytest.fixture(autouse=True)
def canary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIOHUB_LEAK_CANARY", CANARY)
    monkeypatch.setenv("REGIOHUB_HTTP_BACKOFF", "0.01")


def stations() -> list[dict]:
    return json.loads((PEGEL / "stations.json").read_text(encoding="utf-8"))


def write_json(path: Path, doc: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# --- PEGELONLINE ------------------------------------------------------------------------------


def test_publisher_uuids_cannot_write_outside_landing(data_dir, tmp_path):
    outside = tmp_path / "abs-escape"
    doc = stations()
    doc[0]["uuid"], doc[1]["uuid"] = "../../../../escape", str(outside)
    doc[2]["uuid"] = f"{POTSDAM_UUID}/../../../../escape2"
    with offline() as server:
        server.inject(f"{PEGEL_PATH}/stations.json", Fault(body=json.dumps(doc).encode()))
        result = ingest_source("pegelonline", data=settings.paths(data_dir))
    asked = [r.path for r in server.requests_for(f"{PEGEL_PATH}/stations/*/W/measurements.json")]
    assert len(asked) == 3 and not any(".." in p or "escape" in p for p in asked)
    assert sum("not a PEGELONLINE uuid" in n for n in result.notes) == 3
    assert not outside.exists() and not list(tmp_path.rglob("escape*"))
    assert result.quarantined == {"stations": {"invalid station uuid": 3}}


@pytest.mark.parametrize("part", ["../x", "/etc/passwd", "a/../../b", ""])
def test_confined_refuses_paths_leaving_their_folder(tmp_path, part):
    source = load_registry().source("pegelonline")
    with pytest.raises(SourceError, match="refused a path outside the landing folder"):
        confined(tmp_path, source, "stations", part, "..", "..")  # every variant climbs out
    with pytest.raises(SourceError):
        confined(tmp_path, source, part or "..", "..")
    assert confined(tmp_path, source, "stations", POTSDAM_UUID, "W", "measurements.json").is_relative_to(tmp_path)


def test_stations_with_crafted_or_missing_uuids_are_quarantined_and_the_others_load(data_dir, tmp_path, capsys):
    doc = stations()
    doc[0]["uuid"], doc[1]["uuid"] = "../../evil", None
    out = loaded(capsys, "pegelonline", write_json(tmp_path / "liste.json", doc))
    assert "quarantined stations: 2 invalid station uuid" in out
    assert raw(data_dir, "pegelonline", "stations")[0][0] == len(doc) - 2


def test_sql_in_a_station_name_is_stored_as_text(data_dir, tmp_path, capsys):
    doc = stations()[:1]
    doc[0]["shortname"] = INJECTION
    loaded(capsys, "pegelonline", write_json(tmp_path / "stations.json", doc))
    assert raw(data_dir, "pegelonline", "stations", "select shortname from t") == [(INJECTION,)]
    assert_no_leak(data_dir)


@pytest.mark.parametrize(
    ("folder", "problem"),
    [
        ("stations/00000000-0000-4000-8000-000000000000/W", "measurements of unknown station 00000000-"),
        ("messwerte", "cannot tell which station these measurements belong to"),
    ],
)
def test_measurements_of_unknown_or_unnamed_stations_are_rejected(data_dir, tmp_path, capsys, folder, problem):
    write_json(tmp_path / "load" / folder / "measurements.json", [{"timestamp": "2026-11-15T10:00:00+01:00",
                                                                    "value": 296}])
    rejected(capsys, data_dir, "pegelonline", tmp_path / "load", problem)


def test_measurements_alone_load_for_a_known_station_named_by_its_number(data_dir, tmp_path, capsys):
    loaded(capsys, "pegelonline", PEGEL / "stations.json")
    series = PEGEL / "stations" / POTSDAM_UUID / "W" / "measurements.json"
    target = tmp_path / "load" / "580412" / "export.json"
    target.parent.mkdir(parents=True)
    shutil.copy(series, target)
    out = loaded(capsys, "pegelonline", tmp_path / "load")
    n = len(json.loads(series.read_text()))
    assert f"stations=0, measurements={n}" in out


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"status": 500, "message": "internal error"}', "is not a list of stations or measurements"),
        (b'[{"uuid": 1}, {"timestamp": 2}]', "neither stations"),
        (b"<!DOCTYPE html><html><body>Wartung</body></html>", "is an HTML page"),
        (b'[{"uuid": "' + b"x" * 10 + b'", "number": "580412"', "is not valid JSON"),
    ],
    ids=["deep-nesting", "error-object", "mixed-array", "html", "truncated"],
)
def test_malformed_pegelonline_documents_are_rejected(data_dir, tmp_path, capsys, body, problem):
    path = tmp_path / "stations.json"
    path.write_bytes(body)
    rejected(capsys, data_dir, "pegelonline", path, problem)


def test_future_and_infinite_readings_are_quarantined_and_never_a_high_water_mark(data_dir):
    good = [{"timestamp": f"2026-11-15T10:{m:02d}:00+01:00", "value": 296} for m in (0, 15, 30, 45)]
    body = json.dumps([
        *good,
        {"timestamp": "2098-01-01T00:00:00+01:00", "value": 297},
        {"timestamp": "2026-11-15T11:00:00+01:00", "value": 1e400},
    ]).replace("Infinity", "1e400").encode()
    with offline() as server:
        server.inject(f"{PEGEL_PATH}/stations/*/W/measurements.json", Fault(body=body, times=None))
        result = ingest_source("pegelonline", data=settings.paths(data_dir))
    n = len(stations())
    assert result.quarantined["measurements"] == {"reading dated in the future": n, "water level out of range": n}
    hwm = read_state(settings.paths(data_dir), "pegelonline")["hwm"]
    assert set(hwm.values()) == {"2026-11-15T09:45:00+00:00"}
    with offline() as server:
        ingest_source("pegelonline", data=settings.paths(data_dir))
    starts = {r.query["start"][0] for r in server.requests_for(f"{PEGEL_PATH}/stations/*/W/measurements.json")}
    assert not any(s.startswith("2098") for s in starts)


def test_a_future_mark_left_in_state_does_not_freeze_polling(data_dir):
    data = settings.paths(data_dir).ensure()
    future = (datetime.now(UTC) + timedelta(days=26_000)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    write_state(data, "pegelonline", {"hwm": {POTSDAM_UUID: future}})
    with offline() as server:
        ingest_source("pegelonline", data=data)
    asked = server.requests_for(f"{PEGEL_PATH}/stations/{POTSDAM_UUID}/W/measurements.json")
    assert asked[0].query["start"] == ["P8D"]


# --- DWD ----------------------------------------------------------------------------------------


def product_lines() -> tuple[str, list[str]]:
    with zipfile.ZipFile(DWD_ZIP) as zf:
        name = next(n for n in zf.namelist() if n.startswith("produkt_klima_tag"))
        return name, zf.read(name).decode("latin-1").splitlines()


def product(tmp_path: Path, edit) -> Path:
    name, lines = product_lines()
    path = tmp_path / name
    path.write_bytes("\r\n".join(edit(lines)).encode("latin-1") + b"\r\n")
    return path


def test_sql_in_a_dwd_header_is_never_executed(data_dir, tmp_path, capsys):
    def inject(lines):
        return [lines[0].replace(";eor", f";{INJECTION};eor"),
                *[line.replace(";eor", ";1;eor") for line in lines[1:]]]
    out = loaded(capsys, "dwd_klima_potsdam", product(tmp_path, inject))
    assert "new column(s) ignored" in out and "read_text" in out
    assert_no_leak(data_dir)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda ls: [ls[0], *[x.replace("3987;", "1358;", 1) for x in ls[1:]]],
         "station 01358 is not the registered station 03987 (Potsdam)"),
        (lambda ls: [ls[0], *ls[1:-1], ls[-1].replace("3987;", "429;", 1)],
         "station 00429 is not the registered station 03987 (Potsdam)"),
        (lambda ls: [ls[0].replace("TMK", "TEMP"), *ls[1:]], "unknown column layout"),
        (lambda ls: ["<!DOCTYPE html><html><body>Fehler</body></html>"], "is an HTML page"),
        (lambda ls: ["Stations_id von_datum bis_datum Stationshoehe geoBreite geoLaenge Stationsname Bundesland"],
         "is the DWD station list"),
    ],
    ids=["other-station", "one-foreign-row", "renamed-column", "html", "station-list"],
)
def test_bad_dwd_products_are_rejected(data_dir, tmp_path, capsys, edit, problem):
    rejected(capsys, data_dir, "dwd_klima_potsdam", product(tmp_path, edit), problem)


def test_future_unreadable_and_infinite_dwd_rows_are_quarantined(data_dir, tmp_path, capsys):
    def spoil(lines):
        header = [h.strip() for h in lines[0].split(";")]
        day, temp = header.index("MESS_DATUM"), header.index("TMK")

        def row(date: str, tmk: str | None = None) -> str:
            fields = lines[-1].split(";")
            fields[day] = date
            if tmk is not None:
                fields[temp] = tmk
            return ";".join(fields)
        return [*lines, row("20980101"), row("zwei0101"), row("20250101", "1e400")]
    out = loaded(capsys, "dwd_klima_potsdam", product(tmp_path, spoil))
    assert "1 day in the future" in out and "1 unreadable date or station" in out
    assert "1 temperature out of range" in out
    assert raw(data_dir, "dwd_klima_potsdam", "daily", "select max(day)::varchar from t")[0][0] < "2098-01-01"


def test_dwd_zip_member_names_cannot_escape(data_dir, tmp_path, capsys):
    name, lines = product_lines()
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(f"../../../{name}", "\r\n".join(lines) + "\r\n")
    rejected(capsys, data_dir, "dwd_klima_potsdam", evil, "is a path outside the archive folder; archive refused")
    assert not list(tmp_path.parent.glob(name)) and not list(data_dir.parent.glob(name))


def test_a_dwd_zip_without_a_product_is_rejected(data_dir, tmp_path, capsys):
    empty = tmp_path / "leer.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("Metadaten_Geographie_03987.txt", "Stations_id;Stationshoehe\r\n")
    rejected(capsys, data_dir, "dwd_klima_potsdam", empty, "leer.zip holds no produkt_klima_tag file")
