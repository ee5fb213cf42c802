"""What an operator types: `publish --list`, a recorded rollback, `--version`, the data dir from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from regiohub.cli import main
from regiohub.core import settings
from regiohub.publish.swap import publish_candidate, published_snapshot
from regiohub.store.runs import recent_runs


def test_list_marks_the_current_snapshot_and_a_rollback_is_recorded(candidate, published_copy, capsys):
    data = settings.paths(published_copy)
    first = published_snapshot(data)["snapshot_id"]
    second = publish_candidate(candidate, data).snapshot_id

    assert main(["publish", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    current = [line for line in lines if line.startswith("* ") and " MB" in line]
    assert len(current) == 1 and second in current[0] and " MB" in current[0]
    assert any(first in line and not line.startswith("*") for line in lines)
    assert "CET" in current[0] or "CEST" in current[0]  # Europe/Berlin

    assert main(["publish", "--rollback"]) == 0
    assert published_snapshot(data)["snapshot_id"] == first
    last = recent_runs(data, 1)[0]
    assert (last["kind"], last["outcome"], last["snapshot_id"]) == ("rollback", "rolled_back", first)
    assert main(["status"]) == 0
    assert "rolled_back" in capsys.readouterr().out


def test_the_data_dir_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("REGIOHUB_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert settings.data_dir() == settings.REPO_ROOT / "data"
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(tmp_path / "elsewhere"))
    assert settings.data_dir() == tmp_path / "elsewhere"


def test_the_installed_command_works_without_uv_on_path(tmp_path):
    regiohub = Path(sys.executable).with_name("regiohub")  # .venv/bin/regiohub, as the README says
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"), "REGIOHUB_DATA_DIR": str(tmp_path)}
    out = subprocess.run([str(regiohub), "--version"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("regiohub "), out.stderr
    status = subprocess.run([str(regiohub), "status"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert status.returncode == 0 and "published: nothing yet" in status.stdout, status.stderr
