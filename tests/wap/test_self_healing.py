"""A truncated published mart: one status line, rollback and the next run restore the newest intact snapshot.

Before, ``status``, ``run``, ``publish --list`` and ``publish --rollback`` all ended in a DuckDB traceback, and
the kept snapshot (a hard link) was damaged with the published file.
"""

from __future__ import annotations

import os

import duckdb
import pytest

from regiohub.cli import main
from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ops.pipeline import run
from regiohub.store.snapshot_store import intact, list_snapshots, read_meta


def row_counts(path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return {n: con.execute(f'select count(*) from "{n}"').fetchall()[0][0] for n in names}


@pytest.fixture
def damaged(published_copy):
    """The demo data dir with its published file truncated to a third, as a broken copy leaves it."""
    data = settings.paths(published_copy)
    before, snapshot_id = row_counts(data.published), read_meta(data.published)["snapshot_id"]
    os.truncate(data.published, data.published.stat().st_size // 3)
    return data, before, snapshot_id


def test_kept_snapshots_are_checksummed_copies(published_copy):
    data = settings.paths(published_copy)
    (kept,) = list_snapshots(data)
    path = data.published_dir / "snapshots" / f"{kept}.duckdb"
    assert path.stat().st_ino != data.published.stat().st_ino and path.stat().st_nlink == 1
    assert path.with_suffix(".sha256").is_file() and intact(data, kept)
    with open(path, "r+b") as fh:  # one flipped byte deep in the file: the checksum notices
        fh.seek(path.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0xFF]))
    assert not intact(data, kept)


def test_status_says_it_in_one_line_and_rollback_restores_the_last_good_snapshot(damaged, capsys):
    data, before, snapshot_id = damaged
    assert main(["status"]) == 0
    out = capsys.readouterr()
    lines = [line for line in out.out.splitlines() if "DAMAGED" in line]
    assert len(lines) == 1 and f"restores snapshot {snapshot_id}" in lines[0], out.out
    assert "Traceback" not in out.out + out.err and str(data.data_dir) not in lines[0]

    assert main(["publish", "--list"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("published: DAMAGED") and snapshot_id in listing

    assert main(["publish", "--rollback"]) == 0
    assert f"snapshot {snapshot_id} is published again" in capsys.readouterr().out
    assert row_counts(data.published) == before  # the same rows as before the damage
    assert read_meta(data.published)["snapshot_id"] == snapshot_id
    assert intact(data, snapshot_id)  # the rollback target was a copy: untouched by the damage
    assert main(["status"]) == 0 and "DAMAGED" not in capsys.readouterr().out


def test_the_next_run_heals_it_too(damaged):
    data, before, snapshot_id = damaged
    with offline():
        report = run(data)
    assert report.outcome == "unchanged", report
    assert read_meta(data.published)["snapshot_id"] == snapshot_id and row_counts(data.published) == before
