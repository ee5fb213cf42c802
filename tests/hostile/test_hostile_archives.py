"""Crafted ZIP archives: bombs, zip-slip, symlink members, too many members, truncation.

Each is refused with one line naming the source, the archive and the problem; nothing beyond the
limit is written; the archive stays in landing; the published mart is untouched.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from regiohub import cli
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.archives import unpack
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

from .conftest import mart_untouched
from .zipcraft import DWD_MEMBER, MIB, archive, bomb

PATTERNS = ("produkt_klima_tag_*.txt",)


@pytest.fixture(scope="module")
def dwd():
    return load_registry().source("dwd_klima_potsdam")


def _refused(archive_path: Path, workdir: Path, dwd, match: str) -> str:
    with pytest.raises(SourceError, match=match) as err:
        unpack(archive_path, workdir, dwd, PATTERNS)
    assert str(err.value).startswith(f"dwd_klima_potsdam: {archive_path.name}")
    assert "\n" not in str(err.value)
    assert not any(p.is_file() for p in workdir.rglob("*")), "something of a refused archive was left"
    return str(err.value)


def test_a_1_gib_zip_bomb_is_refused_before_anything_is_written(tmp_path, dwd) -> None:
    path = bomb(tmp_path / "klima.zip")
    started = time.monotonic()
    message = _refused(path, tmp_path / "work", dwd, "expands more than 200-fold")
    assert time.monotonic() - started < 2  # refused from the directory, not after inflating 1 GiB
    assert "ZIP bomb" in message


def test_the_uncompressed_limit_holds_when_the_ratio_check_is_off(tmp_path, dwd, monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_MAX_ZIP_RATIO", "1e12")
    monkeypatch.setenv("REGIOHUB_MAX_UNPACKED_BYTES", str(8 * MIB))
    _refused(bomb(tmp_path / "klima.zip", size_mib=64), tmp_path / "work", dwd, "unpacks to more than 8 MiB")


def test_a_directory_lying_about_the_size_stops_at_the_declared_size(tmp_path, dwd, monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_MAX_ZIP_RATIO", "1e12")
    path = bomb(tmp_path / "klima.zip", size_mib=256, declared_mib=2)  # claims 2 MiB, inflates to 256 MiB
    _refused(path, tmp_path / "work", dwd, "not a complete ZIP archive")


@pytest.mark.parametrize(("name", "why"), [
    ("../../etc/cron.d/regiohub", "a path outside the archive folder"),
    ("/etc/cron.d/regiohub", "a path outside the archive folder"),
    ("daten/../../produkt_klima_tag_x.txt", "a path outside the archive folder"),
    ("C:/Windows/produkt_klima_tag_x.txt", "a path outside the archive folder"),
    ("..\\..\\produkt_klima_tag_x.txt", "a path outside the archive folder"),
])
def test_zip_slip_members_refuse_the_archive(tmp_path, dwd, name, why) -> None:
    path = archive(tmp_path / "klima.zip", {DWD_MEMBER: b"STATIONS_ID;MESS_DATUM\n", name: b"* * * * * root id\n"})
    _refused(path, tmp_path / "work", dwd, why)
    assert not (tmp_path / "etc").exists()


def test_a_symlink_member_is_refused(tmp_path, dwd) -> None:
    path = archive(tmp_path / "klima.zip", {}, symlinks={DWD_MEMBER: "/etc/passwd"})
    _refused(path, tmp_path / "work", dwd, f"member '{DWD_MEMBER}' is a symbolic link")


def test_too_many_members(tmp_path, dwd, monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_MAX_ZIP_MEMBERS", "50")
    path = archive(tmp_path / "klima.zip", {f"f{i}.txt": b"x" for i in range(51)})
    _refused(path, tmp_path / "work", dwd, "has 51 members, more than the limit of 50")


def test_a_truncated_archive(tmp_path, dwd) -> None:
    full = archive(tmp_path / "full.zip", {DWD_MEMBER: bytes(range(256)) * 4000})
    cut = tmp_path / "klima.zip"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    _refused(cut, tmp_path / "work", dwd, "not a complete ZIP archive")


def test_an_ordinary_archive_still_unpacks(tmp_path, dwd) -> None:
    path = archive(tmp_path / "klima.zip", {f"daten/{DWD_MEMBER}": b"a;b\n1;2\n", "Metadaten.txt": b"x"})
    files = unpack(path, tmp_path / "work", dwd, PATTERNS)
    assert list(files) == [DWD_MEMBER]
    assert files[DWD_MEMBER].read_bytes() == b"a;b\n1;2\n"
    assert files[DWD_MEMBER].is_relative_to(tmp_path / "work")


def test_ingest_of_a_bomb_exits_1_keeps_the_payload_and_leaves_the_mart(
    tmp_path, tiny_published, capsys
) -> None:
    data_dir = tiny_published
    path = bomb(tmp_path / "tageswerte_KL_03987_akt.zip")
    with mart_untouched(data_dir):
        code = cli.main(["ingest", "dwd_klima_potsdam", "--from", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == [f"error: dwd_klima_potsdam: {path.name}: member '{DWD_MEMBER}' expands more than 200-fold "
                   "(1.0 MiB compressed; REGIOHUB_MAX_ZIP_RATIO); archive refused (ZIP bomb?)"]
    kept = list((settings.paths(data_dir).landing / "dwd_klima_potsdam").rglob("*.zip"))
    assert [k.read_bytes() for k in kept] == [path.read_bytes()]
    assert not list((settings.paths(data_dir).raw).rglob("*.parquet"))


def test_ingest_through_the_api_names_the_source(tmp_path, data_dir) -> None:
    path = archive(tmp_path / "klima.zip", {"../" + DWD_MEMBER: b"x"})
    with pytest.raises(SourceError, match=r"^dwd_klima_potsdam: klima\.zip: member '\.\./produkt"):
        ingest_source("dwd_klima_potsdam", from_path=path, data=settings.paths(data_dir))
