"""Assertions shared by the hostile-input suites: one clear line, payload kept, nothing written, nothing leaked."""

from __future__ import annotations

import hashlib
from pathlib import Path

from regiohub.cli import main

CANARY = "leak-canary-5c1e7a"  # set in the environment: an injection that reads it would show it


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_no_leak(data_dir: Path) -> None:
    """The canary from the environment appears in no raw, quarantine, state or log file."""
    for p in data_dir.rglob("*"):
        if p.is_file() and "landing" not in p.relative_to(data_dir).parts:
            assert CANARY.encode() not in p.read_bytes(), p


def rejected(capsys, data_dir: Path, source: str, payload: Path, problem: str) -> str:
    """Ingest ``payload`` expecting a rejection naming ``problem``; check the rest of the contract."""
    assert main(["ingest", source, "--from", str(payload)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {source}: ") and problem in err, err
    kept = sorted((data_dir / "landing" / source).iterdir())[-1]
    originals = [payload] if payload.is_file() else [p for p in payload.rglob("*") if p.is_file()]
    assert {_sha(p) for p in originals} <= {_sha(p) for p in kept.rglob("*") if p.is_file()}
    assert not list((data_dir / "raw").glob(f"{source}/*/*.parquet"))
    assert str(data_dir / "landing") not in err  # the operator's file is named, not our load folder
    assert_no_leak(data_dir)
    return err


def loaded(capsys, source: str, payload: Path) -> str:
    """Ingest ``payload`` expecting a load; return the CLI's output (with its notes)."""
    code = main(["ingest", source, "--from", str(payload)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out
