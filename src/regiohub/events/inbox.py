"""Partner file drops: ``$REGIOHUB_DATA_DIR/inbox/<source_id>/``.

Protocol for a partner (or :func:`drop`): upload the data file under a temporary name (``*.part`` or a
leading dot), rename it, then create the ready marker ``READY``. Airflow's ``FileDeleteTrigger`` watches
the marker — never the data, because the trigger deletes what it finds — and the inbox DAG then claims
the ready data files by moving them into ``inbox/<source_id>/.claimed/<claim_id>/`` (an atomic rename,
so a file is claimed by exactly one run) and ingests each one as ``ingest --from`` would. An external
system may instead post an asset event through the REST API naming one file (``{"file": "<name>"}``).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from regiohub import settings
from regiohub.errors import SourceError

log = logging.getLogger(__name__)

MARKER = "READY"
CLAIMED = ".claimed"


def inbox_dir(source_id: str, data: settings.Paths | None = None) -> Path:
    """The drop folder of one source."""
    return (data or settings.paths()).data_dir / "inbox" / source_id


def marker_path(source_id: str, data: settings.Paths | None = None) -> Path:
    return inbox_dir(source_id, data) / MARKER


def ready_files(source_id: str, data: settings.Paths | None = None) -> list[Path]:
    """Data files waiting in the inbox: not the marker, not hidden, not partial uploads."""
    folder = inbox_dir(source_id, data)
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.name != MARKER and not p.name.startswith(".") and not p.name.endswith(".part")
    )


def drop(source_id: str, file: Path, data: settings.Paths | None = None, *, name: str | None = None) -> Path:
    """Put ``file`` into the inbox the way a partner should: partial name, rename, then the marker."""
    folder = inbox_dir(source_id, data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or file.name)
    partial = folder / f".{target.name}.part"
    shutil.copyfile(file, partial)
    os.replace(partial, target)
    marker_path(source_id, data).touch()
    return target


def claim(source_id: str, claim_id: str, data: settings.Paths | None = None, *, only: str | None = None) -> list[Path]:
    """Move the ready files (or just ``only``) into a claim folder of their own and return them.

    Files claimed by an earlier run are gone from the inbox, so every file is ingested exactly once; a retry
    of the same claim (same ``claim_id``) gets the files its first try claimed again.
    """
    folder = inbox_dir(source_id, data)
    target = folder / CLAIMED / claim_id
    claimed = sorted(p for p in target.iterdir() if p.is_file()) if target.is_dir() else []
    if only is not None:
        if Path(only).name != only or only in (MARKER, CLAIMED):
            raise SourceError(source_id, f"inbox file name {only!r} must be a plain file name")
        claimed = [p for p in claimed if p.name == only]
        candidates = [folder / only] if (folder / only).is_file() else []
    else:
        candidates = ready_files(source_id, data)
    for path in candidates:
        target.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(path, target / path.name)
        except FileNotFoundError:  # claimed by a concurrent run in the meantime
            continue
        claimed.append(target / path.name)
    return claimed


def release(claimed: list[Path]) -> None:
    """Remove claim folders whose files were ingested (the payload is kept under ``landing/``)."""
    for folder in {p.parent for p in claimed}:
        shutil.rmtree(folder, ignore_errors=True)
