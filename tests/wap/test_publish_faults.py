"""Broken disks and clocks: a read-only data mount, a full disk, a clock set back (issue: faults)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from regiohub.cli import main
from regiohub.core import settings
from regiohub.publish import swap as publish
from regiohub.publish.swap import list_snapshots, publish_candidate, published_snapshot, rollback
from regiohub.store.loads import published_loads
from regiohub.store.runs import recent_runs


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only_copy(demo_data_dir: Path, tmp_path: Path):
    """A copy of the demo data dir on a read-only mount (a bind mount as root, permissions otherwise)."""
    source = tmp_path / "data"
    shutil.copytree(demo_data_dir, source, symlinks=True)
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(source)], check=True)
        yield source
        subprocess.run(["chmod", "-R", "u+w", str(source)], check=True)
        return
    mount = tmp_path / "ro"
    mount.mkdir()
    bind = subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True)
    if bind.returncode:
        pytest.skip(f"cannot bind-mount as root here: {bind.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=True)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_status_history_and_the_mart_work_on_a_read_only_mount(read_only_copy, monkeypatch, capsys):
    with pytest.raises(OSError):
        (read_only_copy / "probe").write_text("x")  # the mount really is read-only
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(read_only_copy))
    data = settings.paths(read_only_copy)

    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "published: snapshot" in out and "published" in out.split("\nrun ")[-1]
    runs = recent_runs(data)  # what the dashboards' Datenqualität page reads
    assert runs and runs[0]["outcome"] == "published"
    assert published_loads(data)
    with duckdb.connect(str(data.published), read_only=True) as con:  # analysts
        assert con.execute("select count(*) from fct_indicator_value").fetchall()[0][0] > 0
    assert duckdb.sql(f"select count(*) from '{data.published_dir}/parquet/dim_region.parquet'").fetchall()[0][0] > 0


def test_a_full_disk_is_one_clear_error_recorded_as_failed_and_leaves_nothing(published_copy, monkeypatch, capsys):
    data = settings.paths(published_copy)
    before = sha256(data.published)
    exports = sorted(p.name for p in (data.published_dir / "exports").iterdir())
    monkeypatch.setenv("REGIOHUB_FAIL_AT", "publish:written")  # ENOSPC while exporting the new snapshot

    assert main(["run", "--offline", "--force"]) == 1

    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "disk full" in errors[0] and "Traceback" not in err
    assert sha256(data.published) == before
    last = recent_runs(data, 1)[0]
    assert last["outcome"] == "failed" and "disk full" in last["error"]
    assert not list(data.build.glob("candidate-*")) and not list(data.build.glob("failed-*"))
    assert not list(data.published_dir.glob(".incoming-*"))
    assert sorted(p.name for p in (data.published_dir / "exports").iterdir()) == exports


def test_a_clock_set_back_does_not_block_publishing(candidate, published_copy, monkeypatch):
    data = settings.paths(published_copy)
    current = published_snapshot(data)["snapshot_id"]
    day_before = datetime.now(UTC) - timedelta(days=1)

    class Yesterday(datetime):
        @classmethod
        def now(cls, tz=None):
            return day_before

    monkeypatch.setattr(publish, "datetime", Yesterday)
    result = publish_candidate(candidate, data)

    assert published_snapshot(data)["snapshot_id"] == result.snapshot_id
    assert result.snapshot_id > current  # still sorts after the older snapshot
    assert list_snapshots(data)[-1] == result.snapshot_id
    assert rollback(data) == current  # "the one before" is still the one published before
