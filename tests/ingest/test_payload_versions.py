"""Payload versions: every load records one; for full-snapshot sources the newest version wins, not the newest load."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest import inbox
from regiohub.ingest.replay import RECORDINGS_DIR, offline
from regiohub.ingest.source import ingest_source
from regiohub.ops.status import render_status
from regiohub.registry.model import load_registry
from regiohub.store.loads import compose_raw_view, never_built, unpublished_loads
from regiohub.store.provenance import used_load_ids
from regiohub.store.state import read_load

SOURCE = "ladesaeulenregister"
LADESAEULEN = next(RECORDINGS_DIR.glob("data.bundesnetzagentur.de/**/Ladesaeulenregister_BNetzA_*.csv"))
RELEASE_LINE = 7  # "Letzte Aktualisierung vom: 29.10.2026" in the preamble


def register(target: Path, release: str, drop_line: int) -> Path:
    """The recorded register with another release date in its preamble and one facility less."""
    lines = LADESAEULEN.read_bytes().splitlines(keepends=True)
    assert b"Letzte Aktualisierung vom: 29.10.2026" in lines[RELEASE_LINE]
    lines[RELEASE_LINE] = lines[RELEASE_LINE].replace(b"29.10.2026", release.encode())
    del lines[drop_line]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"".join(lines))
    return target


def _view_loads(data: settings.Paths) -> list[str]:
    """The loads a build reads (staging keeps the newest of them: ``latest_load``)."""
    view, _ = compose_raw_view(data, {})
    return sorted(p.stem for p in (view / SOURCE / "charging_facilities").glob("*.parquet"))


def test_an_older_release_after_a_newer_one_is_kept_and_reported_not_used(data_dir, tmp_path) -> None:
    data = settings.paths(data_dir).ensure()
    newer = ingest_source(SOURCE, from_path=register(tmp_path / "nov" / "register.csv", "20.11.2026", -1), data=data)
    older = ingest_source(SOURCE, from_path=register(tmp_path / "oct" / "register.csv", "01.10.2026", -2), data=data)

    assert newer.version == {"version": "2026-11-20", "basis": "release date stated in the file"}
    assert read_load(data, SOURCE, newer.load_id)["version"] == newer.version
    assert (older.status, older.superseded_by, older.changed) == ("loaded", newer.load_id, False)
    assert read_load(data, SOURCE, older.load_id)["version"]["version"] == "2026-10-01"  # kept with its ledger
    assert list((data.raw / SOURCE).glob(f"*/{older.load_id}.parquet"))
    assert any(f"than load {newer.load_id}" in n and "not published" in n for n in older.notes)
    # The build reads the newest version; the older load is neither built nor waiting to be published.
    assert older.load_id > newer.load_id and _view_loads(data) == [newer.load_id]
    assert compose_raw_view(data, {})[1][SOURCE] == newer.load_id  # the cut-off meta_loads records
    assert used_load_ids(data, load_registry().source(SOURCE)) == {newer.load_id}
    assert unpublished_loads(data)[SOURCE] == [newer.load_id]
    assert never_built(data, SOURCE, [older.load_id, newer.load_id]) == [newer.load_id]
    assert (f"{SOURCE}: load {older.load_id} (older than load {newer.load_id}: version 2026-10-01 < 2026-11-20)"
            in render_status(data))
    assert json.loads((data.state / f"{SOURCE}.json").read_text())["last_load_id"] == newer.load_id

    # Handed in again, either file is a no-op that names the load holding it.
    again = ingest_source(SOURCE, from_path=tmp_path / "oct" / "register.csv", data=data)
    assert (again.status, again.holds_load) == ("unchanged", older.load_id)
    assert "payload already loaded" in again.notes[-1]
    same = ingest_source(SOURCE, from_path=tmp_path / "nov" / "register.csv", data=data)
    assert (same.status, same.holds_load) == ("unchanged", newer.load_id)

    # A newer release still wins as before; an equal version: the newer load wins (no version to tell).
    newest = ingest_source(SOURCE, from_path=register(tmp_path / "dec" / "r.csv", "25.11.2026", -3), data=data)
    assert newest.superseded_by is None and _view_loads(data) == [newer.load_id, newest.load_id]
    tie = ingest_source(SOURCE, from_path=register(tmp_path / "tie" / "r.csv", "25.11.2026", -4), data=data)
    assert tie.superseded_by is None and _view_loads(data)[-1] == tie.load_id
    assert older.load_id not in _view_loads(data)


def test_versions_by_connector(data_dir) -> None:
    """From the raw rows where they tell (newest period), else the publisher's Last-Modified."""
    data = settings.paths(data_dir).ensure()
    with offline():
        rki = ingest_source("rki_inzidenz", data=data)
        atlas = ingest_source("deutschlandatlas_aerzte", data=data)
        dwd = ingest_source("dwd_klima_potsdam", data=data)
    assert rki.version["basis"] == "newest report date" and rki.version["version"][:4] == "2026"
    assert atlas.version["basis"] == "Last-Modified of the publisher"
    assert atlas.version["version"].endswith("+00:00")
    assert dwd.version["basis"].startswith("newest day") and dwd.superseded_by is None


def test_an_accumulating_source_keeps_every_load(data_dir, tmp_path) -> None:
    """DWD: a correction of an old day, delivered after the current file, is added as before (no supersession)."""
    data = settings.paths(data_dir).ensure()
    archive = next(RECORDINGS_DIR.glob("opendata.dwd.de/**/tageswerte_KL_*_akt.zip"))
    with zipfile.ZipFile(archive) as zf:
        lines = zf.read(next(n for n in zf.namelist() if n.startswith("produkt"))).decode("latin-1").splitlines()
    cells = lines[5].split(";")
    cells[13] = f"{float(cells[13]) + 0.3:6.1f}"  # TMK (mean temperature) of one day, corrected
    old = tmp_path / "korrektur.txt"
    old.write_text("\r\n".join([lines[0], *lines[1:5], ";".join(cells)]) + "\r\n", encoding="latin-1")
    with offline():
        current = ingest_source("dwd_klima_potsdam", data=data)
    correction = ingest_source("dwd_klima_potsdam", from_path=old, data=data)

    assert (correction.status, correction.rows, correction.superseded_by) == ("loaded", {"daily": 1}, None)
    assert correction.version["version"] < current.version["version"]
    source = load_registry().source("dwd_klima_potsdam")
    assert used_load_ids(data, source) == {current.load_id, correction.load_id}


def test_a_file_that_breaks_the_loader_is_refused_alone(data_dir, tmp_path) -> None:
    """Any error of one file (not only a bad payload) refuses that file; its neighbours load."""
    data = settings.paths(data_dir).ensure()
    good = register(tmp_path / "good.csv", "20.11.2026", -1)
    inbox.drop(SOURCE, good, data, name="a_register.csv")
    inbox.drop(SOURCE, good, data, name="b_breaks.csv")

    def ingest(source_id: str, from_path: Path):
        if from_path.name == "b_breaks.csv":
            raise RuntimeError("unexpected\nreader error")
        return ingest_source(source_id, from_path=from_path, data=data)

    result = inbox.ingest_drop(SOURCE, "run-1", data=data, ingest=ingest)
    assert [x["file"] for x in result.loads] == ["a_register.csv"] and len(result.load_ids) == 1
    assert result.rejected == {"b_breaks.csv": "could not be loaded (RuntimeError: unexpected reader error)"}

    def disk_full(source_id: str, from_path: Path):
        raise OSError(28, "No space left on device")

    inbox.drop(SOURCE, good, data, name="c_register.csv")
    with pytest.raises(OSError):  # the environment, not the file: it stays claimed for the retry
        inbox.ingest_drop(SOURCE, "run-2", data=data, ingest=disk_full)
    retry = inbox.ingest_drop(SOURCE, "run-2", data=data, ingest=ingest)
    assert [(x["file"], x["status"], x["holds_load"]) for x in retry.loads] == [
        ("c_register.csv", "unchanged", result.load_ids[0])]
    assert retry.held_loads == result.load_ids
    with pytest.raises(SourceError, match="plain file name"):
        inbox.ingest_drop(SOURCE, "run-3", ["../x.csv"], data=data, ingest=ingest)
