"""A read-only data folder: ``regiohub run --offline`` ends with one line naming the problem (no traceback) and
leaves every file as it was — the published mart byte for byte, nothing half-written beside it.

Tests often run as root, for whom ``chmod`` does not stop writes; the folder is therefore mounted read-only in a
private mount namespace of the run (``unshare -m``, or ``unshare -rm`` without the right to mount). Where neither
works, ``chmod -R a-w`` is used, and the test skips if the folder is still writable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from regiohub.core import settings

NO_MOUNT = 97  # the exit code of the wrapper when the read-only mount is refused
MOUNT_RO = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 97; shift; exec "$@"'


def _files(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the SHA-256 of its content."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _run(data_dir: Path, wrapper: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    return subprocess.run([*wrapper, sys.executable, "-m", "regiohub.cli", "run", "--offline"], env=env,
                          capture_output=True, text=True, timeout=600)


def _chmod(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _read_only_run(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``regiohub run --offline`` with ``data_dir`` read-only (skips where it cannot be made read-only)."""
    if shutil.which("unshare") and shutil.which("mount"):
        for flags in ("-m", "-rm"):
            done = _run(data_dir, ["unshare", flags, "sh", "-c", MOUNT_RO, "sh", str(data_dir)])
            if done.returncode != NO_MOUNT:
                return done
    _chmod(data_dir, writable=False)
    try:
        probe = data_dir / ".write-probe"
        try:
            probe.touch()
        except OSError:
            return _run(data_dir, [])
        probe.unlink()
        pytest.skip("the data folder stays writable despite chmod (root) and no read-only mount is possible here")
    finally:
        _chmod(data_dir, writable=True)


def test_a_read_only_data_folder_ends_the_run_in_one_line_and_changes_nothing(published_copy: Path):
    before = _files(published_copy)
    mart = settings.paths(published_copy).published.read_bytes()

    done = _read_only_run(published_copy)

    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode != 0
    assert len(lines) == 1, lines
    assert "not writable" in lines[0] and str(published_copy) in lines[0], lines[0]
    assert "Traceback" not in done.stderr
    assert settings.paths(published_copy).published.read_bytes() == mart
    assert _files(published_copy) == before
