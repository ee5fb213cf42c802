"""Operator intake (symlinks, special files, names in messages), corrupt state, and provenance.

Provenance, not a registry flag, decides "Beispieldaten": a load from the shipped recordings is
sample data, a publisher fetch or an operator's file is not — per value, by the loads it comes from.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from regiohub.build.transform import build_candidate, export_registry
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.replay import RECORDINGS_DIR, offline
from regiohub.ingest.source import ingest_source
from regiohub.store.state import all_loads, read_state

RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
SECRET = "TOPSECRET-do-not-copy-7f3a"


def _everything_written(data: Path) -> str:
    """All text the platform wrote below the data dir (state, logs, landing, raw)."""
    out = []
    for p in data.rglob("*"):
        if p.is_file():
            out.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def test_a_symlink_to_a_secret_is_refused_without_reading_it(data_dir, tmp_path, secret_file):
    link = tmp_path / "COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"
    link.symlink_to(secret_file)
    with pytest.raises(SourceError, match=r"^rki_inzidenz: --from .*symbolic link.*nothing was read") as err:
        ingest_source("rki_inzidenz", from_path=link, data=settings.paths(data_dir))
    assert SECRET not in str(err.value)
    assert SECRET not in _everything_written(data_dir)
    assert not list((data_dir / "landing" / "rki_inzidenz").iterdir()), "an empty landing folder was left"
    assert "symbolic link" in read_state(settings.paths(data_dir), "rki_inzidenz")["last_error"]


def test_a_folder_with_a_symlink_or_a_fifo_inside_is_refused(data_dir, tmp_path, secret_file):
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(RKI, folder / RKI.name)
    (folder / "extra.csv").symlink_to(secret_file)
    with pytest.raises(SourceError, match="extra.csv: is a symbolic link"):
        ingest_source("rki_inzidenz", from_path=folder, data=settings.paths(data_dir))
    (folder / "extra.csv").unlink()
    os.mkfifo(folder / "pipe.csv")  # opening it would block: it must never be opened
    with pytest.raises(SourceError, match="pipe.csv: is not a regular file"):
        ingest_source("rki_inzidenz", from_path=folder, data=settings.paths(data_dir))
    assert SECRET not in _everything_written(data_dir)


def test_a_missing_file_leaves_no_empty_landing_folder(data_dir, tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        ingest_source("rki_inzidenz", from_path=tmp_path / "nope.csv", data=settings.paths(data_dir))
    assert not list((data_dir / "landing" / "rki_inzidenz").iterdir())


def test_errors_name_the_operators_file_not_the_load_folder(data_dir, tmp_path):
    bad = tmp_path / "mein_download_vom_montag.csv"
    bad.write_bytes(RKI.read_bytes()[:200])  # cut mid-row, as an aborted download would
    with pytest.raises(SourceError) as err:
        ingest_source("rki_inzidenz", from_path=bad, data=settings.paths(data_dir))
    message = str(err.value)
    assert "mein_download_vom_montag.csv" in message
    load_folders = [p.name for p in (data_dir / "landing" / "rki_inzidenz").iterdir()]
    assert load_folders, "the payload must be kept"
    assert not any(name in message for name in load_folders)


def test_a_corrupt_state_file_is_kept_aside_and_rebuilt_from_raw(data_dir):
    data = settings.paths(data_dir)
    with offline():
        first = ingest_source("rki_inzidenz", data=data)
    state_path = data.state / "rki_inzidenz.json"
    state_path.write_bytes(b"{\"payload_sha256\": \"abc\", \x00\xff truncated")
    with offline():
        again = ingest_source("rki_inzidenz", data=data)
    assert again.status == "unchanged", again  # rebuilt from raw: the same payload is recognised
    assert any("re-synchronised from raw" in n for n in again.notes)
    assert list(data.state.glob("rki_inzidenz.json.corrupt-*")), "the unreadable file must be kept"
    assert read_state(data, "rki_inzidenz")["last_load_id"] == first.load_id


def test_each_load_records_its_origin(data_dir, tmp_path):
    data = settings.paths(data_dir)
    with offline():
        fetched = ingest_source("rki_inzidenz", data=data)
    handed_in = tmp_path / "inzidenz_download.csv"
    handed_in.write_bytes(b"".join(RKI.read_bytes().splitlines(keepends=True)[:-1]))  # a newer release
    operator = ingest_source("rki_inzidenz", from_path=handed_in, data=data)
    ledger = all_loads(data, "rki_inzidenz")
    assert ledger[fetched.load_id]["origin"] == "recording"
    assert ledger[operator.load_id]["origin"] == "operator"
    assert ledger[operator.load_id]["operator_file"] == "inzidenz_download.csv"
    assert ledger[operator.load_id]["payload_sha256"] == operator.payload_sha256


def test_sample_label_follows_the_loads_a_value_comes_from(published_copy, tmp_path):
    """An operator's file replaces the recording for one source: its values are no longer sample data."""
    from regiohub.registry.model import load_registry

    data = settings.paths(published_copy)
    handed_in = tmp_path / "inzidenz_download.csv"
    handed_in.write_bytes(b"".join(RKI.read_bytes().splitlines(keepends=True)[:-1]))  # a newer release
    load = ingest_source("rki_inzidenz", from_path=handed_in, data=data)
    assert load.status == "loaded", load
    sources = {s["source_id"]: s for s in json.loads(
        (export_registry(load_registry(), data) / "source_state.json").read_text(encoding="utf-8"))}
    assert sources["rki_inzidenz"]["is_sample"] is False
    assert sources["zensus2022_bevoelkerung"]["is_sample"] is True
    candidate = build_candidate(data)
    with duckdb.connect(str(candidate), read_only=True) as con:
        by_source = dict(con.execute(
            "select source_id, bool_or(is_sample) from fct_indicator_value group by 1").fetchall())
        origin = con.execute("select origin from dim_load where load_id = ?", [load.load_id]).fetchall()
    assert by_source["rki_inzidenz"] is False
    assert by_source["zensus2022_bevoelkerung"] is True
    assert origin == [("operator",)]


def test_re_ingesting_an_earlier_payload_is_a_no_op_that_says_so(data_dir, tmp_path):
    """Old file, newer file, old file again: the old one never replaces the newer data."""
    data = settings.paths(data_dir)
    old = tmp_path / "alt.csv"
    old.write_bytes(RKI.read_bytes())
    new = tmp_path / "neu.csv"
    lines = RKI.read_bytes().splitlines(keepends=True)
    new.write_bytes(b"".join(lines[:-1]))  # the newer release differs (one row fewer, for the test)
    first = ingest_source("rki_inzidenz", from_path=old, data=data)
    second = ingest_source("rki_inzidenz", from_path=new, data=data)
    again = ingest_source("rki_inzidenz", from_path=old, data=data)
    assert (first.status, second.status, again.status) == ("loaded", "loaded", "unchanged")
    assert any(f"load {first.load_id}" in n and "already loaded" in n for n in again.notes)
    assert read_state(data, "rki_inzidenz")["last_load_id"] == second.load_id
